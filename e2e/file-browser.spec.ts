/**
 * Issue 16 item 6: in the browser, Save project as… and Open project… walk this machine's
 * folders through the web host (POST /folder) instead of a bare path field. The demo sheet is
 * saved as a project into a fresh folder and opened again, by mouse and keyboard.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { reopenDemoSheet } from './support/demo-sheet.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN']!;
const dir = mkdtempSync(join(tmpdir(), 'collabsheet-e2e-browse-'));
const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/file-browser-${name}.png` });
const rows = (page: Page) => page.locator('#file-browser .fb-row .fb-name');

test.afterAll(async ({ baseURL }) => {
  await reopenDemoSheet(baseURL!);
  rmSync(dir, { recursive: true, force: true });
});

test('Save as and Open project go through the file browser: folders first, the kinds filtered, keyboard and double-click', async ({ page, baseURL }) => {
  mkdirSync(join(dir, 'projects'));
  mkdirSync(join(dir, 'archive'));
  writeFileSync(join(dir, 'notes.txt'), 'not a project\n');
  writeFileSync(join(dir, '.hidden.collabsheet'), '{}');
  await reopenDemoSheet(baseURL!);
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('body')).toHaveAttribute('data-status', 'idle');

  await test.step('Save project as…: a typed folder opens, the name gets .collabsheet', async () => {
    await page.click('#file-menu > summary');
    await page.click('#menu-save-as');
    const dialog = page.locator('#file-browser');
    await expect(dialog).toBeVisible();
    await expect(page.locator('#path-input')).toHaveValue(/\.collabsheet$/);
    await page.fill('#path-input', `${dir}/projects/`);
    await page.press('#path-input', 'Enter');
    await expect(dialog.locator('.fb-crumb[aria-current="location"]')).toHaveText('projects');
    await expect(dialog.locator('.fb-empty')).toBeVisible();
    await expect(page.locator('#path-input')).toHaveValue(/\.collabsheet$/);
    await page.fill('#path-input', 'demo');
    await page.click('#path-ok');
    await expect(dialog).toBeHidden();
    await expect(page.locator('#message')).toContainText(`Saved ${join(dir, 'projects', 'demo.collabsheet')}`);
  });

  await test.step('Open project…: folders first, only projects, hidden ones on request; Enter, Backspace, double-click', async () => {
    await page.click('#file-menu > summary');
    await page.click('#menu-open');
    const dialog = page.locator('#file-browser');
    await expect(dialog).toBeVisible();
    await page.fill('#path-input', `${dir}/`);
    await page.press('#path-input', 'Enter');
    await expect(rows(page)).toHaveText(['archive', 'projects']);
    await expect(page.locator('#path-input')).toHaveValue('');
    await page.check('#fb-hidden');
    await expect(rows(page)).toHaveText(['archive', 'projects', '.hidden.collabsheet']);
    await page.uncheck('#fb-hidden');
    await expect(rows(page)).toHaveText(['archive', 'projects']);
    await shot(page, '01-open-in-folder');

    // Keyboard: down to projects, Enter opens it; Backspace goes up with projects still selected.
    await page.focus('#fb-list');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await expect(dialog.locator('.fb-row[aria-selected="true"] .fb-name')).toHaveText('projects');
    await page.keyboard.press('Enter');
    await expect(rows(page)).toHaveText(['demo.collabsheet']);
    await expect(dialog.locator('.fb-row.file .fb-size')).toHaveText(/\d+(\.\d)? KB|\d+ B/);
    await page.keyboard.press('Backspace');
    await expect(dialog.locator('.fb-row[aria-selected="true"] .fb-name')).toHaveText('projects');
    // The crumbs: the temp folder's own crumb lists it again, then double-clicks go in and choose.
    await dialog.locator('.fb-row', { hasText: 'projects' }).dblclick();
    await expect(dialog.locator('.fb-crumbs')).toContainText('projects');
    await shot(page, '02-open-project-file');
    await dialog.locator('.fb-row', { hasText: 'demo.collabsheet' }).dblclick();
    await expect(dialog).toBeHidden();
    await expect(page.locator('#project-status')).toHaveAttribute('data-unsaved', 'false');
    await page.click('#file-menu > summary');
    await expect(page.locator('#menu-recent')).toContainText('demo.collabsheet');
    await page.click('#file-menu > summary');
  });

  await test.step('a folder that cannot be listed says why and the dialog stays; Escape cancels', async () => {
    await page.click('#file-menu > summary');
    await page.click('#menu-open');
    await page.fill('#path-input', `${dir}/notes.txt/`);
    await page.press('#path-input', 'Enter');
    await expect(page.locator('#file-browser .modal-error')).toHaveText(`${dir}/notes.txt/ is not a folder: a part of the path is a file`);
    await shot(page, '03-error');
    await page.keyboard.press('Escape');
    await expect(page.locator('#file-browser')).toBeHidden();
  });
});
