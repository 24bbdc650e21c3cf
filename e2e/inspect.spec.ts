import { expect, test } from './test';
import { readOnnx } from '../src/core/formats/onnx/read';
import { summarize } from '../src/core/inspect/summary';
import { formatCount } from '../src/core/units';
import {
  danglingModel,
  dropFiles,
  externalDataModel,
  sample,
  defaultSample,
  modelView,
  shown,
  subgraphModel,
  textFile,
  truncated,
  type FilePayload,
} from './fixtures';


test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

test('opens with the default sample loaded, cross-origin isolated', async ({ page }) => {
  await shown(modelView(page, defaultSample()));
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('signature')).toContainText('input');
  await expect(page.getByTestId('layer-table')).toContainText('Conv');
});

test('a picked ONNX file shows the same figures the core computes', async ({ page }) => {
  const file = sample('mnist-mlp.onnx');
  const expected = summarize(readOnnx(new Uint8Array(file.buffer)), file.name);
  await shown(modelView(page, defaultSample()));
  await page.getByTestId('file-input').setInputFiles(file);
  const view = modelView(page, 'mnist-mlp.onnx');
  await shown(view);
  await expect(view.getByTestId('card-params')).toContainText(expected.parameters.total.toLocaleString('en-US'));
  await expect(view.getByTestId('card-macs')).toContainText(formatCount(expected.macs.total));
  await expect(view.getByTestId('dtype-table')).toContainText('float32');
  await expect(view.getByTestId('opsets')).toContainText(`ai.onnx ${expected.opsets[0].version}`);
  for (const op of expected.ops) await expect(view.locator(`[data-testid="op-histogram"] [data-op="${op.opType}"]`)).toContainText(`× ${op.count}`);
  // per-layer rows for every node with weights
  const withWeights = expected.layers.filter((l) => l.weights.length > 0);
  await expect(view.getByTestId('layer-table').locator('tbody tr')).toHaveCount(withWeights.length);
  for (const l of withWeights) await expect(view.getByTestId('layer-table')).toContainText(l.name);
  // both models are kept; tabs switch between them
  await expect(page.getByRole('navigation', { name: 'Open models' })).toBeVisible();
});

test('drag and drop opens a model', async ({ page }) => {
  await dropFiles(page, [sample('mnist-cnn.onnx')]);
  await shown(modelView(page, 'mnist-cnn.onnx'));
});

test('a model with external data opens when its data file comes along, and says which file is missing otherwise', async ({ page }) => {
  const { model, data } = externalDataModel();
  await page.getByTestId('file-input').setInputFiles([model]);
  const banner = page.getByTestId('error-banner');
  await shown(banner);
  await expect(banner).toHaveAttribute('data-error-code', 'missing-external-data');
  await expect(banner).toContainText('weights.bin');

  await page.getByTestId('file-input').setInputFiles([model, data]);
  const view = modelView(page, 'external.onnx');
  await shown(view);
  await expect(view.getByTestId('weight-locations')).toContainText('In external data files');
  await expect(view.getByTestId('card-params')).toContainText((64 * 32).toLocaleString('en-US'));
  await expect(banner).toHaveCount(0);
});

test('weights inside If branches are found and the branches are listed', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles(subgraphModel());
  const view = modelView(page, 'with-if.onnx');
  await shown(view);
  await expect(view.getByTestId('subgraphs')).toContainText('then_branch');
  await expect(view.getByTestId('subgraphs')).toContainText('else_branch');
  await expect(view.getByTestId('card-params')).toContainText('32');
  await expect(view.getByTestId('layer-table')).toContainText('then_matmul');
});

test('bad files get specific errors and the loaded model stays', async ({ page }) => {
  const def = defaultSample();
  await shown(modelView(page, def));
  const banner = page.getByTestId('error-banner');
  const cases: [FilePayload, string, RegExp][] = [
    [textFile(), 'not-onnx', /not an ONNX model.*text file/],
    [truncated(sample('mnist-cnn.onnx'), 0.5), 'truncated', /truncated/],
    [danglingModel(), 'invalid-graph', /ghost/],
  ];
  for (const [file, code, message] of cases) {
    await page.getByTestId('file-input').setInputFiles(file);
    await shown(banner);
    await expect(banner).toHaveAttribute('data-error-code', code);
    await expect(banner).toContainText(message);
    await expect(modelView(page, def)).toBeVisible();
  }
  await page.getByRole('button', { name: 'Dismiss error' }).click();
  await expect(banner).toHaveCount(0);
  // and the app still opens models afterwards
  await page.getByTestId('file-input').setInputFiles(sample('mnist-mlp.onnx'));
  await shown(modelView(page, 'mnist-mlp.onnx'));
});

test('opening two .onnx files at once is refused with a reason', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles([sample('mnist-mlp.onnx'), sample('mnist-cnn.onnx')]);
  await expect(page.getByTestId('error-banner')).toContainText('one model at a time');
});
