/**
 * Issue 16 item 2: Import with unsaved edits asks "Save changes?" first. Cancel keeps the edit
 * (the import does not start); Don't save lets the import replace the sheet. The edit is made
 * through the service's socket, so this spec does not depend on the grid's editing keys.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import WebSocket from 'ws';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN']!;
const PORT = Number(process.env['COLLABSHEET_E2E_PORT'] ?? 47321);
const dir = mkdtempSync(join(tmpdir(), 'collabsheet-e2e-save-'));
const ratingCell = (page: Page, row: number, col: number) => page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="m${col}"]`);

/** Sends commands over the web host's socket, as the page does. */
async function service(commands: [string, unknown][]): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/socket?token=${encodeURIComponent(TOKEN)}`);
  await new Promise((opened, fail) => ws.once('open', opened).once('error', fail));
  for (const [n, [command, args]] of commands.entries()) {
    await new Promise<void>((done, fail) => {
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(String(data)) as { id?: number; ok?: boolean; error?: string };
        if (m.id !== n + 1) return;
        ws.off('message', onMessage);
        if (m.ok) done();
        else fail(new Error(m.error));
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id: n + 1, command, args }));
    });
  }
  ws.close();
}

test.afterAll(async () => {
  await service([['openRatings', { path: resolve('resources/demo-sheet.json') }]]); // the demo for the specs after this one
  rmSync(dir, { recursive: true, force: true });
});

test('Import with unsaved edits asks "Save changes?": Cancel keeps the edit, Don\'t save lets the import replace it', async ({ page }) => {
  const csv = join(dir, 'few.csv');
  writeFileSync(csv, ['user,item,rating', ...Array.from({ length: 60 }, (_, n) => `${n % 12},${n % 9},${1 + (n % 5)}`)].join('\n') + '\n');
  await service([['openRatings', { path: resolve('resources/demo-sheet.json') }]]);
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('#project-status')).toHaveAttribute('data-unsaved', 'false');

  await service([['setRating', { row: 0, col: 0, rating: 1.5 }]]);
  await expect(ratingCell(page, 0, 0)).toHaveText('1.5');
  await expect(page.locator('#project-status')).toHaveAttribute('data-unsaved', 'true');

  await page.click('#file-menu > summary');
  await expect(page.locator('#menu-new')).toBeVisible();
  await expect(page.locator('#menu-demo')).toBeVisible();
  await expect(page.locator('#menu-recent')).toContainText('Open recent');
  await page.screenshot({ path: 'e2e/artifacts/save-changes-file-menu.png' });
  await page.click('#menu-import');
  const dialog = page.locator('#save-changes-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.modal-title')).toHaveText('Save changes?');
  await expect(page.locator('#save-changes-question')).toContainText('has changes that are not saved. Save them before importing another file?');
  await page.screenshot({ path: 'e2e/artifacts/save-changes-dialog.png' });

  await page.click('#save-changes-cancel');
  await expect(dialog).toBeHidden();
  await expect(page.locator('#load-dialog')).toBeHidden(); // the import did not start
  await expect(ratingCell(page, 0, 0)).toHaveText('1.5');
  await expect(page.locator('#project-status')).toHaveAttribute('data-unsaved', 'true');

  await page.click('#file-menu > summary');
  await page.click('#menu-import');
  await expect(dialog).toBeVisible();
  await page.click('#save-changes-discard');
  await expect(page.locator('#import-path')).toBeVisible();
  await page.fill('#import-path', csv);
  await page.click('#import-preview');
  await page.click('#import-go');
  await page.click('#import-done');
  await expect(page.locator('#sheet-name')).toHaveText('few.csv');
  await expect(page.locator('#project-status')).toHaveAttribute('data-unsaved', 'false');

  // Nothing unsaved now: Import goes straight to its dialog; the import is in Open recent.
  await page.click('#file-menu > summary');
  await expect(page.locator('#menu-recent')).toContainText('few.csv');
  await page.click('#menu-import');
  await expect(page.locator('#import-path')).toBeVisible();
  await expect(dialog).toBeHidden();
  await page.click('#import-close');
});
