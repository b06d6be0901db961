/**
 * The app in Chromium against the built web host, on the demo sheet, as a student would use it:
 * open, Solve and watch, Stop, edit, Step, undo, paste, look at the views, reload. Screenshots of
 * each state go to e2e/artifacts/. Any console error or page error fails the test (a CSP
 * violation is a console error).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];

/**
 * The few browser globals the in-page functions use. The e2e files compile with the main side's
 * tsconfig (no DOM lib, on purpose), so they name what they touch instead of pulling the DOM in.
 * (A cast, not a helper: page.evaluate ships only the function's own source to the page.)
 */
interface PageGlobals {
  document: {
    getElementById(id: string): { dataset: Record<string, string | undefined> } | null;
    activeElement: { dispatchEvent(e: unknown): boolean } | null;
  };
  requestAnimationFrame(callback: () => void): number;
  DataTransfer: new () => { setData(type: string, text: string): void };
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean }) => unknown;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/${name}.png` });

const ratingCell = (page: Page, row: number, col: number): Locator =>
  page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="m${col}"]`);
const movieFactorCell = (page: Page, factor: number, col: number): Locator =>
  page.locator(`.ag-grid-pinned-top-rows [row-index="t-${factor}"] [col-id="m${col}"]`);
const rmseCell = (page: Page) => page.locator('.rmse-train');

async function rmse(page: Page): Promise<number> {
  const text = (await rmseCell(page).textContent()) ?? '';
  const match = /RMSE (\d+\.\d+)/.exec(text);
  if (!match) throw new Error(`no RMSE in "${text}"`);
  return Number(match[1]);
}

const number = async (cell: Locator) => Number(await cell.textContent());

test('the demo sheet: solve, stop, edit, step, undo, paste, views, reload', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  await test.step('open: the untrained sheet shows its RMSE', async () => {
    await page.goto(`/?token=${TOKEN}`);
    await expect(rmseCell(page)).toHaveText(/^RMSE \d\.\d{4}$/);
    await expect(page.locator('#sheet-name')).toHaveText('Demo: 15 friends rate 15 movies');
    expect(await rmse(page)).toBeGreaterThan(1);
    await expect(ratingCell(page, 0, 0)).toHaveText('5');
    await expect(ratingCell(page, 0, 0)).toHaveClass(/observed/);
    await expect(page.locator('.ag-grid-scrolling-rows .predicted').first()).toBeVisible();
    await shot(page, '01-demo-before-solve');
  });

  await test.step('Solve: RMSE falls and the factor cells change while it runs', async () => {
    const initial = await rmse(page);
    await page.click('#solve');
    await expect(page.locator('body')).toHaveAttribute('data-status', 'training');
    await page.waitForTimeout(300);
    const a = { rmse: await rmse(page), factor: await movieFactorCell(page, 0, 0).textContent() };
    // The repaint rate, counted inside the page over one second of the run, next to the rate at
    // which new numbers arrived (the worker sends at most ~30 a second).
    const rate = await page.evaluate(async () => {
      const { document, requestAnimationFrame } = globalThis as unknown as PageGlobals;
      const sheet = document.getElementById('sheet')!;
      const count = () => [Number(sheet.dataset['updates']), Number(sheet.dataset['repaints']), Number(sheet.dataset['repaintMs'])];
      let frames = 0;
      const frame = () => {
        frames++;
        if (performance.now() - t0 < 1000) requestAnimationFrame(frame);
      };
      const [[u0, r0, ms0], t0] = [count(), performance.now()];
      requestAnimationFrame(frame);
      await new Promise((r) => setTimeout(r, 1000));
      const [[u1, r1, ms1], t1] = [count(), performance.now()];
      const hz = (n: number) => (n * 1000) / (t1 - t0);
      return { updatesHz: hz(u1 - u0), repaintHz: hz(r1 - r0), framesHz: hz(frames), msPerRepaint: (ms1 - ms0) / (r1 - r0) };
    });
    const b = { rmse: await rmse(page), factor: await movieFactorCell(page, 0, 0).textContent() };
    await shot(page, '02-solving');
    expect(a.rmse).toBeLessThan(initial);
    expect(b.rmse).toBeLessThan(a.rmse);
    expect(b.factor).not.toBe(a.factor);
    console.log(
      `during Solve: numbers arrived at ${rate.updatesHz.toFixed(1)} Hz, the sheet repainted at ${rate.repaintHz.toFixed(1)} Hz ` +
        `(${rate.msPerRepaint.toFixed(1)} ms each; the page ran ${rate.framesHz.toFixed(1)} animation frames/s)`,
    );
    // The ≥ 20 Hz target is a measurement (printed above, reported in the README), not an
    // assertion: a timed threshold would fail on a loaded CI machine for no fault of the code.
    // What must hold everywhere is that the sheet repaints as new numbers arrive.
    expect(rate.updatesHz).toBeGreaterThan(1);
    expect(rate.repaintHz).toBeGreaterThan(1);
  });

  await test.step('Stop: training ends within a moment', async () => {
    await page.click('#stop');
    await expect(page.locator('body')).toHaveAttribute('data-status', 'idle');
    await expect(page.locator('#status')).toHaveText(/^Ready · epoch \d+/);
    await shot(page, '03-stopped');
  });

  // A blank cell: its prediction, then a rating on the other side of the scale.
  const blank = page.locator('.ag-grid-scrolling-rows .predicted').first();
  const row = Number(await blank.locator('xpath=ancestor::div[@row-index][1]').getAttribute('row-index'));
  const col = Number((await blank.getAttribute('col-id'))!.slice(1));
  const cell = ratingCell(page, row, col);
  const before = await number(cell);
  const target = before > 2.75 ? 0.5 : 5;

  await test.step('edit: a rating outside the scale or not a number is refused with a message', async () => {
    await cell.dblclick();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('9');
    await page.keyboard.press('Enter');
    await expect(page.locator('#message')).toContainText("9 is outside the sheet's rating scale 0.5–5");
    await expect(cell).toHaveClass(/predicted/);
    await cell.click();
    await page.keyboard.type('abc');
    await page.keyboard.press('Enter');
    await expect(page.locator('#message')).toContainText('"abc" is not a rating');
  });

  await test.step('edit: typing a rating makes the cell observed', async () => {
    await cell.click();
    await page.keyboard.type(String(target));
    await page.keyboard.press('Enter');
    await expect(cell).toHaveText(String(target));
    await expect(cell).toHaveClass(/observed/);
    await expect(page.locator('#undo')).toBeEnabled();
  });

  await test.step('Step: the prediction for the edited cell moves towards the new rating', async () => {
    const epochs = (await page.locator('#status').textContent())!;
    await page.click('#step');
    await expect(page.locator('#status')).not.toHaveText(epochs);
    await expect(page.locator('body')).toHaveAttribute('data-status', 'idle');
    await page.click('#view-predictions');
    const after = await number(cell);
    expect(Math.abs(after - target)).toBeLessThan(Math.abs(before - target));
    await shot(page, '04-predictions-view');
    await page.click('#view-ratings');
  });

  await test.step('undo (Ctrl+Z) makes the cell blank again; redo (Ctrl+Y) brings it back; undo again', async () => {
    await cell.click();
    await page.keyboard.press('Control+z');
    await expect(cell).toHaveClass(/predicted/);
    await page.keyboard.press('Control+y');
    await expect(cell).toHaveText(String(target));
    await page.keyboard.press('Control+z');
    await expect(cell).toHaveClass(/predicted/);
  });

  await test.step('paste a tab-separated block at the focused cell; Delete clears a cell', async () => {
    await ratingCell(page, 13, 12).click();
    await page.evaluate(() => {
      const { document, DataTransfer, ClipboardEvent } = globalThis as unknown as PageGlobals;
      const data = new DataTransfer();
      data.setData('text/plain', '1\t\t2\n3\t4\t5\n');
      document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    });
    await expect(ratingCell(page, 13, 12)).toHaveText('1');
    await expect(ratingCell(page, 13, 13)).toHaveClass(/predicted/);
    await expect(ratingCell(page, 14, 14)).toHaveText('5');
    await ratingCell(page, 14, 13).click();
    await expect(page.locator('#tooltip')).toContainText('rating 4 ·');
    await page.keyboard.press('Delete');
    await expect(ratingCell(page, 14, 13)).toHaveClass(/predicted/);
    // The formula under the pointer follows the change.
    await expect(page.locator('#tooltip')).toContainText('no rating: the sheet shows the prediction');
    await shot(page, '05-pasted');
  });

  await test.step('keyboard navigation moves the focus between cells', async () => {
    await ratingCell(page, 2, 2).click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect(ratingCell(page, 3, 3)).toBeFocused();
  });

  await test.step('the formula of a cell shows on hover, with its numbers', async () => {
    await page.locator('.ag-grid-scrolling-rows .predicted').first().hover();
    const tooltip = page.locator('#tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('prediction = sigmoid_range(u·v + b_user + b_movie, 0, 5.5)');
    await expect(tooltip).toContainText(/u·v = .+ = -?\d+\.\d{3}/);
    await shot(page, '06-formula-tooltip');
  });

  let rmseBeforeReload = 0;
  await test.step('the errors view colours prediction − rating', async () => {
    await page.click('#view-errors');
    await expect(ratingCell(page, 0, 0)).toHaveText(/^[+−]\d\.\d\d$/);
    await expect(ratingCell(page, 0, 0)).toHaveClass(/error/);
    rmseBeforeReload = await rmse(page);
    await shot(page, '07-errors-view');
  });

  await test.step('reload keeps the sheet, its edits, its factors, the history and the view', async () => {
    const status = await page.locator('#status').textContent();
    const factor = await movieFactorCell(page, 1, 3).textContent();
    await page.reload();
    await expect(rmseCell(page)).toHaveText(/^RMSE /);
    expect(await rmse(page)).toBe(rmseBeforeReload);
    await expect(page.locator('#status')).toHaveText(status!);
    await expect(movieFactorCell(page, 1, 3)).toHaveText(factor!);
    await expect(page.locator('#view-errors')).toHaveAttribute('aria-checked', 'true');
    await page.click('#view-ratings');
    await expect(ratingCell(page, 13, 12)).toHaveText('1');
    await expect(ratingCell(page, 14, 13)).toHaveClass(/predicted/);
    await expect(page.locator('#undo')).toBeEnabled();
  });

  await test.step('Solve to the end, then reveal the planted tastes', async () => {
    await page.click('#solve');
    await expect(page.locator('body')).toHaveAttribute('data-status', 'training');
    await expect(page.locator('body')).toHaveAttribute('data-status', 'idle', { timeout: 30_000 });
    expect(await rmse(page)).toBeLessThan(0.5);
    await shot(page, '08-demo-after-solve');
    await page.click('#reveal-tastes');
    await expect(page.locator('table.tastes tbody tr')).toHaveCount(3);
    await page.locator('#tastes-card').scrollIntoViewIfNeeded();
    await shot(page, '09-planted-tastes');
  });

  expect(problems).toEqual([]);
});
