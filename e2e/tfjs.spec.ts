/**
 * A TF.js model in the app: the MNIST CNN sample's TF.js files (model.json + shard) dropped together, inspected,
 * quantized to uint8 and pruned, benchmarked on TF.js's wasm, WebGL and WebGPU backends on the samples' test split, exported
 * as a zip that reads back, and shown next to the ONNX sample's variants on the trade-off chart.
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test } from './test';
import { benchDone, dropFiles, fixedRuns, modelView, shown, type FilePayload } from './fixtures';
import { readModelFiles } from '../src/core/formats/open';

const tfjsFile = (name: string): FilePayload => ({
  name,
  mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
  buffer: readFileSync(`public/samples/mnist-cnn.tfjs/${name}`),
});

test('a TF.js model: drop, inspect, quantize uint8, prune, benchmark on TF.js wasm, WebGL and WebGPU, export a zip', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await shown(page.getByTestId('model-summary').first());
  await dropFiles(page, [tfjsFile('model.json'), tfjsFile('group1-shard1of1.bin')]);
  const summary = modelView(page, 'model.json');
  await shown(summary, { timeout: 30_000 });
  await expect(summary).toContainText('105,866');
  await expect(summary).toContainText('Conv2D');

  // Optimize: uint8 (TF.js's own weight quantization), then 50% pruning.
  await page.getByRole('button', { name: 'Optimize' }).click();
  await expect(page.getByTestId('tfjs-quantize')).toContainText('not a speed win');
  await page.getByLabel('TF.js quantization mode').selectOption('uint8');
  await page.getByTestId('run-recipe').click();
  await page.getByText('Prune', { exact: true }).click();
  await page.getByTestId('run-recipe').click();
  for (const name of ['TF.js uint8', 'prune 50% global']) {
    await expect(page.locator(`[data-testid="variant-row"][data-variant-name="${name}"]`)).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  }

  // Export the uint8 variant: a zip of model.json + shard that reads back as a TF.js model with uint8 weights.
  const row = page.locator('[data-testid="variant-row"][data-variant-name="TF.js uint8"]');
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('download-variant').click()]);
  expect(download.suggestedFilename()).toMatch(/\.tfjs\.zip$/);
  const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
  expect(Object.keys(zip).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
  const back = readModelFiles(Object.entries(zip).map(([name, bytes]) => ({ name, bytes })));
  expect(back.format).toBe('tfjs');
  expect(zip['group1-shard1of1.bin'].length).toBe(105866);
  expect(JSON.parse(new TextDecoder().decode(zip['model.json'])).weightsManifest[0].weights[0].quantization.dtype).toBe('uint8');

  // Benchmark the original and both variants on TF.js's wasm, WebGL and WebGPU (here a software adapter) backends.
  await page.getByRole('button', { name: 'Benchmark' }).click();
  const models = page.getByTestId('bench-form').locator('fieldset').first();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
  await page.getByRole('checkbox', { name: /^WebGL/ }).check();
  await page.getByRole('checkbox', { name: /^WebGPU/ }).check();
  await fixedRuns(page, { runs: 5, warmup: 1, items: 16 });
  await page.getByTestId('run-bench').click();
  await benchDone(page, { timeout: 180_000 });
  for (const target of ['original', 'TF.js uint8', 'prune 50% global']) {
    for (const backend of ['wasm', 'webgl', 'webgpu']) {
      const cell = page.locator(`[data-testid="bench-row"][data-target="${target}"][data-backend="${backend}"]`);
      await expect(cell.first()).toHaveAttribute('data-status', 'done');
      expect((await cell.first().innerText()).replace(/\s+/g, ' ')).toMatch(/ms \+/);
    }
  }
  await expect(page.getByTestId('bench-results')).toContainText('tfjs/');
  // The dropped files are the CNN sample's own (SHA-256 as in the manifest): measured on the samples' labelled test
  // split like the ONNX sample (NCHW, transposed to the model's NHWC), so accuracy is measured.
  await expect(page.getByTestId('bench-results')).toContainText('accuracy on MNIST test split (mnist-test-x.npy)');

  // The ONNX CNN sample (opened at start-up) and a variant, benchmarked on the same data: the Trade-off view puts the
  // TF.js points next to the ONNX ones, labelled model · variant.
  await page.getByRole('button', { name: 'mnist-cnn.onnx', exact: true }).click();
  await page.getByRole('button', { name: 'Optimize' }).click();
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  await expect(page.locator('[data-testid="variant-row"][data-variant-name="int8 dynamic"]')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Benchmark' }).click();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
  await fixedRuns(page, { runs: 5, warmup: 1, items: 16 });
  await page.getByTestId('run-bench').click();
  await benchDone(page, { min: 2, timeout: 30_000 });
  await page.getByRole('button', { name: 'Trade-off' }).click();
  await shown(page.getByTestId('tradeoff-compare-notes'));
  await expect(page.getByTestId('tradeoff-compare-notes')).toContainText('2 models on one chart: mnist-cnn.onnx, model.json');
  const point = (recipe: string) => page.locator(`[data-testid="tradeoff-point"][data-recipe="${recipe}"]`);
  await expect(point('mnist-cnn.onnx · int8 dynamic')).toHaveCount(1);
  for (const recipe of ['model.json · TF.js uint8', 'model.json · original (float)']) await expect(point(recipe).first()).toBeVisible();
  await expect(page.getByTestId('tradeoff-compare-notes')).not.toContainText('is not on this chart');
});

test('Open folder…: a TF.js export picked as a folder (model.json and its shard) opens', async ({ page }) => {
  await page.goto('/');
  await shown(page.getByTestId('model-summary').first());
  await page.getByTestId('folder-input').setInputFiles('public/samples/mnist-cnn.tfjs');
  const summary = modelView(page, 'model.json');
  await shown(summary, { timeout: 30_000 });
  await expect(summary).toContainText('105,866');
});
