/**
 * Issue 16 items 3 and 4: Excel's editing habits in the sheet, in Chromium against the built web
 * host, on the demo sheet. Tab and Enter commit and move without opening the next cell's editor,
 * typing replaces, F2 edits what is there, Home/End/Ctrl+Home/Ctrl+End go where Excel goes,
 * a factor typed into the sheet moves the predictions and the RMSE (and undoes), and a Solve
 * stops at convergence and says so.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/${name}.png` });
const ratingCell = (page: Page, row: number, col: number): Locator => page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="m${col}"]`);
const movieFactorCell = (page: Page, factor: number, col: number): Locator => page.locator(`.ag-grid-pinned-top-rows [row-index="t-${factor}"] [col-id="m${col}"]`);
const userFactorCell = (page: Page, row: number, factor: number): Locator => page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="uf${factor}"]`);
/** The grid's open cell editor(s): none while a cell is only selected. */
const editors = (page: Page) => page.locator('#sheet .ag-cell-inline-editing');
const editorInput = (page: Page) => page.locator('#sheet .ag-cell-inline-editing input');

async function rmse(page: Page): Promise<number> {
  const text = (await page.locator('.rmse-train').textContent()) ?? '';
  const match = /RMSE (\d+\.\d+)/.exec(text);
  if (!match) throw new Error(`no RMSE in "${text}"`);
  return Number(match[1]);
}

/** The focused cell as "row:col-id" (row "t-0" for a pinned parameter row). */
async function focused(page: Page): Promise<string> {
  const cell = page.locator('#sheet .ag-cell-focus');
  await expect(cell).toHaveCount(1);
  const row = await cell.locator('xpath=ancestor::div[@row-index][1]').getAttribute('row-index');
  return `${row}:${await cell.getAttribute('col-id')}`;
}

test('Excel editing: Tab/Enter commit and move, typing replaces, F2, Home/End, factors, convergence', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('.rmse-train')).toHaveText(/^RMSE \d\.\d{4}$/);
  const movies = await page.locator('.ag-grid-scrolling-rows [row-index="0"] [col-id^="m"]').count();

  // A blank cell (it shows a prediction) with a cell to its right.
  const blank = page.locator('.ag-grid-scrolling-rows .predicted:not([col-id="m14"])').first();
  const row = Number(await blank.locator('xpath=ancestor::div[@row-index][1]').getAttribute('row-index'));
  const col = Number((await blank.getAttribute('col-id'))!.slice(1));

  await test.step('typing on a selected cell replaces it; Tab commits and selects the next cell without editing it', async () => {
    await ratingCell(page, row, col).click();
    await expect(editors(page)).toHaveCount(0);
    await page.keyboard.type('4');
    // The editor opened with the typed key alone, not the prediction the cell showed.
    await expect(editorInput(page)).toHaveValue('4');
    await page.keyboard.press('Tab');
    await expect(ratingCell(page, row, col)).toHaveText('4');
    await expect(ratingCell(page, row, col)).toHaveClass(/observed/);
    expect(await focused(page)).toBe(`${row}:m${col + 1}`);
    await expect(editors(page)).toHaveCount(0);
    // The arrows move the selection, not a caret in an editor.
    await page.keyboard.press('ArrowLeft');
    expect(await focused(page)).toBe(`${row}:m${col}`);
    await page.keyboard.press('ArrowRight');
  });

  await test.step('typing replaces a cell that has a rating; Enter commits and moves down without editing', async () => {
    await page.keyboard.type('2');
    await expect(editorInput(page)).toHaveValue('2');
    await page.keyboard.press('Enter');
    await expect(ratingCell(page, row, col + 1)).toHaveText('2');
    expect(await focused(page)).toBe(`${row + 1}:m${col + 1}`);
    await expect(editors(page)).toHaveCount(0);
    await shot(page, 'editing-01-after-tab-enter');
  });

  await test.step("F2 edits what is there: a rating's value, and a blank cell opens empty (not its prediction)", async () => {
    await ratingCell(page, row, col).click();
    await page.keyboard.press('F2');
    await expect(editorInput(page)).toHaveValue('4');
    await page.keyboard.press('Escape');
    await expect(editors(page)).toHaveCount(0);
    const other = page.locator('.ag-grid-scrolling-rows .predicted').first();
    await other.click();
    await page.keyboard.press('F2');
    await expect(editorInput(page)).toHaveValue('');
    await page.keyboard.press('Escape');
  });

  await test.step('Home/End go along the row, Ctrl+Home/Ctrl+End to the first and last rating', async () => {
    await ratingCell(page, 3, 2).click();
    await page.keyboard.press('End');
    expect(await focused(page)).toBe(`3:m${movies - 1}`);
    await page.keyboard.press('Home');
    expect(await focused(page)).toBe('3:m0');
    await page.keyboard.press('Home');
    expect(await focused(page)).toBe('3:label');
    await page.keyboard.press('Control+End');
    expect(await focused(page)).toBe(`14:m${movies - 1}`);
    await page.keyboard.press('Control+Home');
    expect(await focused(page)).toBe('0:m0');
  });

  await test.step("a movie's factor typed into the sheet moves its predictions and the RMSE; undo puts it back", async () => {
    const before = { rmse: await rmse(page) };
    await page.click('#view-predictions');
    const predicted = await ratingCell(page, 1, 3).textContent();
    await movieFactorCell(page, 0, 3).click();
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await expect(movieFactorCell(page, 0, 3)).toHaveText('3.00');
    await expect(ratingCell(page, 1, 3)).not.toHaveText(predicted!);
    // Untrained, a bigger factor can fit better or worse: that it moves is the point.
    await expect.poll(() => rmse(page)).not.toBe(before.rmse);
    await shot(page, 'editing-02-factor-set');
    await page.keyboard.press('Control+z');
    await expect.poll(() => rmse(page)).toBe(before.rmse);
    await expect(ratingCell(page, 1, 3)).toHaveText(predicted!);
    await page.click('#view-ratings');
  });

  await test.step("a user's factor too; text that is not a number is refused in words", async () => {
    const before = await rmse(page);
    await userFactorCell(page, 2, 0).click();
    await page.keyboard.type('abc');
    await page.keyboard.press('Enter');
    await expect(page.locator('#message')).toContainText('"abc" is not a number');
    await userFactorCell(page, 2, 0).click();
    await page.keyboard.type('-2');
    await page.keyboard.press('Tab');
    await expect(userFactorCell(page, 2, 0)).toHaveText('-2.00');
    await expect.poll(() => rmse(page)).not.toBe(before);
    await expect(editors(page)).toHaveCount(0);
  });

  await test.step('a Solve stops at convergence and says at which epoch', async () => {
    await page.click('#solve');
    await expect(page.locator('#message')).toContainText(/Converged at epoch \d+/, { timeout: 20_000 });
    await expect(page.locator('body')).toHaveAttribute('data-status', 'idle');
    await shot(page, 'editing-03-converged');
  });

  expect(problems).toEqual([]);
});

test('settings explain themselves: refusals in words beside the field, "as fast as possible", the second axis on request', async ({ page }) => {
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('.rmse-train')).toHaveText(/^RMSE \d\.\d{4}$/);
  const lr = page.locator('#setting-lr');
  const before = await lr.inputValue();

  await test.step('a learning rate over the limit: the main side\'s words beside the field, the setting in force back in it', async () => {
    await lr.fill('150');
    await lr.press('Enter');
    await expect(page.locator('#setting-lr-error')).toHaveText('Learning rate must be at most 100, got 150');
    await expect(page.locator('#setting-lr-error')).toBeVisible();
    await expect(lr).toHaveValue(before);
    await expect(lr).toHaveAttribute('aria-invalid', 'true');
    await shot(page, 'editing-04-settings-refused');
    await lr.fill('0.5');
    await lr.press('Enter');
    await expect(page.locator('#setting-lr-error')).toHaveText('');
    await expect(lr).toHaveAttribute('aria-invalid', 'false');
  });

  await test.step('an emptied field says it needs a number', async () => {
    const wd = page.locator('#setting-wd');
    await wd.fill('');
    await wd.press('Enter');
    await expect(page.locator('#setting-wd-error')).toHaveText('Weight decay needs a number');
  });

  await test.step('Epochs per second 0 reads "as fast as possible"', async () => {
    await expect(page.locator('#setting-speed-note')).toContainText('at most 30 epochs a second');
    const speed = page.locator('#setting-speed');
    await speed.fill('0');
    await speed.press('Enter');
    await expect(page.locator('#setting-speed-note')).toHaveText('as fast as possible');
  });

  await test.step('the step size series is hidden until asked for, and named plainly', async () => {
    const toggle = page.locator('#chart-show-step');
    await expect(toggle).not.toBeChecked();
    await expect(page.locator('label.chart-options')).toHaveText('Show the step size of each iteration');
    await page.click('#solve');
    await expect(page.locator('body')).toHaveAttribute('data-status', 'idle', { timeout: 20_000 });
    await shot(page, 'editing-05-chart-one-axis');
    await toggle.check();
    await shot(page, 'editing-06-chart-step-size');
  });
});
