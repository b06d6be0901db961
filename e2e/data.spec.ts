/**
 * Real data in Chromium against the built web host: import a CSV through the preview, a broken
 * file stopping at file:line with "skip bad rows", Cancel during an import, the crosstab with Find, a synthetic dataset,
 * save → change → open a project, the Excel export, and a crashed session's autosave offered
 * back. Every file is generated here, in a temp folder. Screenshots of each state go to
 * e2e/artifacts/. Console or page errors fail the test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { dontSaveIfAsked } from './support/save-changes.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];
const RECOVERY = process.env['COLLABSHEET_E2E_RECOVERY_DIR']!;
const dir = mkdtempSync(join(tmpdir(), 'collabsheet-e2e-data-'));
const file = (name: string) => join(dir, name);

const USERS = 300;
const ITEMS = 200;
/** A movie almost nobody rated: never among the most rated, so Find has to bring it into view. */
const RARE = { id: '9999', title: 'Zebra Crossing (2001)' };

/** user,item rows with a deterministic pattern: popular movies get more ratings. */
function writeRatings(): number {
  const lines = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= USERS; u++) {
    for (let i = 1; i <= ITEMS; i++) {
      if ((u * 31 + i * 17) % (i < 40 ? 3 : 11) !== 0) continue;
      lines.push(`${u},${i},${1 + ((u * 7 + i * 13) % 5)},${880_000_000 + u * 1000 + i}`);
    }
  }
  lines.push(`5,${RARE.id},4,881000000`, `9,${RARE.id},2,881000001`);
  writeFileSync(file('ratings.csv'), lines.join('\n') + '\n');
  const titles = ['movieId,title,genres', ...Array.from({ length: ITEMS }, (_, i) => `${i + 1},"Film ${i + 1}, The (1999)",Drama`), `${RARE.id},${RARE.title},Comedy`];
  writeFileSync(file('movies.csv'), titles.join('\n') + '\n');
  return lines.length - 1;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/${name}.png` });
const menu = async (page: Page, id: string) => {
  await page.click('#file-menu > summary');
  await page.click(`#${id}`);
};
const ratingCell = (page: Page, row: number, col: number) => page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="m${col}"]`);

/** Puts the demo sheet back, shown whole, for the specs after this one (they start from it). */
async function openDemoSheet(): Promise<void> {
  const port = Number(process.env['COLLABSHEET_E2E_PORT'] ?? 47321);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket?token=${encodeURIComponent(TOKEN!)}`);
  await new Promise((opened, fail) => ws.once('open', opened).once('error', fail));
  const call = (id: number, command: string, args: unknown) =>
    new Promise<void>((done, fail) => {
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(String(data)) as { id?: number; ok?: boolean; error?: string };
        if (m.id !== id) return;
        ws.off('message', onMessage);
        if (m.ok) done();
        else fail(new Error(m.error));
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, command, args }));
    });
  await call(1, 'setCrosstab', { size: 15 });
  await call(2, 'openRatings', { path: resolve('resources/demo-sheet.json') });
  ws.close();
}

test.afterAll(async () => {
  await openDemoSheet();
  rmSync(dir, { recursive: true, force: true });
});

test('real data: import, bad rows, crosstab and Find, synthetic data, projects, Excel, recovery', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const rows = writeRatings();
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('.rmse-train')).toHaveText(/^RMSE /);

  await test.step('import: the preview detects the format and maps the columns', async () => {
    await menu(page, 'menu-import');
    await page.fill('#import-path', file('ratings.csv'));
    await page.click('#import-preview');
    await expect(page.locator('#import-format')).toContainText('MovieLens ratings.csv (userId,movieId,rating,timestamp)');
    await expect(page.locator('#import-col-user')).toHaveValue('0');
    await expect(page.locator('#import-col-rating')).toHaveValue('2');
    await expect(page.locator('#import-col-timestamp')).toHaveValue('3');
    await expect(page.locator('#import-titles')).toHaveValue('auto');
    await expect(page.locator('#import-table tbody tr')).toHaveCount(8);
    await shot(page, 'data-01-import-preview');
  });

  await test.step('import: summary with the split, then the sheet shows the most active users × most rated movies', async () => {
    await page.click('#import-go');
    await expect(page.locator('#load-dialog')).toHaveAttribute('data-step', 'summary');
    const summary = page.locator('#import-summary');
    await expect(summary).toContainText(`Ratings${rows.toLocaleString('en-US')}`);
    await expect(summary).toContainText(`${USERS} × ${ITEMS + 1}`);
    await expect(summary).toContainText('random:');
    await expect(summary).toContainText(`${(ITEMS + 1).toLocaleString('en-US')} movies titled from movies.csv`);
    await shot(page, 'data-02-import-summary');
    await page.click('#import-done');
    await expect(page.locator('#sheet-name')).toHaveText('ratings.csv');
    await expect(page.locator('#sheet-totals')).toContainText(`${USERS} users × ${ITEMS + 1} movies`);
    await expect(page.locator('.ag-header-cell.movie-header')).toHaveCount(15);
    await expect(page.locator('.ag-header-cell.movie-header[col-id="m0"]')).toContainText('Film');
    await shot(page, 'data-03-imported-sheet');
  });

  await test.step('a broken file stops at file:line with the offending text; the sheet stays until Skip', async () => {
    const lines = readFileSync(file('ratings.csv'), 'utf8').split('\n');
    lines.splice(9, 0, '12,7,five,881250949');
    writeFileSync(file('broken.csv'), lines.join('\n'));
    await menu(page, 'menu-import');
    await page.fill('#import-path', file('broken.csv'));
    await page.click('#import-preview');
    // Titles beside a file not named like MovieLens' are not guessed: name the file.
    await expect(page.locator('#import-titles')).toHaveValue('none');
    await page.selectOption('#import-titles', 'other');
    await page.fill('#import-titles-path', file('movies.csv'));
    await page.click('#import-go');
    await expect(page.locator('#load-dialog')).toHaveAttribute('data-step', 'bad-row');
    await expect(page.locator('#bad-row-where')).toHaveText(`${file('broken.csv')}:10`);
    await expect(page.locator('#bad-row-problem')).toHaveText('rating "five" is not a number');
    await expect(page.locator('#bad-row-text')).toHaveText('12,7,five,881250949');
    await expect(page.locator('#sheet-name')).toHaveText('ratings.csv');
    await shot(page, 'data-04-bad-row');
    await page.click('#bad-row-skip');
    await expect(page.locator('#import-summary')).toContainText('Bad rows skipped1');
    await shot(page, 'data-05-skipped-summary');
    await page.click('#import-done');
    await expect(page.locator('#sheet-name')).toHaveText('broken.csv');
  });

  await test.step('Cancel stops a running import; the sheet stays', async () => {
    // Big enough (~70 MB) that the import is still reading when Cancel is pressed.
    const lines = ['user,item,rating'];
    for (let n = 0; n < 4_000_000; n++) lines.push(`${n % 50_000},${(n * 7919) % 20_000},${1 + (n % 5)}`);
    writeFileSync(file('large.csv'), lines.join('\n') + '\n');
    await menu(page, 'menu-import');
    await page.fill('#import-path', file('large.csv'));
    await page.click('#import-preview');
    await page.click('#import-go');
    await expect(page.locator('#import-progress-text')).toContainText(' rows · ');
    await shot(page, 'data-06-import-progress');
    await page.click('#import-cancel');
    await expect(page.locator('#load-dialog')).toHaveAttribute('data-step', 'cancelled');
    await page.click('#import-done');
    await expect(page.locator('#sheet-name')).toHaveText('broken.csv');
  });

  await test.step('crosstab: N × N, and Find brings a rarely rated movie into view, pinned first', async () => {
    await page.fill('#crosstab-size', '10');
    await page.press('#crosstab-size', 'Enter');
    await expect(page.locator('.ag-header-cell.movie-header')).toHaveCount(10);
    await expect(page.locator('.ag-header-cell.movie-header', { hasText: RARE.title })).toHaveCount(0);
    await page.fill('#find-input', 'zebra');
    await page.press('#find-input', 'Enter');
    const first = page.locator('.ag-header-cell.movie-header[col-id="m0"]');
    await expect(first).toContainText(RARE.title);
    await expect(first).toHaveClass(/pinned/);
    await expect(page.locator('#find-unpin')).toContainText(RARE.title);
    await expect(page.locator('.ag-header-cell.movie-header')).toHaveCount(10);
    await shot(page, 'data-07-find-pinned');
    // A search with several matches offers a list.
    await page.fill('#find-input', 'film 1');
    await page.press('#find-input', 'Enter');
    await expect(page.locator('#find-results .find-match').first()).toBeVisible();
    await shot(page, 'data-08-find-results');
    await page.locator('#find-results .find-match').first().click();
    await expect(page.locator('#find-results')).toBeHidden();
  });

  await test.step('a new synthetic dataset, loaded like an import, with its planted tastes', async () => {
    await menu(page, 'menu-synthetic');
    await dontSaveIfAsked(page); // the crosstab's size and pins changed: the sheet is unsaved
    await page.fill('#synth-users', '200');
    await page.fill('#synth-items', '120');
    await page.fill('#synth-ratings', '5000');
    await page.fill('#synth-rank', '2');
    await expect(page.locator('#synth-density')).toContainText('20.83 %');
    await shot(page, 'data-09-synthetic-form');
    await page.click('#synth-go');
    await expect(page.locator('#import-summary')).toContainText('Ratings5,000');
    await page.click('#import-done');
    await expect(page.locator('#sheet-name')).toHaveText('synthetic 200 × 120, 5000 ratings, rank 2, σ 0.5');
    await expect(page.locator('#tastes-card')).toBeVisible();
    await shot(page, 'data-10-synthetic-sheet');
  });

  await test.step('save a project, change a rating, open the project: the saved rating is back', async () => {
    await menu(page, 'menu-save-as');
    await page.fill('#path-input', file('work.collabsheet'));
    await page.click('#path-ok');
    await expect(page.locator('#project-status')).toHaveText('work.collabsheet · saved');
    const cell = ratingCell(page, 1, 1);
    const saved = await cell.textContent();
    await cell.click();
    await page.keyboard.type(saved === '1' ? '5' : '1');
    await page.keyboard.press('Enter');
    await expect(cell).not.toHaveText(saved!);
    await expect(page.locator('#project-status')).toHaveText('work.collabsheet · unsaved changes');
    await shot(page, 'data-11-unsaved-change');
    await menu(page, 'menu-open');
    await expect(page.locator('#save-changes-discard')).toBeVisible();
    await page.click('#save-changes-discard');
    await page.fill('#path-input', file('work.collabsheet'));
    await page.click('#path-ok');
    await expect(cell).toHaveText(saved!);
    await expect(page.locator('#project-status')).toHaveText('work.collabsheet · saved');
    await shot(page, 'data-12-project-reopened');
  });

  await test.step('a damaged project is refused with a clear message; the sheet stays', async () => {
    writeFileSync(file('damaged.collabsheet'), readFileSync(file('work.collabsheet')).subarray(0, 200));
    await menu(page, 'menu-open');
    await page.fill('#path-input', file('damaged.collabsheet'));
    await page.click('#path-ok');
    await expect(page.locator('#message')).toContainText('damaged.collabsheet: is damaged');
    await expect(page.locator('#project-status')).toHaveText('work.collabsheet · saved');
  });

  await test.step('Export .xlsx writes a workbook', async () => {
    await menu(page, 'menu-export-xlsx');
    await page.fill('#path-input', file('sheet.xlsx'));
    await page.click('#path-ok');
    await expect(page.locator('#message')).toContainText(`Exported ${file('sheet.xlsx')}: its formulas give RMSE`);
    expect(existsSync(file('sheet.xlsx'))).toBe(true);
    expect(readFileSync(file('sheet.xlsx')).subarray(0, 2).toString('latin1')).toBe('PK');
    await shot(page, 'data-13-exported');
  });

  await test.step("a crashed session's autosave is offered at the next start and restores", async () => {
    const grid = page.locator('#sheet');
    await expect(page.locator('#recovery')).toBeHidden();
    const withoutOffer = await grid.boundingBox();
    // What a session that died leaves behind: a project file in the recovery folder.
    copyFileSync(file('work.collabsheet'), join(RECOVERY, 'untitled-crashed.collabsheet'));
    await page.reload();
    await expect(page.locator('#recovery')).toBeVisible();
    await expect(page.locator('#recovery-text')).toContainText('synthetic 200 × 120');
    await shot(page, 'data-14-recovery-offer');
    // The offer lies over the sheet pane: shown or gone, the grid neither moves nor resizes.
    expect(await grid.boundingBox()).toEqual(withoutOffer);
    await page.click('#recovery-restore');
    await expect(page.locator('#recovery')).toBeHidden();
    await expect(page.locator('#sheet-name')).toHaveText('synthetic 200 × 120, 5000 ratings, rank 2, σ 0.5');
    await expect(page.locator('#project-status')).toHaveText('unsaved');
    await expect(page.locator('#message')).toContainText('Restored');
    expect(await grid.boundingBox()).toEqual(withoutOffer);
  });

  expect(problems).toEqual([]);
});
