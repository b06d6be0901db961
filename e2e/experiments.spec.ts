/**
 * Issue 12 items 2, 4, 5 in the app, on the demo sheet with 20% held out: a sweep over k (its
 * chart and its runs in the table), the overlay of three of them, a fitted blend of those three
 * (a run no worse than its best member) opened in the sheet and exported as one ONNX serving model, a grid of two settings as a heat map, "Use the best
 * settings", and a short tune adding its best single run. Screenshots: docs/screenshots/sweep-*.png,
 * blend.png, blend-in-sheet.png, blend-export.png, tune.png.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { reopenDemoSheet } from './support/demo-sheet.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];
const rows = (page: Page) => page.locator('#runs-table tr[data-run]');
const validOf = async (page: Page, id: string) => Number(await page.locator(`#runs-table tr[data-numbers="${id}"] td:nth-child(7)`).textContent());
const card = (page: Page, name: string) => page.locator('#runs-card').screenshot({ path: `docs/screenshots/${name}.png` });

test.beforeAll(({ baseURL }) => reopenDemoSheet(baseURL!));
test.afterAll(({ baseURL }) => reopenDemoSheet(baseURL!));

async function setSetting(page: Page, id: string, value: string): Promise<void> {
  await page.fill(`#setting-${id}`, value);
  await page.locator(`#setting-${id}`).dispatchEvent('change');
}

test('experiments: a sweep over k, three runs overlaid, a blend, a grid, a short tune', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('#sheet-name')).toHaveText('Demo: 15 friends rate 15 movies');
  await setSetting(page, 'speed', '0');
  await setSetting(page, 'valid-pct', '20');

  await test.step('a sweep over k: four runs in the table, valid RMSE against k, the best named', async () => {
    await page.click('#sweep-open');
    await expect(page.locator('#sweep-setting')).toHaveValue('k');
    await page.fill('#sweep-values', '1, 2, 5, 10');
    await page.click('#sweep-run');
    await expect(page.locator('#sweep-summary')).toContainText(/^Best: k \d+ — valid RMSE \d\.\d{4}\.$/, { timeout: 60_000 });
    await expect(rows(page)).toHaveCount(4);
    await expect(page.locator('#runs-table td.run-name')).toHaveText(['sweep k=10', 'sweep k=5', 'sweep k=2', 'sweep k=1']);
    await expect(page.locator('#sweep-chart')).toBeVisible();
    await expect(page.locator('#experiment-progress')).toHaveText(/^Sweep: 4 of 4 runs done in \d+ s$/);
    await expect(page.locator('#status')).toHaveText(/^Ready/);
    await card(page, 'sweep-k');
  });

  await test.step('three of them overlaid on the chart: the legend says what differs, k', async () => {
    for (const id of ['r1', 'r2', 'r3']) await page.check(`#runs-table tr[data-run="${id}"] input[type=checkbox]`);
    await expect(page.locator('#runs-legend li')).toHaveText(['k 1', 'k 2', 'k 5']);
    await page.locator('.chart-box').scrollIntoViewIfNeeded();
    await page.locator('.chart-box').screenshot({ path: 'docs/screenshots/sweep-overlay.png' });
  });

  await test.step('a fitted blend of the three is a run, no worse than its best member', async () => {
    const best = Math.min(...(await Promise.all(['r1', 'r2', 'r3'].map((id) => validOf(page, id)))));
    await expect(page.locator('#blend-runs')).toBeEnabled();
    await page.click('#blend-runs');
    await expect(rows(page)).toHaveCount(5);
    await expect(page.locator('#runs-table tr[data-run="r5"] td.run-name')).toHaveText('blend of 3 (fitted)');
    expect(await validOf(page, 'r5')).toBeLessThanOrEqual(best + 1e-4);
    for (const id of ['r1', 'r2', 'r3']) await page.uncheck(`#runs-table tr[data-run="${id}"] input[type=checkbox]`);
    await page.check('#runs-table tr[data-run="r5"] input[type=checkbox]');
    await expect(page.locator('#blend-note')).toContainText(/^sweep k=\S+ × \d\.\d\d/);
    await card(page, 'blend');
  });

  await test.step("the blend opened: the sheet's predictions are its members' weighted mean, it says so; Undo brings the model back", async () => {
    const valid = await validOf(page, 'r5');
    await expect(page.locator('#open-run')).toBeEnabled();
    await page.click('#open-run');
    const banner = page.locator('#blend-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(/^The sheet shows the blend "blend of 3 \(fitted\)" of \d+ runs?: each prediction is the weighted mean \d\.\d\d × sweep k=/);
    await expect(banner).toContainText(`(valid RMSE ${valid.toFixed(4)})`);
    await expect(banner).toContainText('Editing a rating, Step or Solve goes back to one model');
    await expect(page.locator('#status')).toContainText(`valid ${valid.toFixed(4)}`);
    await page.locator('#sheet-pane').screenshot({ path: 'docs/screenshots/blend-in-sheet.png' });
    await page.click('#undo');
    await expect(banner).toBeHidden();
  });

  await test.step('the blend exported as one ONNX serving model: the dialog offers ONNX alone and writes its files', async () => {
    await page.click('#export-blend');
    const dialog = page.locator('#export-dialog');
    await expect(dialog.locator('h2')).toHaveText('Export the blend "blend of 3 (fitted)" as one ONNX serving model');
    await expect(dialog.locator('input[name=format]:checked')).toHaveCount(1);
    await expect(dialog.locator('input[value=onnx]')).toBeChecked();
    await expect(dialog.locator('input[value=csv]')).toBeDisabled();
    await page.fill('#export-folder', mkdtempSync(join(tmpdir(), 'collabsheet-e2e-blend-')));
    await page.click('#export-go');
    await expect(dialog.locator('.export-result .ok')).toHaveText(/^Wrote 4 files to /);
    await expect(dialog.locator('.export-files li')).toHaveText(['model.onnx', 'model-unrated.onnx', 'model-pairs.onnx', 'ids.json']);
    await dialog.screenshot({ path: 'docs/screenshots/blend-export.png' });
    await dialog.locator('button', { hasText: 'Close' }).click();
    await page.uncheck('#runs-table tr[data-run="r5"] input[type=checkbox]');
  });

  await test.step('two settings as a grid: a heat map, the best cell marked; Use the best settings', async () => {
    await page.selectOption('#sweep-setting', 'k');
    await page.fill('#sweep-values', '2, 5');
    await page.selectOption('#sweep-setting-2', 'y-range');
    await expect(page.locator('#sweep-values-2')).toHaveValue('off, on');
    await page.click('#sweep-run');
    await expect(page.locator('#sweep-heat')).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('#sweep-heat tr')).toHaveCount(3);
    await expect(page.locator('#sweep-heat td.best')).toHaveCount(1);
    await expect(page.locator('#sweep-chart')).toBeHidden();
    await card(page, 'sweep-grid');
    const bestK = /k (\d+)/.exec((await page.locator('#sweep-summary').textContent())!)![1];
    await page.click('#sweep-use-best');
    await expect(page.locator('#setting-factors')).toHaveValue(bestK);
  });

  await test.step('a short tune: its progress, then its best single run in the list', async () => {
    await page.fill('#tune-budget', '5');
    await page.click('#tune');
    await expect(page.locator('#experiment-progress')).toHaveText(/^Tune: \d+ runs in \d+ s; the best single run/, { timeout: 60_000 });
    await expect(page.locator('#runs-table td.run-name', { hasText: /^tune best: / })).toHaveCount(1);
    await card(page, 'tune');
  });

  expect(problems).toEqual([]);
});
