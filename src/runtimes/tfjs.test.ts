/**
 * TF.js variants, checked by TF.js itself: every exported variant (model.json + shards from formats/tfjs/write.ts) is
 * loaded the way an app loads it (tf.loadLayersModel / tf.loadGraphModel, here through an in-memory IO handler fed
 * with the files) and its outputs are compared with the original's, loaded the same way from the original files.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../core/data/npy';
import { readModelFiles } from '../core/formats/open';
import { writeOnnx } from '../core/formats/onnx/write';
import { writeTfjs } from '../core/formats/tfjs/write';
import { applyRecipe } from '../core/transforms/apply-recipe';
import type { Recipe } from '../core/transforms/recipe';
import { unzipSync } from 'fflate';
import { tfjsZip } from '../core/formats/tfjs/zip';
import { tfjsSensitivityRunner } from '../core/transforms/tfjs-quantize/sensitivity';
import { tf } from './tfjs-common';
import { tfjsNode, useTfjsNodeBackend } from './tfjs-node';

type Files = { name: string; bytes: Uint8Array }[];

const ROOT = resolve(__dirname, '../..');
const HUMAN = resolve(ROOT, 'node_modules/@vladmandic/human/models');
/** The samples (layers models) and public graph models from @vladmandic/human (antispoof's weights are float16). */
const TFJS_MODELS = {
  'mnist-cnn': { dir: resolve(ROOT, 'public/samples/mnist-cnn.tfjs'), json: 'model.json', shards: ['group1-shard1of1.bin'] },
  'mnist-mlp': { dir: resolve(ROOT, 'public/samples/mnist-mlp.tfjs'), json: 'model.json', shards: ['group1-shard1of1.bin'] },
  emotion: { dir: HUMAN, json: 'emotion.json', shards: ['emotion.bin'] },
  antispoof: { dir: HUMAN, json: 'antispoof.json', shards: ['antispoof.bin'] },
} as const;
type Name = keyof typeof TFJS_MODELS;

function tfjsFiles(name: Name): Files {
  const m = TFJS_MODELS[name];
  return [m.json, ...m.shards].map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(resolve(m.dir, n))) }));
}

/** Loads model.json + shards as an app would: the manifest's shards, in order, concatenated. */
async function loadFiles(files: Files): Promise<tf.LayersModel | tf.GraphModel> {
  const json = JSON.parse(new TextDecoder().decode(files[0].bytes));
  const byName = new Map(files.map((f) => [f.name, f.bytes]));
  const shards = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => byName.get(p)!));
  const data = new Uint8Array(shards.reduce((a: number, s: Uint8Array) => a + s.length, 0));
  let off = 0;
  for (const s of shards) {
    data.set(s, off);
    off += s.length;
  }
  const handler = tf.io.fromMemory({
    modelTopology: json.modelTopology,
    format: json.format,
    weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
    weightData: data.buffer,
  });
  return json.format === 'graph-model' ? tf.loadGraphModel(handler) : tf.loadLayersModel(handler);
}

const INPUT: Record<Name, number[]> = { 'mnist-cnn': [28, 28, 1], 'mnist-mlp': [28, 28, 1], emotion: [64, 64, 1], antispoof: [128, 128, 3] };

/** Smooth deterministic images in [0, 1] (blobs and gradients), `n` of them. */
function images(name: Name, n: number): tf.Tensor {
  const [h, w, c] = INPUT[name];
  const data = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) {
          const cx = (0.3 + 0.4 * ((b * 37) % 11) / 11) * w;
          const cy = (0.3 + 0.4 * ((b * 53) % 7) / 7) * h;
          const r2 = ((x - cx) ** 2 + (y - cy) ** 2) / (w * h * 0.05);
          data[((b * h + y) * w + x) * c + k] = 0.6 * Math.exp(-r2) + 0.4 * ((x + y * (k + 1) + b) % w) / w;
        }
  return tf.tensor(data, [n, h, w, c]);
}

async function predict(m: tf.LayersModel | tf.GraphModel, x: tf.Tensor): Promise<Float32Array> {
  const out = (m instanceof tf.GraphModel ? m.execute(x) : m.predict(x)) as tf.Tensor;
  const v = (await out.data()) as Float32Array;
  out.dispose();
  return v;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

async function variant(name: Name, recipe: Recipe): Promise<{ files: Files; weightBytes: number }> {
  const read = readModelFiles(tfjsFiles(name));
  const r = await applyRecipe(read.model, recipe);
  const out = writeTfjs(r.model, 150_000); // small shards: the multi-shard path is exercised too
  return { files: [{ name: 'model.json', bytes: new TextEncoder().encode(out.modelJson) }, ...out.shards.map((s) => ({ name: s.path, bytes: s.bytes }))], weightBytes: out.shards.reduce((a, s) => a + s.bytes.length, 0) };
}

const RECIPES: Record<string, Recipe> = {
  'round trip': { steps: [{ transform: 'quantize-tfjs', options: { mode: 'uint8', weights: ['no-such-weight'] } }] },
  uint8: { steps: [{ transform: 'quantize-tfjs', options: { mode: 'uint8' } }] },
  uint16: { steps: [{ transform: 'quantize-tfjs', options: { mode: 'uint16' } }] },
  fp16: { steps: [{ transform: 'quantize-tfjs', options: { mode: 'fp16' } }] },
  'prune 50%': { steps: [{ transform: 'prune', options: { sparsity: 0.5 } }] },
  'prune 2:4 then uint8': { steps: [{ transform: 'prune', options: { pattern: '2:4' } }, { transform: 'quantize-tfjs', options: { mode: 'uint8' } }] },
};

/**
 * Least cosine each variant must keep (per image, against the original in TF.js). Pruned variants change the outputs
 * by design: they are compared instead with the same variant run from memory by the runtime adapter (undefined here).
 */
const MIN_COSINE: Record<string, number | undefined> = { 'round trip': 1 - 1e-6, uint8: 0.98, uint16: 0.9999, fp16: 0.999 };

describe('TF.js variants load back in TF.js and keep the outputs', () => {
  beforeAll(async () => {
    await useTfjsNodeBackend('wasm');
  });

  describe.each(Object.keys(TFJS_MODELS) as Name[])('%s', (name) => {
    const n = 2;
    let original: Float32Array;
    /** Bytes of the weights as float32 (float16-stored weights counted at 4 bytes): the base of the 0.3x bar. */
    let float32Bytes: number;
    let originalBytes: number;
    beforeAll(async () => {
      const files = tfjsFiles(name);
      originalBytes = files.slice(1).reduce((a, f) => a + f.bytes.length, 0);
      float32Bytes = readModelFiles(files).model.proto.graph!.initializer.reduce((a, t) => a + (t.dataType === 10 ? t.rawData.length * 2 : t.rawData.length), 0);
      const m = await loadFiles(files);
      const x = images(name, n);
      original = await predict(m, x);
      x.dispose();
      m.dispose();
    });

    it.each(Object.keys(RECIPES))('%s', async (label) => {
      const v = await variant(name, RECIPES[label]);
      const m = await loadFiles(v.files);
      const x = images(name, n);
      const out = await predict(m, x);
      x.dispose();
      m.dispose();
      expect(out.length).toBe(original.length);
      const per = out.length / n;
      const cos = Array.from({ length: n }, (_, i) => cosine(out.subarray(i * per, (i + 1) * per), original.subarray(i * per, (i + 1) * per)));
      const min = MIN_COSINE[label];
      if (min !== undefined) expect(Math.min(...cos)).toBeGreaterThanOrEqual(min);
      else {
        // The exported files give what the variant gives when run from memory (core's model → the adapter).
        const read = readModelFiles(tfjsFiles(name));
        const s = await tfjsNode('wasm').createSession(writeOnnx((await applyRecipe(read.model, RECIPES[label])).model));
        const img = images(name, n);
        const direct = (await s.run({ [s.inputNames[0]]: { dtype: 'float32', dims: img.shape, data: (await img.data()) as Float32Array } }))[s.outputNames[0]];
        img.dispose();
        await s.release();
        const d = direct.data as Float32Array;
        for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(d[i], 5);
        // Pruning changed the model, except antispoof's, whose weights are all float16 (pruning takes float32 weights).
        if (name !== 'antispoof') expect(Math.min(...cos)).toBeLessThan(1 - 1e-6);
      }
      if (label === 'uint8') expect(v.weightBytes).toBeLessThanOrEqual(0.3 * float32Bytes);
      if (label === 'round trip') expect(v.weightBytes).toBe(originalBytes);
    });
  });
});

describe('MNIST samples: accuracy after uint8 drops at most 0.5 points (2000 test digits)', () => {
  const x = readNpy(new Uint8Array(readFileSync(resolve(__dirname, '../../public/samples/mnist-test-x.npy'))));
  const y = readNpy(new Uint8Array(readFileSync(resolve(__dirname, '../../public/samples/mnist-test-y.npy'))));
  const labels = Array.from(y.data as BigInt64Array, Number);

  async function accuracy(files: Files): Promise<number> {
    const m = await loadFiles(files);
    // [n, 1, 28, 28] with one channel has the layout of [n, 28, 28, 1].
    const input = tf.tensor(x.data as Float32Array, [labels.length, 28, 28, 1]);
    const p = m.predict(input) as tf.Tensor;
    const pred = (await p.argMax(-1).data()) as Int32Array;
    tf.dispose([input, p]);
    m.dispose();
    return (100 * labels.filter((l, i) => pred[i] === l).length) / labels.length;
  }

  it.each(['mnist-cnn', 'mnist-mlp'] as const)('%s', async (name) => {
    await useTfjsNodeBackend('wasm');
    const before = await accuracy(tfjsFiles(name));
    const after = await accuracy((await variant(name, RECIPES.uint8)).files);
    expect(before).toBeGreaterThan(90);
    expect(before - after).toBeLessThanOrEqual(0.5);
  });
});

describe('TF.js runtime adapter (Node)', () => {
  it('runs a variant on the wasm and cpu backends with the same outputs', async () => {
    const read = readModelFiles(tfjsFiles('emotion'));
    const bytes = writeOnnx((await applyRecipe(read.model, RECIPES.uint8)).model);
    const outs: Float32Array[] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      const rt = tfjsNode(backend);
      const s = await rt.createSession(bytes);
      expect(rt.info()).toMatchObject({ id: `tfjs/${backend}`, backend });
      expect(s.inputNames).toEqual(['input_1']);
      const img = images('emotion', 1);
      const data = (await img.data()) as Float32Array;
      img.dispose();
      const out = await s.run({ input_1: { dtype: 'float32', dims: [1, 64, 64, 1], data } });
      outs.push(out[s.outputNames[0]].data as Float32Array);
      await s.release();
    }
    expect(outs[0].length).toBe(7);
    expect(cosine(outs[0], outs[1])).toBeGreaterThan(0.9999);
  });
});

describe('TF.js mixed precision and export', () => {
  it('keeps the weights whose uint8 quantization hurts most (each measured alone in TF.js) in float16', async () => {
    const read = readModelFiles(tfjsFiles('mnist-mlp'));
    const img = images('mnist-mlp', 4);
    const feeds = [{ [read.model.proto.graph!.input[0].name]: { dtype: 'float32', dims: img.shape, data: (await img.data()) as Float32Array } }];
    img.dispose();
    const sensitivity = tfjsSensitivityRunner(tfjsNode('wasm'), read.model.proto, feeds);
    const r = await applyRecipe(read.model, { steps: [{ transform: 'quantize-tfjs', options: { mode: 'uint8', keepSensitive: 2 } }] }, {}, { tfjsSensitivity: sensitivity });
    const stats = r.reports[0].stats.weights as { name: string; to: string; sensitivity?: number }[];
    const measured = stats.filter((s) => s.sensitivity !== undefined).sort((a, b) => a.sensitivity! - b.sensitivity!);
    expect(measured.length).toBe(stats.length);
    expect(measured.slice(0, 2).map((s) => s.to)).toEqual(['fp16', 'fp16']);
    expect(measured.slice(2).every((s) => s.to === 'uint8')).toBe(true);
    expect(r.reports[0].notes.join(' ')).toMatch(/Mixed precision: each of \d+ weights was quantized alone/);
  });

  it('a variant exported as a zip unpacks to model.json + shards that TF.js loads', async () => {
    const read = readModelFiles(tfjsFiles('mnist-cnn'));
    const bytes = writeOnnx((await applyRecipe(read.model, RECIPES.fp16)).model);
    const zip = unzipSync(tfjsZip(bytes));
    expect(Object.keys(zip).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    await useTfjsNodeBackend('wasm');
    const m = await loadFiles(Object.entries(zip).map(([name, b]) => ({ name, bytes: b })).sort((a) => (a.name === 'model.json' ? -1 : 1)));
    const x = images('mnist-cnn', 1);
    const got = await predict(m, x);
    const orig = await loadFiles(tfjsFiles('mnist-cnn'));
    expect(cosine(got, await predict(orig, x))).toBeGreaterThan(0.999);
    tf.dispose([x]);
    m.dispose();
    orig.dispose();
  });
});
