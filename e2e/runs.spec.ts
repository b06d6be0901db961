/**
 * Issue 12 items 1 and 3 in the app, on the demo sheet with a validation split: three Solves
 * with k = 2, 5, 10 are three runs in the Runs panel; their valid curves overlaid, the legend
 * saying what differs (k); a rename; an older run opened (the sheet's factors and RMSE are that
 * run's, Undo brings the newest back); lr_find's plot and "Use this rate"; and the panel at
 * 1024 × 700 within the window. Screenshots: e2e/artifacts/runs-*.png, lr-find.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { reopenDemoSheet } from './support/demo-sheet.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];
const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/${name}.png` });
const rows = (page: Page) => page.locator('#runs-table tr[data-run]');
/** A run's numbers, the line under its name: model, k, optimizer, lr, wd, epochs, valid, time. */
const numbers = (page: Page, id = '') => page.locator(id ? `#runs-table tr[data-numbers="${id}"]` : '#runs-table tr[data-numbers]');

test.beforeAll(({ baseURL }) => reopenDemoSheet(baseURL!));
test.afterAll(({ baseURL }) => reopenDemoSheet(baseURL!));

async function setSetting(page: Page, id: string, value: string): Promise<void> {
  await page.fill(`#setting-${id}`, value);
  await page.locator(`#setting-${id}`).dispatchEvent('change');
}

/** The width the page scrolls sideways by, and Runs card controls outside the window. */
function outside(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      innerWidth: number;
      innerHeight: number;
      document: { scrollingElement: { scrollWidth: number }; querySelectorAll(s: string): Iterable<{ id: string; textContent: string | null; getBoundingClientRect(): { left: number; right: number; width: number } }> };
    };
    const out: string[] = [];
    if (g.document.scrollingElement.scrollWidth > g.innerWidth) out.push(`the page scrolls sideways: ${g.document.scrollingElement.scrollWidth} px in ${g.innerWidth}`);
    for (const c of g.document.querySelectorAll('#runs-card :is(button, input), #runs-card')) {
      const r = c.getBoundingClientRect();
      if (r.width > 0 && (r.left < 0 || r.right > g.innerWidth + 0.5)) out.push(`${c.id || (c.textContent ?? '').trim().slice(0, 20)} at ${r.left}–${r.right}`);
    }
    return out;
  });
}

test('runs: three Solves, their overlay and legend, rename, open an older run, lr_find', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('#sheet-name')).toHaveText('Demo: 15 friends rate 15 movies');
  await expect(page.locator('#runs-card')).toContainText('Each Solve');

  await test.step('three Solves with k = 2, 5, 10 are three runs', async () => {
    await setSetting(page, 'speed', '0');
    await setSetting(page, 'valid-pct', '20');
    for (const [n, k] of [2, 5, 10].entries()) {
      await setSetting(page, 'factors', String(k));
      await page.click('#solve');
      await expect(rows(page)).toHaveCount(n + 1, { timeout: 30_000 });
      await expect(page.locator('#status')).toHaveText(/^Ready/);
    }
    // Newest first; k in its column.
    await expect(numbers(page).locator('td:nth-child(2)')).toHaveText(['10', '5', '2']);
    await page.locator('#runs-card').scrollIntoViewIfNeeded();
    await shot(page, 'runs-panel');
  });

  await test.step('sorting by valid RMSE puts the best first', async () => {
    await page.click('#runs-table th button[data-column="valid"]');
    const valid = (await numbers(page).locator('td:nth-child(7)').allTextContents()).map(Number);
    expect(valid).toEqual([...valid].sort((a, b) => a - b));
  });

  await test.step('the three overlaid: the legend says what differs, k', async () => {
    for (const id of ['r1', 'r2', 'r3']) await page.check(`#runs-table tr[data-run="${id}"] input[type=checkbox]`);
    await expect(page.locator('#runs-legend li')).toHaveText(['k 2', 'k 5', 'k 10']);
    await expect(page.locator('#runs-diff > tr')).toHaveText(['kk 2k 5k 10']);
    await page.locator('.chart-box').scrollIntoViewIfNeeded();
    await shot(page, 'runs-overlay');
  });

  await test.step('rename a run inline', async () => {
    await page.dblclick('#runs-table tr[data-run="r1"] td.run-name');
    await page.fill('#runs-table input.run-rename', 'smallest k');
    await page.press('#runs-table input.run-rename', 'Enter');
    await expect(page.locator('#runs-table tr[data-run="r1"] td.run-name')).toHaveText('smallest k');
  });

  await test.step("open the oldest run: the sheet's RMSE is that run's; Undo brings the newest back", async () => {
    const newest = (await page.locator('#status').textContent())!;
    const r1Valid = (await numbers(page, 'r1').locator('td:nth-child(7)').textContent())!;
    await page.uncheck('#runs-table tr[data-run="r2"] input[type=checkbox]');
    await page.uncheck('#runs-table tr[data-run="r3"] input[type=checkbox]');
    await page.click('#open-run');
    await expect(page.locator('#status')).toContainText(`valid ${r1Valid}`);
    await expect(page.locator('#setting-factors')).toHaveValue('2');
    await page.click('#undo');
    await expect(page.locator('#setting-factors')).toHaveValue('10');
    await expect(page.locator('#status')).toHaveText(newest);
  });

  await test.step('lr_find: the plot with its suggestion marked, and "Use this rate" sets the learning rate', async () => {
    await page.selectOption('#setting-optimizer', 'adam');
    await page.locator('#setting-optimizer').dispatchEvent('change');
    await expect(page.locator('#find-lr')).toBeEnabled();
    await page.click('#find-lr');
    await expect(page.locator('#lr-find-words')).toContainText('batches', { timeout: 30_000 });
    const use = (await page.locator('#use-lr').textContent())!;
    const rate = Number(/\(([\d.e-]+)\)/.exec(use)![1]);
    expect(rate).toBeGreaterThan(1e-7);
    await page.locator('#lr-find').scrollIntoViewIfNeeded();
    await shot(page, 'lr-find');
    await page.click('#use-lr');
    await expect.poll(async () => Math.abs(Math.log(Number(await page.inputValue('#setting-lr')) / rate))).toBeLessThan(0.06);
  });

  await test.step('at 1024 × 700 the Runs card stays inside the window, no sideways scroll', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    if (await page.locator('#side-pane').isHidden()) await page.click('#toggle-side');
    await page.locator('#runs-card').scrollIntoViewIfNeeded();
    await shot(page, 'runs-1024');
    expect(await outside(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  expect(problems).toEqual([]);
});
