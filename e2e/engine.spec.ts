/**
 * Issue 11 item 5 in the app, on the demo sheet: the Engine setting. Picking the fused kernel
 * while the sheet's Solve is L-BFGS on the full batch is refused beside the field, saying why;
 * with Adam on mini-batches it takes, a Solve trains on the fused kernel, the sheet and the
 * curve follow, and the status line and the field's note name the engine that trained.
 * Screenshot: e2e/artifacts/engine-fused.png.
 */
import { expect, test } from '@playwright/test';
import { reopenDemoSheet } from './support/demo-sheet.ts';
import { choose } from './support/settings.ts';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];

test.beforeAll(({ baseURL }) => reopenDemoSheet(baseURL!));
test.afterAll(({ baseURL }) => reopenDemoSheet(baseURL!));

test('engine: a fused choice it cannot train is explained; a fused Solve trains the sheet and the status names the engine', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`/?token=${TOKEN}`);
  await expect(page.locator('#sheet-name')).toHaveText('Demo: 15 friends rate 15 movies');
  await expect(page.locator('#setting-engine')).toHaveValue('auto');
  await expect(page.locator('#setting-engine-note')).toHaveText('the fused kernel for dot-product models on big data, ONNX Runtime otherwise');

  await test.step('the fused kernel on L-BFGS is refused beside the field, and the choice snaps back', async () => {
    await choose(page, 'engine', 'fused');
    await expect(page.locator('#setting-engine-error')).toHaveText(/^Engine: fused kernel: L-BFGS \(the sheet's Solve\) trains in ONNX Runtime; choose Engine: auto or ONNX Runtime/);
    await expect(page.locator('#setting-engine')).toHaveValue('auto');
  });

  await test.step('with Adam on mini-batches it takes', async () => {
    await choose(page, 'optimizer', 'adam');
    await page.locator('#setting-full-batch').uncheck();
    await expect(page.locator('#setting-full-batch')).not.toBeChecked();
    await choose(page, 'engine', 'fused');
    await expect(page.locator('#setting-engine-error')).toHaveText('');
    await expect(page.locator('#setting-engine-note')).toHaveText(/^dot-product models only: per-rating steps with its own rates/);
  });

  await test.step('a Solve trains on the fused kernel: the curve, the RMSE and the status follow', async () => {
    const before = await page.locator('#status').textContent();
    await page.click('#solve');
    await expect(page.locator('#status')).toHaveText(/^Ready · epoch [1-9]\d* · train \d\.\d{4} · valid .* · fused kernel/, { timeout: 30_000 });
    expect(await page.locator('#status').textContent()).not.toBe(before);
    await expect(page.locator('#setting-engine-note')).toHaveText(/ · trained by: fused kernel$/);
    await expect(page.locator('#message')).toContainText('Training on the fused kernel');
    await page.screenshot({ path: 'e2e/artifacts/engine-fused.png' });
  });

  await test.step('Step on the fused kernel is refused in words', async () => {
    await page.click('#step');
    await expect(page.locator('#message')).toContainText('Step trains one epoch and goes on from there, which the fused kernel cannot');
  });
  expect(problems).toEqual([]);
});
