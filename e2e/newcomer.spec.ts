import { expect, test } from './test';
import { manySubgraphs } from './many-subgraphs';
import { modelView, openApp, sample, shown, subgraphModel } from './fixtures';

/** What a newcomer sees: the next step in each view, a sign that a model opened, counts that agree, long lists tamed. */

test('each view points to the next step: Inspect → Optimize → Benchmark → Trade-off → Costs', async ({ page }) => {
  await openApp(page);
  const next = page.getByTestId('next-step');
  const path: string[] = [];
  for (const expected of ['optimize', 'benchmark', 'tradeoff', 'costs']) {
    await expect(next).toHaveAttribute('data-next', expected);
    path.push((await page.getByTestId('next-step-go').innerText()).replace(/^Go to | →$/g, ''));
    await page.getByTestId('next-step-go').click();
  }
  expect(path).toEqual(['Optimize', 'Benchmark', 'Trade-off', 'Costs']);
  await shown(page.getByTestId('costs'));
  await expect(next).toHaveCount(0); // Costs is the end of the path
  // Optimize and Benchmark say what to do first when nothing is made yet
  await page.getByRole('button', { name: 'Optimize', exact: true }).click();
  await expect(next).toContainText('Make a variant above first');
});

test('opening a model while on Costs shows it, and says it opened', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Costs', exact: true }).click();
  await shown(page.getByTestId('costs'));
  await page.getByTestId('file-input').setInputFiles(sample('mnist-mlp.onnx'));
  await shown(modelView(page, 'mnist-mlp.onnx'));
  await expect(page.getByRole('button', { name: 'Inspect', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('status').filter({ hasText: 'Opened mnist-mlp.onnx' })).toContainText('235,146 parameters');
});

test('the Nodes card and the layer table count the same nodes, and say what each counts', async ({ page }) => {
  await openApp(page);
  // an If whose branches hold a Constant and a MatMul each: 5 nodes, of which 3 are layers and 2 are Constant nodes
  await page.getByTestId('file-input').setInputFiles(subgraphModel());
  const view = modelView(page, 'with-if.onnx');
  await shown(view);
  await expect(view.getByTestId('card-nodes')).toContainText('5');
  await expect(view.getByTestId('card-nodes')).toContainText('3 layers + 2 Constant nodes');
  await expect(view.getByTestId('layer-count')).toHaveText(/of 3 layers \(2 Constant nodes shown as weights\)/);
  await view.getByLabel('only layers with weights').uncheck();
  await expect(view.getByTestId('layer-count')).toHaveText(/^3 of 3 layers/);
});

test('a model with 60 subgraphs lists them as a tree with counts, the long list collapsed', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(manySubgraphs());
  const view = modelView(page, 'many-subgraphs.onnx');
  await shown(view);
  await expect(view.getByTestId('subgraph-counts')).toContainText('60 subgraphs (60 under If)');
  await expect(view.getByTestId('subgraph-counts')).toContainText('50 at the top level');
  const top = view.locator('[data-testid="subgraphs"] > li');
  await expect(top).toHaveCount(12);
  // labels are short (relative to the parent), full paths on hover; nested ones sit under their parent, closed
  const first = top.first();
  await expect(first.locator('summary')).toContainText('/model/layers.0/If.then_branch — If, 1 node; 2 nested subgraphs (3 nodes in all)');
  const nested = first.locator('ul > li').first();
  await expect(nested).not.toBeVisible();
  await first.locator('summary').click();
  await expect(nested).toBeVisible();
  await expect(nested).toContainText('/model/layers.0/inner/If.then_branch — If, 1 node');
  await expect(nested.locator('code')).toHaveAttribute('title', 'main//model/layers.0/If.then_branch//model/layers.0/inner/If.then_branch');
  await view.getByTestId('subgraphs-all').click();
  await expect(top).toHaveCount(50);
});
