import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { build, DataType, writeOnnx } from '../src/core/formats/onnx/index';
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, DataLocation } from '../src/core/formats/onnx/proto';

const { graph, node, valueInfo, floatTensor, model, attr } = build;

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

const payload = (name: string, bytes: Uint8Array): FilePayload => ({
  name,
  mimeType: 'application/octet-stream',
  buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
});

export const sample = (file: string): FilePayload => payload(file, readFileSync(`public/samples/${file}`));
const sampleManifest = () =>
  JSON.parse(readFileSync('public/samples/manifest.json', 'utf8')) as { default: string; models: { id: string; file: string }[] };

/** A Gemm model whose weights live in `weights.bin` beside it. */
export function externalDataModel(): { model: FilePayload; data: FilePayload } {
  const w = new Float32Array(64 * 32).map((_, i) => Math.cos(i));
  const t = floatTensor('W', [64, 32], new Float32Array(0));
  t.rawData = new Uint8Array(0);
  t.dataLocation = DataLocation.EXTERNAL;
  t.externalData = [
    create(StringStringEntryProtoSchema, { key: 'location', value: 'weights.bin' }),
    create(StringStringEntryProtoSchema, { key: 'offset', value: '0' }),
    create(StringStringEntryProtoSchema, { key: 'length', value: String(w.byteLength) }),
  ];
  const g = graph({
    name: 'ext',
    nodes: [node('MatMul', ['x', 'W'], ['y'], {}, { name: 'matmul_ext' })],
    inputs: [valueInfo('x', DataType.FLOAT, ['batch', 64])],
    outputs: [valueInfo('y', DataType.FLOAT, ['batch', 32])],
    initializers: [t],
  });
  return {
    model: payload('external.onnx', writeOnnx(model({ graph: g }))),
    data: payload('weights.bin', new Uint8Array(w.buffer)),
  };
}

/** An If whose branches carry their own weights (as Constant nodes and initializers). */
export function subgraphModel(): FilePayload {
  const branch = (name: string, scale: number) =>
    graph({
      name,
      nodes: [
        node('Constant', [], [`${name}_w`], { value: attr.t(floatTensor(`${name}_wt`, [4, 4], new Float32Array(16).fill(scale))) }),
        node('MatMul', ['x', `${name}_w`], [`${name}_y`], {}, { name: `${name}_matmul` }),
      ],
      inputs: [],
      outputs: [valueInfo(`${name}_y`, DataType.FLOAT, [1, 4])],
    });
  const g = graph({
    name: 'cond',
    nodes: [node('If', ['c'], ['y'], { then_branch: attr.g(branch('then', 1)), else_branch: attr.g(branch('else', 2)) }, { name: 'if_node' })],
    inputs: [valueInfo('c', DataType.BOOL, []), valueInfo('x', DataType.FLOAT, [1, 4])],
    outputs: [valueInfo('y', DataType.FLOAT, [1, 4])],
  });
  return payload('with-if.onnx', writeOnnx(model({ graph: g })));
}

/** A node reads a tensor nothing provides. */
export function danglingModel(): FilePayload {
  const g = graph({
    name: 'bad',
    nodes: [node('Add', ['x', 'ghost'], ['y'], {}, { name: 'add_ghost' })],
    inputs: [valueInfo('x', DataType.FLOAT, [1])],
    outputs: [valueInfo('y', DataType.FLOAT, [1])],
  });
  return payload('dangling.onnx', writeOnnx(model({ graph: g })));
}

/**
 * Drops files on the app's drop zone: a real drop event with a DataTransfer built in the page, as a user's drag and
 * drop produces. The bytes travel as base64 (a JSON array of numbers took 2.3 s for the TF.js sample's 420 KB).
 */
export async function dropFiles(page: Page, files: FilePayload[]): Promise<void> {
  await page.evaluate(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      const target = document.querySelector('[data-testid="drop-zone"]')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    files.map((f) => ({ name: f.name, type: f.mimeType, b64: f.buffer.toString('base64') })),
  );
}

export function truncated(file: FilePayload, fraction: number): FilePayload {
  return { ...file, name: `truncated-${file.name}`, buffer: file.buffer.subarray(0, Math.floor(file.buffer.length * fraction)) };
}

export const textFile = (): FilePayload => payload('notes.onnx', new TextEncoder().encode('this is not a model\n'));

/** A float32 MLP of about `mb` megabytes of weights: big enough that a recipe takes a while (for Cancel). */
export function bigMlp(mb: number, name = 'big-mlp.onnx'): FilePayload {
  const width = 1024;
  const layers = Math.max(1, Math.round((mb * 1e6) / (width * width * 4)));
  const nodes = [];
  const inits = [];
  let x = 'x';
  for (let i = 0; i < layers; i++) {
    const w = new Float32Array(width * width);
    for (let j = 0; j < w.length; j++) w[j] = Math.sin(j * 0.618 + i) * 0.03;
    inits.push(floatTensor(`w${i}`, [width, width], w));
    nodes.push(node('MatMul', [x, `w${i}`], [`h${i}`], {}, { name: `fc${i}` }));
    x = `h${i}`;
  }
  const g = graph({ name: 'big', nodes, inputs: [valueInfo('x', DataType.FLOAT, ['batch', width])], outputs: [valueInfo(x, DataType.FLOAT, ['batch', width])], initializers: inits });
  return payload(name, writeOnnx(model({ graph: g })));
}

/**
 * Waits until the page's benchmark rows have settled (at least `min` rows, none queued or running) and returns their
 * statuses. The statuses are read in the page every 100 ms: no round trip to the test per poll (Playwright's toPass
 * makes one, with its steps reported, several times a second for the length of every benchmark).
 */
export async function benchSettled(page: Page, options: { min?: number; timeout?: number } = {}): Promise<(string | null)[]> {
  await page.waitForFunction(
    (min) => {
      const statuses = [...document.querySelectorAll('[data-testid="bench-row"]')].map((e) => e.getAttribute('data-status'));
      return statuses.length >= min && !statuses.some((s) => s === 'queued' || s === 'running');
    },
    options.min ?? 1,
    { timeout: options.timeout ?? 150_000, polling: 100 },
  );
  return page.getByTestId('bench-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
}

/**
 * Waits until the page's benchmark rows have settled (benchSettled) and expects every one of them done: a failed row
 * fails the test as soon as the rest have settled, showing each row's status and the errors the rows show.
 */
export async function benchDone(page: Page, options: { min?: number; timeout?: number } = {}): Promise<void> {
  const statuses = await benchSettled(page, options);
  const errors = await page.getByTestId('bench-cell-error').allInnerTexts();
  expect({ statuses, errors }, 'every benchmark row done').toEqual({ statuses: statuses.map(() => 'done'), errors: [] });
}

/**
 * Waits until the support table above the Run button has every result: a row grows when its result comes in (long
 * notes), which moves the button; a click as it moves can miss it (seen once, under load).
 */
export async function supportSettled(page: Page): Promise<void> {
  await expect(page.locator('[data-testid="support-row"] td', { hasText: /^…$/ })).toHaveCount(0, { timeout: 30_000 });
}

/** The benchmark form's run settings, a fixed run count (quick e2e runs): batch sizes, runs, warm-up, and max items. */
export async function fixedRuns(page: Page, o: { batches?: string; runs: number; warmup: number; items?: number }): Promise<void> {
  await page.getByLabel('Batch sizes').fill(o.batches ?? '1');
  await page.getByLabel('Run mode').selectOption('fixed');
  await page.getByLabel('Run count').fill(String(o.runs));
  await page.getByLabel('Warm-up runs').fill(String(o.warmup));
  if (o.items !== undefined) await page.getByLabel('Max items').fill(String(o.items));
}

/**
 * Waits until something still to come is shown: a model being read, a panel whose code is still loading, a banner.
 * Playwright's locator assertions (toBeVisible, toHaveText, …) build an ARIA snapshot of the whole page, for their
 * failure message, on every poll that finds no element at all, up to ~0.3 s of the page's main thread each on a page
 * showing a real model. waitFor polls the selector alone, and fails with a timeout that names the locator; assert on
 * the element once it is there. (Waits through this: 311 snapshots in a run of the suite → 16; the page's main thread
 * over the suite 82 → 70 CPU-s by per-test CDP profiles, measured at 52.)
 */
export async function shown(locator: Locator, options: { timeout?: number } = {}): Promise<void> {
  await locator.waitFor({ state: 'visible', ...options });
}

/** The Inspect view of the model file `name`, once it is read (the summary carries the file's name). */
export const modelView = (page: Page, name: string): Locator => page.locator(`[data-testid="model-summary"][data-file-name="${name}"]`);

/** The manifest's default sample, which the app opens with. */
export function defaultSample(): string {
  const manifest = sampleManifest();
  return manifest.models.find((m) => m.id === manifest.default)!.file;
}

/** Opens the app and waits until the default sample model (the manifest's) is summarised, as every journey starts. */
export async function openApp(page: Page, options: { timeout?: number } = {}): Promise<void> {
  await page.goto('/');
  await shown(modelView(page, defaultSample()), options);
}
