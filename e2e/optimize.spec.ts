import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from './test';
import { ort } from '../src/runtimes/ort-node';
import { bigMlp, modelView, openApp, shown } from './fixtures';

const rows = (page: Page) => page.getByTestId('variant-row');
const row = (page: Page, name: string) => page.locator(`[data-testid="variant-row"][data-variant-name="${name}"]`);

async function openOptimize(page: Page) {
  await openApp(page);
  await page.getByRole('button', { name: 'Optimize' }).click();
}

test('quantize and prune the sample; each variant reports size, sparsity and fidelity, and downloads as a model that runs', async ({ page }) => {
  await openOptimize(page);
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  await page.getByLabel('Quantization mode').selectOption('static');
  // MSE ranges and channel equalization (the CNN has no depthwise Conv: the variant says so)
  await page.getByLabel('Calibration method').selectOption('mse');
  await page.getByLabel('Equalize depthwise channels').check();
  await page.getByTestId('run-recipe').click();
  await page.getByText('Prune', { exact: true }).click();
  await page.getByLabel('Target sparsity').fill('0.5');
  await page.getByTestId('run-recipe').click();

  for (const name of ['int8 dynamic', 'int8 static', 'prune 50% global']) {
    await expect(row(page, name)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  }
  const dyn = await row(page, 'int8 dynamic').innerText();
  expect(dyn).toMatch(/\((3\.[5-9]|4\.\d)×\)/); // about 4x smaller
  expect(dyn).toContain('100%'); // all weights quantized
  const pruned = await row(page, 'prune 50% global').innerText();
  expect(pruned).toContain('50.0%'); // achieved sparsity
  await row(page, 'int8 static').getByRole('button', { name: '▸ int8 static' }).click();
  await expect(page.getByTestId('variants')).toContainText('Channel equalization (equalize depthwise channels) found no depthwise Conv to equalize.');
  // The worker prunes its own copy of the model in place: the loaded model is untouched, so the next variant
  // starts from the dense original again.
  await page.getByText('Quantize', { exact: true }).click();
  await page.getByLabel('Quantization mode').selectOption('fp16');
  await page.getByTestId('run-recipe').click();
  await expect(row(page, 'fp16')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(row(page, 'fp16').locator('td').nth(4)).toHaveText('0.0%');
  expect(Number(await row(page, 'prune 50% global').getAttribute('data-duration-ms'))).toBeGreaterThan(0);
  // fidelity: cosine similarity close to 1 for int8
  const cos = Number((await row(page, 'int8 static').locator('td').nth(8).innerText()).trim());
  expect(cos).toBeGreaterThan(0.99);

  // download the static variant and run it in onnxruntime-node
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row(page, 'int8 static').getByTestId('download-variant').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.int8-static\.onnx$/);
  const bytes = readFileSync(await download.path());
  const session = await ort.InferenceSession.create(bytes);
  const input = session.inputNames[0];
  const out = await session.run({ [input]: new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.5), [2, 1, 28, 28]) });
  expect(out[session.outputNames[0]].dims).toEqual([2, 10]);
});

test('impossible options are refused next to the field, before anything runs', async ({ page }) => {
  await openOptimize(page);
  await page.getByText('Prune', { exact: true }).click();
  await page.getByLabel('Target sparsity').fill('1.5');
  await expect(page.getByTestId('prune-error')).toContainText('1.5');
  await expect(page.getByTestId('run-recipe')).toBeDisabled();
  await page.getByText('Quantize', { exact: true }).click();
  for (const op of ['MatMul', 'Gemm', 'Conv']) await page.getByLabel(op, { exact: true }).uncheck();
  await expect(page.getByTestId('quantize-error')).toBeVisible();
  await expect(page.getByTestId('run-recipe')).toBeDisabled();
  await expect(rows(page)).toHaveCount(0);
});

test('cancelling a run half-way leaves the other variants intact', async ({ page }) => {
  await page.goto('/');
  // 48 MB of weights: every recipe on it takes seconds (the prune below is cancelled while it runs), and the other two
  // finish in a few. Uploaded by path: the browser reads the file itself.
  const big = bigMlp(48);
  const path = test.info().outputPath(big.name);
  writeFileSync(path, big.buffer);
  await page.getByTestId('file-input').setInputFiles(path);
  await shown(modelView(page, 'big-mlp.onnx'), { timeout: 30_000 });
  await page.getByRole('button', { name: 'Optimize' }).click();
  await page.getByLabel('Quantization mode').selectOption('fp16');
  await page.getByTestId('run-recipe').click();
  await expect(row(page, 'fp16')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });

  await page.getByText('Prune', { exact: true }).click();
  await page.getByTestId('run-recipe').click();
  const running = row(page, 'prune 50% global');
  await expect(running).toHaveAttribute('data-status', 'running');
  await expect(running.locator('progress')).toBeVisible();
  await running.getByTestId('cancel-variant').click();
  await expect(running).toHaveAttribute('data-status', 'cancelled');
  await expect(row(page, 'fp16')).toHaveAttribute('data-status', 'done');
  await expect(row(page, 'fp16').getByTestId('download-variant')).toBeVisible();
  // and the page still works: another run completes
  await page.getByText('Quantize', { exact: true }).click();
  await page.getByLabel('Quantization mode').selectOption('weight-only');
  await page.getByTestId('run-recipe').click();
  await expect(row(page, 'int8 weight-only')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
});

test('a badly pruned variant is flagged degraded, with the reason and the rule; a good int8 variant is not', async ({ page }) => {
  await openOptimize(page);
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  await page.getByText('Prune', { exact: true }).click();
  await page.getByLabel('Target sparsity').fill('0.97');
  await page.getByTestId('run-recipe').click();
  const good = row(page, 'int8 dynamic');
  const bad = row(page, 'prune 97% global');
  await expect(good).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(bad).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(good).toHaveAttribute('data-degraded', 'false');
  await expect(good.getByTestId('degraded-badge')).toHaveCount(0);
  await expect(bad).toHaveAttribute('data-degraded', 'true');
  await expect(bad.getByTestId('degraded-badge')).toBeVisible();
  await bad.getByRole('button', { name: '▸ prune 97% global' }).click();
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toContainText(/Degraded: output "probabilities": top-1 agreement \d+\.\d% < 99\.0% \(\d+ items\)/);
  await expect(verdict).toContainText('degraded when an output');
});
