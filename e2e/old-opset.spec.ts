import { writeOnnx } from '../src/core/formats/onnx/index';
import { oldModel } from '../src/core/testing/old-model';
import { benchDone, fixedRuns, modelView, openApp, shown } from './fixtures';
import { expect, test } from './test';

// An opset-9 model (Clip with min/max attributes, Unsqueeze with axes, Softmax of that opset): dynamic int8 needs
// opset 11, so the studio converts it first and says so, and the variant benchmarks.
test('an opset-9 model: quantizing converts it first (reported), and the variant benchmarks', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  const bytes = writeOnnx(oldModel(9));
  await page.getByTestId('file-input').setInputFiles({ name: 'old.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  await shown(modelView(page, 'old.onnx'));

  await page.getByRole('button', { name: 'Optimize' }).click();
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  const row = page.locator('[data-testid="variant-row"][data-variant-name="int8 dynamic"]');
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await row.getByRole('button', { name: '▸ int8 dynamic' }).click();
  await expect(page.getByTestId('variants')).toContainText('Converted the model from opset 9 to 11 first');
  await expect(row).toHaveAttribute('data-degraded', 'false');

  await page.getByRole('button', { name: 'Benchmark' }).click();
  const models = page.getByTestId('bench-form').locator('fieldset').first();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
  await fixedRuns(page, { runs: 5, warmup: 1 });
  await page.getByTestId('run-bench').click();
  await benchDone(page, { min: 2, timeout: 90_000 });
  await expect(page.locator('[data-testid="bench-row"][data-target="int8 dynamic"]').getByTestId('bench-quality')).toContainText('cosine');
});

// The recipe's "Convert opset" step, as `pareto convert --opset 17`: the variant lists what changed, per op and node,
// and gives the original's outputs.
test('an opset-9 model converted to opset 17 with the Convert opset recipe: the variant says what changed', async ({ page }) => {
  test.setTimeout(60_000);
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles({ name: 'old.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(writeOnnx(oldModel(9))) });
  await shown(modelView(page, 'old.onnx'));

  await page.getByRole('button', { name: 'Optimize' }).click();
  await page.getByText('Convert opset', { exact: true }).click();
  await expect(page.getByTestId('convert-fields')).toContainText('The model has opset 9');
  const target = page.getByLabel('Target opset');
  await expect(target).toHaveValue('17');
  await expect(target.locator('option')).toHaveCount(12); // 10 … 21
  await page.getByLabel(/synthetic/).check();
  await page.getByTestId('run-recipe').click();
  const row = page.locator('[data-testid="variant-row"][data-variant-name="opset 17"]');
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-degraded', 'false');
  await row.getByRole('button', { name: '▸ opset 17' }).click();
  const details = page.getByTestId('variants');
  await expect(details).toContainText('Default opset converted from 9 to 17.');
  await expect(details).toContainText(/Clip \(opset 11\): .* node 'relu6'/);
  await expect(details).toContainText(/Unsqueeze \(opset 13\): .* node 'unsq'/);
  await expect(row.locator('td').nth(8)).toHaveText('1.00000'); // cosine with the original
});
