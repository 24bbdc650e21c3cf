import { expect, test } from '@playwright/test';
import { watchCsp } from './csp-watch';
import { sampleManifest } from './fixtures';

test('the built app sends and carries a Content-Security-Policy that allows only its own origin', async ({ page, request }) => {
  const res = await request.get('/');
  const header = res.headers()['content-security-policy'];
  expect(header).toContain("default-src 'self'");
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(header).toContain("object-src 'none'");
  expect(header).not.toContain('unsafe-inline');
  expect(header).not.toMatch(/\s'unsafe-eval'/);
  const html = await res.text();
  expect(html).toContain('http-equiv="Content-Security-Policy"');

  // The watcher sees a violation where there is one (so its silence below means something).
  const violations = await watchCsp(page);
  await page.goto('/');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
  });
  await expect.poll(async () => (await violations()).join('\n'), { timeout: 10_000 }).toMatch(/script-src/);
  expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
  // Workers run under the same policy: one cannot reach another origin. (A violation inside a worker reaches no
  // page event; anything the app's workers need that the policy blocked would fail the workflow below.)
  const fromWorker = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const src = "fetch('http://127.0.0.1:9/').then(() => postMessage('fetched'), (e) => postMessage('refused: ' + e))";
        const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        w.onmessage = (e) => resolve(String(e.data));
      }),
  );
  expect(fromWorker).toMatch(/^refused/);
});

test('a whole workflow under the policy: open, optimize, benchmark on WASM and WebGPU, trade-off export, costs; no violation', async ({ page }) => {
  test.setTimeout(180_000);
  const violations = await watchCsp(page);
  await page.goto('/');
  const manifest = sampleManifest();
  const def = manifest.models.find((m) => m.id === manifest.default)!;
  await expect(page.locator(`[data-testid="model-summary"][data-file-name="${def.file}"]`)).toBeVisible();

  await page.getByRole('button', { name: 'Optimize' }).click();
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  await expect(page.locator('[data-testid="variant-row"][data-variant-name="int8 dynamic"]')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-variant').first().click()]);
  expect(download.suggestedFilename()).toMatch(/\.onnx$/);

  await page.getByRole('button', { name: 'Benchmark' }).click();
  const models = page.getByTestId('bench-form').locator('fieldset').first();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
  await page.getByLabel('WebGPU', { exact: true }).check();
  await page.getByLabel('Batch sizes').fill('1');
  await page.getByLabel('Run mode').selectOption('fixed');
  await page.getByLabel('Run count').fill('5');
  await page.getByLabel('Warm-up runs').fill('1');
  await page.getByLabel('Max items').fill('16');
  await page.getByTestId('run-bench').click();
  await expect(async () => {
    const statuses = await page.getByTestId('bench-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBe(4);
    expect(statuses.every((s) => s === 'done')).toBe(true);
  }).toPass({ timeout: 150_000 });

  await page.getByRole('button', { name: 'Trade-off', exact: true }).click();
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tradeoff').getByTestId('export-png').click()]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  await page.getByRole('button', { name: 'Costs', exact: true }).click();
  await expect(page.getByTestId('costs')).toBeVisible();

  expect(await violations()).toEqual([]);
});
