import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../src/core/data/npy';
import { readOnnx } from '../src/core/formats/onnx';
import { runOnnx } from './samples/evaluate';
import { loadTfjs } from './samples/tfjs-io';

/**
 * Checks on the committed sample files in public/samples (no training here: `npm run samples` makes them).
 */

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'public', 'samples');
const file = (f: string) => path.join(DIR, f);

interface Manifest {
  default: string;
  dataset: { x: { file: string }; y: { file: string }; classCounts: number[] };
  models: {
    id: string;
    file: string;
    tfjs: string;
    input: { name: string; shape: (number | string)[] };
    output: { name: string; shape: (number | string)[] };
    testAccuracy: number;
    testCorrect: number;
    parameters: number;
    dataset: { x: string; y: string; count: number };
  }[];
}

const manifest = JSON.parse(readFileSync(file('manifest.json'), 'utf8')) as Manifest;
/** The requirement, fixed here (not read from the manifest). */
const REQUIRED: Record<string, number> = { 'mnist-mlp': 0.97, 'mnist-cnn': 0.98 };

let x: Float32Array;
let y: BigInt64Array;
let n: number;

beforeAll(() => {
  const xs = readNpy(readFileSync(file(manifest.dataset.x.file)));
  const ys = readNpy(readFileSync(file(manifest.dataset.y.file)));
  x = xs.data as Float32Array;
  y = ys.data as BigInt64Array;
  n = ys.shape[0];
});

const argmax = (p: ArrayLike<number>, i: number) => {
  let best = 0;
  for (let k = 1; k < 10; k++) if (p[i * 10 + k] > p[i * 10 + best]) best = k;
  return best;
};

describe('test split', () => {
  it('has the expected shapes, dtypes, values and class counts', () => {
    const xs = readNpy(readFileSync(file(manifest.dataset.x.file)));
    const ys = readNpy(readFileSync(file(manifest.dataset.y.file)));
    expect(xs.dtype).toBe('float32');
    expect(ys.dtype).toBe('int64');
    expect(xs.shape).toEqual([n, 1, 28, 28]);
    expect(ys.shape).toEqual([n]);
    expect(n).toBeGreaterThanOrEqual(1900);
    expect(n).toBeLessThanOrEqual(2100);
    let min = Infinity;
    let max = -Infinity;
    for (const v of x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
    const counts = new Array<number>(10).fill(0);
    for (const v of y) {
      expect(v >= 0n && v <= 9n).toBe(true);
      counts[Number(v)]++;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    // stratified: every class holds about 20% of its ~1,000 digits
    for (const c of counts) expect(c).toBeGreaterThan(150);
    expect(counts).toEqual(manifest.dataset.classCounts);
  });
});

describe('manifest', () => {
  it('lists both models and opens with the CNN', () => {
    expect(manifest.models.map((m) => m.id).sort()).toEqual(['mnist-cnn', 'mnist-mlp']);
    expect(manifest.default).toBe('mnist-cnn');
    for (const m of manifest.models) {
      expect(m.input).toMatchObject({ name: 'input', shape: ['batch', 1, 28, 28] });
      expect(m.output).toMatchObject({ name: 'probabilities', shape: ['batch', 10] });
      expect(m.dataset.count).toBe(n);
    }
  });
});

describe.each(manifest.models.map((m) => [m.id, m] as const))('%s', (id, m) => {
  it('is an opset-17 ONNX model written by pareto-studio, input NCHW, output probabilities', () => {
    const { proto } = readOnnx(readFileSync(file(m.file)), { fileName: m.file });
    expect(proto.producerName).toBe('pareto-studio');
    expect(proto.opsetImport.find((o) => o.domain === '')?.version).toBe(17n);
    const g = proto.graph!;
    expect(g.input.map((i) => i.name)).toEqual(['input']);
    const dims = (v: (typeof g.input)[number]) =>
      v.type?.value.case === 'tensorType'
        ? v.type.value.value.shape?.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.value))
        : undefined;
    expect(dims(g.input[0])).toEqual(['batch', 1, 28, 28]);
    expect(g.output.map((o) => o.name)).toEqual(['probabilities']);
    expect(dims(g.output[0])).toEqual(['batch', 10]);
    expect(g.node[g.node.length - 1].opType).toBe('Softmax');
    const meta = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    expect(Number(meta.test_accuracy)).toBeCloseTo(m.testAccuracy, 4);
    expect(meta.seed).toMatch(/^\d+$/);
    let params = 0;
    for (const t of g.initializer) params += t.dims.reduce((a, b) => a * Number(b), 1);
    expect(params).toBe(m.parameters);
  });

  it(`reaches ${REQUIRED[id] * 100}% on the test split with onnxruntime-node, as the manifest says`, async () => {
    const probs = await runOnnx(file(m.file), x, n);
    let correct = 0;
    for (let i = 0; i < n; i++) if (argmax(probs, i) === Number(y[i])) correct++;
    const acc = correct / n;
    expect(acc).toBeGreaterThanOrEqual(REQUIRED[id]);
    expect(Math.abs(acc * 100 - m.testAccuracy * 100)).toBeLessThanOrEqual(0.01);
    expect(correct).toBe(m.testCorrect);
    // outputs are probabilities
    for (let i = 0; i < 20; i++) {
      let s = 0;
      for (let k = 0; k < 10; k++) s += probs[i * 10 + k];
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('TF.js export agrees with the ONNX export on 200 digits', async () => {
    tf.enableProdMode(); // no "install tfjs-node" banner
    await tf.setBackend('cpu');
    const model = await loadTfjs(file(m.tfjs));
    const k = 200;
    const sub = x.subarray(0, k * 784);
    const tfjsOut = tf.tidy(() => (model.predict(tf.tensor4d(sub, [k, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
    model.dispose();
    const onnxOut = await runOnnx(file(m.file), sub, k);
    let maxDiff = 0;
    for (let i = 0; i < k; i++) expect(argmax(tfjsOut, i)).toBe(argmax(onnxOut, i));
    for (let i = 0; i < onnxOut.length; i++) maxDiff = Math.max(maxDiff, Math.abs(onnxOut[i] - tfjsOut[i]));
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
