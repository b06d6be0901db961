/**
 * AutoRec in the app, on the demo sheet: picked while the sheet's Solve is L-BFGS it is refused
 * beside the field, saying why; with Adam on mini-batches a Solve trains it, the sheet shows its
 * predictions (and no factor columns: a movie's code is not a column of the sheet), and the
 * status line follows; then it puts the settings back. Screenshot: docs/screenshots/autorec.png.
 */
import { expect, test } from '@playwright/test';
import { reopenDemoSheet } from './support/demo-sheet.ts';
import { choose } from './support/settings.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];

test.beforeAll(({ baseURL }) => reopenDemoSheet(baseURL!));
test.afterAll(({ baseURL }) => reopenDemoSheet(baseURL!));

test('AutoRec: refused on L-BFGS in words, trained by a Solve with Adam, its predictions in the sheet', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('#sheet-name')).toHaveText('Demo: 15 friends rate 15 movies');
  const before = {
    model: await page.locator('#setting-model').inputValue(),
    optimizer: await page.locator('#setting-optimizer').inputValue(),
    lr: await page.locator('#setting-lr').inputValue(),
    fullBatch: await page.locator('#setting-full-batch').isChecked(),
  };

  await test.step('on the sheet\'s L-BFGS it is refused beside the field', async () => {
    await choose(page, 'model', 'autorec');
    await expect(page.locator('#setting-model-error')).toContainText('AutoRec trains with a mini-batch optimizer (adam, sgd or momentum), not L-BFGS');
    await expect(page.locator('#setting-model')).not.toHaveValue('autorec');
  });

  await test.step('with Adam on mini-batches a Solve trains it and the sheet shows its predictions', async () => {
    await choose(page, 'optimizer', 'adam');
    await page.locator('#setting-full-batch').uncheck();
    await page.fill('#setting-lr', '0.01');
    await page.locator('#setting-lr').press('Enter');
    await choose(page, 'model', 'autorec');
    await expect(page.locator('#setting-model-error')).toHaveText('');
    await expect(page.locator('#setting-model')).toHaveValue('autorec');
    await page.click('#solve');
    await expect(page.locator('#status')).toHaveText(/^Ready · epoch [1-9]\d* · train \d\.\d{4}/, { timeout: 60_000 });
    const train = Number((await page.locator('#status').textContent())!.match(/train (\d\.\d{4})/)![1]);
    expect(train).toBeLessThan(1.2);
    await page.screenshot({ path: 'docs/screenshots/autorec.png' });
  });

  await test.step('the settings as they were, for the specs after this one (reopening the sheet keeps them)', async () => {
    await choose(page, 'model', before.model);
    if (before.fullBatch) await page.locator('#setting-full-batch').check();
    await choose(page, 'optimizer', before.optimizer);
    await page.fill('#setting-lr', before.lr);
    await page.locator('#setting-lr').press('Enter');
    await expect(page.locator('#setting-model')).toHaveValue(before.model);
    await expect(page.locator('#setting-optimizer')).toHaveValue(before.optimizer);
    await expect(page.locator('#setting-lr')).toHaveValue(before.lr);
  });
  expect(problems).toEqual([]);
});
