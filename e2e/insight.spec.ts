/**
 * Reading and using the trained factors, in Chromium against the built web host, on the demo
 * sheet after a Solve: the biases, the PCA movie map, similar movies, recommendations, a new
 * user folded in from three typed ratings, and an export of every format. Screenshots of each
 * state go to e2e/artifacts/. Any console or page error fails the test.
 *
 * The web host is shared with sheet.spec.ts, so the demo sheet is reopened (fresh, untrained)
 * before and after: neither spec sees what the other did.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, reopenDemoSheet } from './support/demo-sheet.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];
const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as { users: { label: string }[]; movies: { title: string }[]; ratings: (number | null)[][] };

test.beforeAll(({ baseURL }) => reopenDemoSheet(baseURL!));
test.afterAll(({ baseURL }) => reopenDemoSheet(baseURL!));

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/${name}.png` });
const ratingCell = (page: Page, row: number, col: number): Locator =>
  page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="m${col}"]`);
const panel = (page: Page, id: string) => page.locator(`[data-panel="${id}"]`);
const column = async (rows: Locator, index: number) => (await rows.locator(`td:nth-child(${index})`).allTextContents()).map((t) => t.trim());
const signedNumber = (t: string) => Number(t.replace('−', '-'));

async function pick(page: Page, panelId: string, query: string, label: string): Promise<void> {
  const input = panel(page, panelId).locator('.picker-input');
  await input.fill(query);
  await panel(page, panelId).locator('.picker-list li', { hasText: label }).first().click();
}

test('insights on the demo sheet: biases, PCA, similar, recommendations, cold start, export', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  await test.step('a short Solve', async () => {
    await page.goto(`/?token=${TOKEN}`);
    await expect(page.locator('#sheet-name')).toHaveText('Demo: 15 friends rate 15 movies');
    await page.fill('#setting-speed', '0');
    await page.locator('#setting-speed').dispatchEvent('change');
    await page.click('#solve');
    // The full-batch Solve stops once the RMSE is flat: at epoch 69 of 100 on the demo sheet.
    await expect(page.locator('#message')).toContainText('Converged at epoch 69', { timeout: 30_000 });
    await expect(page.locator('#status')).toHaveText(/^Ready · epoch 69 /);
  });

  await test.step('biases: all 15 movies, lowest first, with counts and means', async () => {
    await page.click('#pane-insights');
    await page.click('[data-tab="biases"]');
    const show = panel(page, 'biases').locator('input[type="number"]').nth(1);
    await show.fill('15');
    await show.dispatchEvent('change');
    const lowest = panel(page, 'biases').locator('.lowest tbody tr');
    await expect(lowest).toHaveCount(15);
    const titles = await column(lowest, 2);
    expect(new Set(titles)).toEqual(new Set(demo.movies.map((m) => m.title)));
    const biases = (await column(lowest, 3)).map(signedNumber);
    expect(biases).toEqual([...biases].sort((a, b) => a - b));
    const highest = await column(panel(page, 'biases').locator('.highest tbody tr'), 2);
    expect(highest).toEqual([...titles].reverse());
    await shot(page, 'insight-01-biases');
  });

  await test.step('PCA: the scatter of the 15 movies and the extremes of each axis', async () => {
    await page.click('[data-tab="pca"]');
    await expect(panel(page, 'pca')).toHaveAttribute('data-points', '15');
    const box = await panel(page, 'pca').locator('canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(300);
    await expect(panel(page, 'pca').locator('[data-component="0"] h3')).toHaveText(/^PC1 — \d+% of the variance$/);
    await expect(panel(page, 'pca').locator('[data-component="1"] tbody tr')).toHaveCount(20);
    await shot(page, 'insight-02-pca');
    await panel(page, 'pca').locator('select').first().selectOption('2');
    await expect(panel(page, 'pca').locator('[data-component="2"] h3')).toHaveText(/^PC3/);
  });

  // Issue 16 item 7: the map had no zoom or pan, overlapping labels, no neighbours, no colouring.
  await test.step('the movie map: labels, colour by bias, wheel zoom, drag pan, click for neighbours', async () => {
    const map = panel(page, 'pca');
    await map.locator('select').first().selectOption('0');
    await expect(map).toHaveAttribute('data-labels', /^[1-9]\d*$/);
    const colour = map.locator('select.pca-colour');
    expect(await colour.locator('option').allTextContents()).toEqual(['one colour', 'by movie bias']); // the demo sheet has no genres
    await colour.selectOption('bias');
    await expect(map).toHaveAttribute('data-colour', 'bias');
    const box = (await map.locator('canvas').boundingBox())!;

    const span = (view: string, axis: 0 | 1) => {
      const [min, max] = view.split(';')[axis].split(',').map(Number);
      return { min, max, width: max - min };
    };
    const fitted = (await map.getAttribute('data-view'))!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect(map).toHaveAttribute('data-zoomed', 'true');
    const zoomed = (await map.getAttribute('data-view'))!;
    expect(span(zoomed, 0).width).toBeLessThan(span(fitted, 0).width * 0.8);
    expect(span(zoomed, 1).width).toBeLessThan(span(fitted, 1).width * 0.8);
    await shot(page, 'insight-02b-pca-zoomed');

    // A drag to the right moves the view left: the same width, a smaller minimum.
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const panned = (await map.getAttribute('data-view'))!;
    expect(span(panned, 0).min).toBeLessThan(span(zoomed, 0).min);
    expect(span(panned, 0).width).toBeCloseTo(span(zoomed, 0).width, 2);
    await expect(map.locator('[data-neighbours-of]')).toHaveCount(0); // a drag is not a click

    await page.mouse.dblclick(box.x + 5, box.y + 5);
    await expect(map).toHaveAttribute('data-zoomed', 'false');
    expect(await map.getAttribute('data-view')).toBe(fitted);

    // A click on the first labelled movie lists its neighbours (the service's similarItems).
    const [px, py, id] = (await map.getAttribute('data-first-labelled'))!.split(',');
    await page.mouse.click(box.x + Number(px), box.y + Number(py));
    const card = map.locator(`[data-neighbours-of="${id}"]`);
    await expect(card.locator('h3')).toHaveText(/^Nearest to /);
    await expect(card.locator('tbody tr')).toHaveCount(8);
    await shot(page, 'insight-02c-pca-neighbours');
  });

  await test.step('similar movies to The Matrix, the movie itself left out', async () => {
    await page.click('[data-tab="similar"]');
    await pick(page, 'similar', 'matr', 'The Matrix (1999)');
    await expect(panel(page, 'similar').locator('h3')).toHaveText('Most similar to The Matrix (1999)');
    const rows = panel(page, 'similar').locator('tbody tr');
    await expect(rows).toHaveCount(10);
    expect(await column(rows, 2)).not.toContain('The Matrix (1999)');
    const scores = (await column(rows, 3)).map(Number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await shot(page, 'insight-03-similar');
  });

  await test.step('recommendations for the user with most blanks: exactly the movies they did not rate', async () => {
    await page.click('[data-tab="recommend"]');
    const blanks = demo.ratings.map((r) => r.filter((x) => x === null).length);
    const user = blanks.indexOf(Math.max(...blanks));
    const { label } = demo.users[user];
    const unrated = demo.movies.filter((_, c) => demo.ratings[user][c] === null).map((m) => m.title);
    expect(unrated.length).toBeGreaterThanOrEqual(2);
    await pick(page, 'recommend', label.slice(0, 3), label);
    await expect(panel(page, 'recommend').locator('h3')).toHaveText(`Top ${unrated.length} for ${label}`);
    const rows = panel(page, 'recommend').locator('tbody tr');
    expect((await column(rows, 2)).sort()).toEqual([...unrated].sort());
    await shot(page, 'insight-04-recommendations');
  });

  await test.step('a new user: average taste at first, three ratings fold them in', async () => {
    await page.click('#pane-sheet');
    await page.click('#add-user');
    const row = 15;
    await expect(page.locator(`.ag-grid-scrolling-rows [row-index="${row}"] [col-id="label"]`)).toHaveText('New user 1');
    await expect(ratingCell(page, row, 3)).toHaveClass(/predicted/);
    const card = page.locator('#cold-start');
    await expect(card).toContainText('the average taste');
    const before = await Promise.all([3, 4, 9, 12].map((c) => ratingCell(page, row, c).textContent()));
    // Action movies loved, a romance hated (the planted tastes of the demo sheet).
    for (const [col, rating] of [[0, '5'], [1, '5'], [13, '1']] as const) {
      await ratingCell(page, row, col).click();
      await page.keyboard.type(rating);
      await page.keyboard.press('Enter');
      await expect(ratingCell(page, row, col)).toHaveText(rating);
    }
    await expect(card).toContainText('folded in from 3 ratings');
    await expect(page.locator('#status')).toHaveText(/^Ready · epoch 69 /); // no training happened
    const after = await Promise.all([3, 4, 9, 12].map((c) => ratingCell(page, row, c).textContent()));
    expect(after).not.toEqual(before);
    for (const [i, c] of [3, 4, 9, 12].entries()) {
      await expect(ratingCell(page, row, c)).toHaveClass(/predicted/);
      expect(Number(after[i])).toBeGreaterThan(0);
    }
    // Unrated: The Terminator (action, column 3) now beats Notting Hill (romance, column 12) for this user.
    expect(Number(after[0])).toBeGreaterThan(Number(after[3]));
    const picks = await column(card.locator('tbody tr'), 2);
    expect(picks).toHaveLength(10);
    for (const rated of [0, 1, 13]) expect(picks).not.toContain(demo.movies[rated].title);
    await shot(page, 'insight-05-cold-start-user');
  });

  await test.step('a new movie column: ratings typed into it place it beside the movies it resembles', async () => {
    await page.click('#add-movie');
    await page.fill('#new-movie-title', 'Speed (1994)');
    await page.keyboard.press('Enter');
    const col = 15;
    await expect(page.locator(`.ag-header-cell[col-id="m${col}"]`)).toContainText('Speed (1994)');
    await expect(page.locator('#cold-start h3')).toHaveText('Nearest to Speed (1994)');
    // Rated like Die Hard by everyone who rated Die Hard.
    let typed = 0;
    for (let row = 0; row < 15; row++) {
      const rating = demo.ratings[row][0];
      if (rating === null) continue;
      await ratingCell(page, row, col).click();
      await page.keyboard.type(String(rating));
      await page.keyboard.press('Enter');
      await expect(ratingCell(page, row, col)).toHaveText(String(rating));
      typed++;
    }
    await expect(page.locator('#cold-start')).toContainText(`placed by ${typed} ratings`);
    expect((await column(page.locator('#cold-start tbody tr'), 2)).slice(0, 3)).toContain('Die Hard (1988)');
    await shot(page, 'insight-06-cold-start-movie');
  });

  await test.step('export every format into a folder: the files are listed and on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collabsheet-e2e-export-'));
    try {
      await page.click('#export');
      await expect(page.locator('#export-dialog input[name="format"]:checked')).toHaveCount(6);
      await page.fill('#export-folder', dir);
      await page.click('#export-go');
      const files = page.locator('#export-dialog .export-files li');
      await expect(files).toHaveCount(15);
      const names = (await files.allTextContents()).sort();
      expect(names).toEqual([
        'embeddings.json', 'ids.json', 'item_bias.npy', 'item_factors.npy', 'items.csv', 'items.tsv', 'metadata.tsv', 'model-pairs.onnx',
        'model-unrated.onnx', 'model.onnx', 'user_bias.npy', 'user_factors.npy', 'users.csv', 'users.tsv', 'vectors.tsv',
      ]);
      for (const name of names) expect(existsSync(join(dir, name))).toBe(true);
      expect(readFileSync(join(dir, 'users.csv'), 'utf8')).toContain('new-user-1,');
      await shot(page, 'insight-07-export');
      await page.locator('#export-dialog button', { hasText: 'Close' }).click();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  expect(problems).toEqual([]);
});
