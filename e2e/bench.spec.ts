import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from './test';
import { readNpy, writeNpy } from '../src/core/data/npy';
import { benchDone, fixedRuns, openApp } from './fixtures';

async function openWithVariants(page: Page) {
  await openApp(page);
  await page.getByRole('button', { name: 'Optimize' }).click();
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  await page.getByText('Prune', { exact: true }).click();
  await page.getByTestId('run-recipe').click();
  for (const name of ['int8 dynamic', 'prune 50% global']) {
    await expect(page.locator(`[data-testid="variant-row"][data-variant-name="${name}"]`)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  }
  await page.getByRole('button', { name: 'Benchmark' }).click();
}

/** Batch 1 and 4, 3 runs after 1 warm-up, accuracy over 16 items. */
async function quickSettings(page: Page) {
  await fixedRuns(page, { batches: '1, 4', runs: 3, warmup: 1, items: 16 });
}

test('the sample and its int8 and pruned variants: which nodes each backend runs natively, then a run on WASM and WebGPU; WebGPU is labelled as a fallback adapter', async ({ page }) => {
  test.setTimeout(180_000);
  // Every .wasm the page and its workers fetch (onnxruntime-web's are compiled once for the page, then shared).
  const wasmFetched: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith('.wasm')) wasmFetched.push(new URL(r.url()).pathname.split('/').pop()!);
  });
  await openWithVariants(page);
  const models = page.getByTestId('bench-form').locator('fieldset').first();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();

  // Before running, the studio shows which nodes each backend runs natively and which fall back to the CPU.
  const support = (t: string, b: string) => page.locator(`[data-testid="support-row"][data-target="${t}"] td[data-backend="${b}"]`);
  await expect(support('original', 'wasm')).toContainText('native');
  await expect(support('original', 'webgpu')).toContainText('native');
  // dynamic int8: WebGPU has no kernels for DynamicQuantizeLinear / ConvInteger / MatMulInteger
  await expect(support('int8 dynamic', 'webgpu')).toContainText('on CPU');
  await expect(support('int8 dynamic', 'webgpu')).toContainText('DynamicQuantizeLinear');
  await expect(support('int8 dynamic', 'wasm')).toContainText('native');

  await page.getByLabel('WebGPU', { exact: true }).check();
  await quickSettings(page);
  await page.getByTestId('run-bench').click();

  await benchDone(page);

  for (const target of ['original', 'int8 dynamic', 'prune 50% global']) {
    for (const backend of ['wasm', 'webgpu']) {
      const cell = page.locator(`[data-testid="bench-row"][data-target="${target}"][data-backend="${backend}"]`);
      await expect(cell).toHaveCount(2); // batch 1 and 4
      const first = (await cell.first().innerText()).replace(/\s+/g, ' ');
      expect(first).toMatch(/ms \+/); // cold start shown
      expect(first).toMatch(/top-1 \d+\.\d\d%/); // accuracy with labels
    }
  }
  // With labels, no reference outputs are needed; every backend's runtime was loaded once before the first cell.
  await expect(page.getByTestId('bench-method')).toHaveAttribute('data-reference-runs', '0');
  await expect(page.getByTestId('bench-method')).toContainText(/loaded once before the first cell \(wasm \d+ ms, webgpu \d+ ms\)/);
  await expect(page.getByTestId('bench-method')).toContainText("onnxruntime-web's WebAssembly (wasm, webgpu) was compiled once for this page");
  // Two variants (each with two fidelity runs), a reference-free run of 3 models × 2 backends and the two warm-ups:
  // onnxruntime-web's plain and WebGPU builds were each downloaded once.
  expect(wasmFetched.sort()).toEqual([expect.stringMatching(/^ort-wasm-simd-threaded-.*\.wasm$/), expect.stringMatching(/^ort-wasm-simd-threaded\.jsep-.*\.wasm$/)]);
  // WebGPU in this Chromium is SwiftShader: it runs, and it says so
  await expect(page.locator('[data-testid="bench-row"][data-backend="webgpu"]').getByTestId('fallback-adapter').first()).toBeVisible();
  await expect(page.getByTestId('bench-results')).toContainText('software (fallback) adapter');
  await expect(page.getByTestId('bench-results')).toContainText('cross-origin isolated');
});

test('a dataset that does not fit the model is refused before anything runs', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Benchmark' }).click();
  await quickSettings(page);
  await page.getByText('.npy inputs (+ labels)').click();

  const cases: [string, Uint8Array, RegExp][] = [
    ['wrong-shape.npy', writeNpy('float32', [4, 3, 32, 32], new Float32Array(4 * 3 * 32 * 32)), /shape \[4, 3, 32, 32\]/],
    ['wrong-dtype.npy', writeNpy('float64', [4, 1, 28, 28], new Float64Array(4 * 784)), /float64/],
    ['nan.npy', writeNpy('float32', [2, 1, 28, 28], new Float32Array(2 * 784).fill(NaN)), /NaN/],
  ];
  for (const [name, bytes, message] of cases) {
    const path = test.info().outputPath(name);
    writeFileSync(path, bytes);
    await page.getByLabel('Inputs file').setInputFiles(path);
    await page.getByTestId('run-bench').click();
    const error = page.getByTestId('bench-run-error').first();
    await expect(error).toContainText(message);
    await expect(page.locator('[data-testid="bench-row"][data-status="done"]')).toHaveCount(0);
  }
  // labels that do not match the inputs
  const x = test.info().outputPath('x.npy');
  const y = test.info().outputPath('y.npy');
  writeFileSync(x, writeNpy('float32', [4, 1, 28, 28], new Float32Array(4 * 784)));
  writeFileSync(y, writeNpy('int64', [3], new BigInt64Array(3)));
  await page.getByLabel('Inputs file').setInputFiles(x);
  await page.getByLabel('Labels file').setInputFiles(y);
  await page.getByTestId('run-bench').click();
  await expect(page.getByTestId('bench-run-error').first()).toContainText(/3 labels.*4 items/);
});

test('a folder of images, one sub-folder per class, is a labelled dataset; an unreadable image is named', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page);
  // 30 digits of the committed test split, rendered to PNG by the browser, written as <label>/<i>.png
  const x = readNpy(readFileSync('public/samples/mnist-test-x.npy'));
  const y = readNpy(readFileSync('public/samples/mnist-test-y.npy'));
  const n = 30;
  const pixels = Array.from({ length: n }, (_, i) => Array.from((x.data as Float32Array).subarray(i * 784, (i + 1) * 784)));
  const pngs: string[] = await page.evaluate(async (digits) => {
    const out: string[] = [];
    for (const d of digits) {
      const c = new OffscreenCanvas(28, 28);
      const ctx = c.getContext('2d')!;
      const img = ctx.createImageData(28, 28);
      d.forEach((v, i) => img.data.set([Math.round(v * 255), Math.round(v * 255), Math.round(v * 255), 255], i * 4));
      ctx.putImageData(img, 0, 0);
      const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
      out.push(btoa(String.fromCharCode(...bytes)));
    }
    return out;
  }, pixels);
  const root = test.info().outputPath('digits');
  pngs.forEach((b64, i) => {
    const dir = join(root, String((y.data as BigInt64Array)[i]));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${i}.png`), Buffer.from(b64, 'base64'));
  });

  await page.getByRole('button', { name: 'Benchmark' }).click();
  await quickSettings(page);
  await page.getByText('a folder of images (one sub-folder per class)').click();
  await page.getByLabel('Image folder').setInputFiles(root);
  await page.getByTestId('run-bench').click();
  const cell = page.locator('[data-testid="bench-row"][data-target="original"][data-backend="wasm"]').first();
  await expect(cell).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const text = (await cell.innerText()).replace(/\s+/g, ' ');
  const top1 = Number(text.match(/top-1 (\d+\.\d\d)%/)![1]);
  expect(top1).toBeGreaterThanOrEqual(90); // the CNN reads its own test digits back from PNG files
  await expect(page.getByTestId('bench-results')).toContainText(`${n} images`);

  // a file that is not an image, inside a class folder
  writeFileSync(join(root, '3', 'broken.png'), 'not a png');
  await page.getByLabel('Image folder').setInputFiles(root);
  await page.getByTestId('run-bench').click();
  await expect(page.getByTestId('bench-run-error').first()).toContainText('broken.png');
});
