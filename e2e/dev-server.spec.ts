import { expect, test } from './test';
import { benchDone, defaultSample, fixedRuns, modelView, shown } from './fixtures';

// `npm start` serves the app from Vite's dev server. On a fresh clone the first worker that imports a dependency
// the dev server had not pre-bundled (fflate, onnxruntime-web/wasm) used to make Vite re-optimise and reload the
// page, dropping the variant the user had just made. This journey runs against the dev server with its dependency
// cache rebuilt (--force), as on a fresh clone, and checks the page is never reloaded.
test('dev server: make variants and benchmark them without the page reloading, under its CSP', async ({ page }) => {
  test.setTimeout(240_000);
  let navigations = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations++;
  });
  const reloads: string[] = [];
  page.on('console', (m) => {
    if (/optimized dependencies changed|reloading/i.test(m.text())) reloads.push(m.text());
  });

  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'nonce-/);
  await shown(modelView(page, defaultSample()), { timeout: 60_000 });
  const afterLoad = navigations;

  await page.getByRole('button', { name: 'Optimize' }).click();
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  const variant = page.locator('[data-testid="variant-row"][data-variant-name="int8 dynamic"]');
  await expect(variant).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  await page.getByRole('button', { name: 'Benchmark' }).click();
  // Both models, on synthetic inputs: quality is the variant's fidelity to the original, whose outputs are computed
  // once for the whole run.
  const models = page.getByTestId('bench-form').locator('fieldset').first();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
  await page.getByLabel(/synthetic inputs/).check();
  await fixedRuns(page, { runs: 5, warmup: 1, items: 16 });
  await page.getByTestId('run-bench').click();
  await benchDone(page);

  await expect(page.getByTestId('bench-method')).toHaveAttribute('data-reference-runs', '1');
  await expect(page.getByTestId('bench-method')).toContainText('computed once on wasm and reused by every cell');
  await expect(page.locator('[data-testid="bench-row"][data-target="int8 dynamic"]').getByTestId('bench-quality')).toContainText(/agreement \d+\.\d+% · cosine (0\.9|1\.0)/);

  // Still the same page: the variant made before the benchmark is there, and nothing navigated.
  await page.getByRole('button', { name: 'Optimize' }).click();
  await expect(variant).toHaveAttribute('data-status', 'done');
  expect(reloads).toEqual([]);
  expect(navigations).toBe(afterLoad);
  // (e2e/test.ts checks that the dev server's policy, with its nonce for the one inline script, blocked nothing)
});
