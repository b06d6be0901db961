/**
 * Side features in Chromium against the built web host (issue 15 items 1, 3, 5): a generated
 * ratings file imported with a generated items file and users file (the project's planted
 * generator), the summary's join counts, the settings' feature checkboxes, a movie's genres on
 * hover over its header, and + Movie with genres predicted at once by the neural model. Files are
 * written here, in a temp folder; screenshots go to e2e/artifacts/features-*.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generatePlanted, plantedFeatureCsvs } from '../src-main/data/synthetic.ts';
import { writeRatingsCsv } from '../src-main/io/ratings-csv.ts';
import { reopenDemoSheet } from './support/demo-sheet.ts';
import { dontSaveIfAsked } from './support/save-changes.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];
const dir = mkdtempSync(join(tmpdir(), 'collabsheet-e2e-features-'));
const file = (name: string) => join(dir, name);
const SPEC = { users: 120, items: 60, ratings: 3000, rank: 3, noise: 0.3, seed: 9, popularitySkew: 0.5, scale: { lo: 1, hi: 5, step: 1 }, features: { genres: 6, ageBuckets: 3 } };

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/${name}.png` });

test.afterAll(async () => {
  // The demo sheet back for the specs after this one (they start from it).
  await reopenDemoSheet(`http://127.0.0.1:${process.env['COLLABSHEET_E2E_PORT'] ?? 47321}`);
  rmSync(dir, { recursive: true, force: true });
});

test('side features: import with items and users files, settings, genres on hover, + Movie with genres', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const { data, truth } = generatePlanted(SPEC);
  await writeRatingsCsv(data, file('ratings.csv'), { columns: { user: 'userId', item: 'movieId', rating: 'rating' } });
  const csv = plantedFeatureCsvs(data, truth.features!);
  writeFileSync(file('items.csv'), csv.items);
  writeFileSync(file('users.csv'), csv.users);
  const genresOf = (code: number) => Array.from(truth.features!.itemGenres.subarray(truth.features!.itemGenreOffsets[code], truth.features!.itemGenreOffsets[code + 1]), (g) => `Genre${g + 1}`);

  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('.rmse-train')).toHaveText(/^RMSE /);

  await test.step('import: the ratings with a movie and a user features file; the summary gives the join counts', async () => {
    await page.click('#file-menu > summary');
    await page.click('#menu-import');
    await dontSaveIfAsked(page);
    await page.fill('#import-path', file('ratings.csv'));
    await page.click('#import-preview');
    await page.fill('#import-item-features', file('items.csv'));
    await page.fill('#import-user-features', file('users.csv'));
    await shot(page, 'features-01-import-preview');
    await page.click('#import-go');
    await expect(page.locator('#load-dialog')).toHaveAttribute('data-step', 'summary');
    const summary = page.locator('#import-summary');
    await expect(summary).toContainText(`Movie featuresitems.csv: ${SPEC.items} of ${SPEC.items} movies have genres; 0 unknown`);
    await expect(summary).toContainText(`User featuresusers.csv: ${SPEC.users} of ${SPEC.users} users have age_bucket; 0 unknown`);
    await shot(page, 'features-02-import-summary');
    await page.click('#import-done');
    await expect(page.locator('#sheet-name')).toHaveText('ratings.csv');
  });

  await test.step('the movie header shows its genres on hover', async () => {
    const header = page.locator('.ag-header-cell.movie-header[col-id="m0"]');
    const title = (await header.innerText()).trim();
    const code = data.itemIds.indexOf(title);
    await header.hover();
    await expect(page.locator('.ag-tooltip')).toContainText(`genres: ${genresOf(code).join(', ')}`);
    await shot(page, 'features-03-genres-on-hover');
  });

  await test.step('the settings name each feature; the neural model takes them', async () => {
    await page.selectOption('#setting-model', 'nn');
    const features = page.locator('#setting-features');
    await expect(features).toBeVisible();
    await expect(features.locator('input[type="checkbox"]')).toHaveCount(2);
    await expect(features).toContainText('movie genres');
    await expect(features).toContainText('user age_bucket');
    await expect(page.locator('#setting-features-note')).toContainText('embedded beside the user and movie embeddings');
    await page.locator('#settings').scrollIntoViewIfNeeded();
    await shot(page, 'features-04-settings');
  });

  await test.step('+ Movie with genres: predicted at once from them', async () => {
    await page.click('#solve');
    await expect(page.locator('#status')).not.toContainText('training', { timeout: 60_000 });
    await page.click('#add-movie');
    await page.fill('#new-movie-title', 'Sequel (2026)');
    await page.check('#new-movie-genres-0');
    await page.check('#new-movie-genres-1');
    await shot(page, 'features-05-new-movie-genres');
    await page.click('#add-movie-confirm');
    const col = 15;
    await expect(page.locator(`.ag-header-cell[col-id="m${col}"]`)).toContainText('Sequel (2026)');
    await expect(page.locator('#message')).toContainText('predicted from the features you gave it');
    await shot(page, 'features-06-new-movie-predicted');
  });

  expect(problems).toEqual([]);
});
