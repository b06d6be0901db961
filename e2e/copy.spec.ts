/**
 * Issue 13 item 8: Ctrl+C copies the selected block of ratings as tab-separated text, as Excel
 * and LibreOffice paste it (a blank copies empty, not as its prediction).
 */
import { expect, test, type Page } from '@playwright/test';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];

/** The e2e files compile without the DOM lib; the one browser global used is named here. */
interface PageGlobals {
  navigator: { clipboard: { readText(): Promise<string> } };
}

const ratingCell = (page: Page, row: number, col: number) => page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="m${col}"]`);

test('shift+click selects a block; Ctrl+C puts it on the clipboard as TSV', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/?token=${TOKEN}`);
  await expect(ratingCell(page, 0, 0)).toHaveText('5');
  const expected: string[] = [];
  for (let r = 0; r < 3; r++) {
    const row: string[] = [];
    for (let c = 0; c < 4; c++) {
      const cell = ratingCell(page, r, c);
      row.push(/\bpredicted\b/.test((await cell.getAttribute('class')) ?? '') ? '' : ((await cell.textContent()) ?? '').trim());
    }
    expected.push(row.join('\t'));
  }
  expect(expected.join('')).toMatch(/\d/);
  await ratingCell(page, 0, 0).click();
  await ratingCell(page, 2, 3).click({ modifiers: ['Shift'] });
  await expect(page.locator('.in-range')).toHaveCount(12);
  await page.screenshot({ path: 'e2e/artifacts/copy-selection.png' });
  await page.keyboard.press('ControlOrMeta+c');
  const copied = await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());
  expect(copied).toBe(expected.join('\r\n'));

  await ratingCell(page, 1, 1).click();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(page.locator('.in-range')).toHaveCount(2);
});
