/**
 * The accuracy the studio reports (dataset-files.ts + accuracy.ts over the runtime-neutral session, batches of 64)
 * equals an independent evaluation (onnxruntime-node's own API, batches of 250, a plain argmax/sort loop) within
 * 0.1 points, for the sample models and their int8 (dynamic, static) and 50%-pruned variants made by applyRecipe.
 * Skipped while the samples are absent (npm run samples writes them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ort, ortNode } from '../../runtimes/ort-node';
import { readNpy } from '../data/npy';
import { openModelFiles } from '../model/open';
import { applyRecipe } from '../transforms/apply-recipe';
import type { CalibrationRunner } from '../transforms/quantize/calibrate';
import type { Recipe } from '../transforms/recipe';
import { collectOutputs, evaluateAccuracy, type ClassificationResult, type FidelityResult, type ReferenceOutputs } from './accuracy';
import { datasetFromNpy } from './dataset-files';
import type { HostTensor } from './session';

ort.env.logLevel = 'error';

const DIR = resolve(__dirname, '../../../public/samples');
const FILES = ['mnist-mlp.onnx', 'mnist-cnn.onnx', 'mnist-test-x.npy', 'mnist-test-y.npy'];
const missing = FILES.filter((f) => !existsSync(join(DIR, f)));
const MAX_DIFF_POINTS = 0.1;
const CALIBRATION_ITEMS = 256;

/** calibrate()'s runner on the onnxruntime-node adapter. */
const calibrationRunner: CalibrationRunner = async (bytes, outputNames) => {
  const s = await ortNode.createSession(bytes);
  return {
    async run(feeds) {
      const host: Record<string, HostTensor> = {};
      for (const [k, v] of Object.entries(feeds)) host[k] = { dtype: v.type, dims: [...v.dims], data: v.data as HostTensor['data'] };
      const out = await s.run(host, outputNames);
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as ArrayLike<number>]));
    },
    release: () => s.release(),
  };
};

/** The reference: onnxruntime-node directly, no code shared with the harness. */
async function independentAccuracy(model: Uint8Array, x: Float32Array, dims: number[], labels: number[]): Promise<{ top1: number; top5: number; predictions: number[] }> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const per = dims.slice(1).reduce((a, b) => a * b, 1);
  let top1 = 0;
  let top5 = 0;
  const predictions: number[] = [];
  try {
    for (let start = 0; start < labels.length; start += 250) {
      const b = Math.min(250, labels.length - start);
      const input = new ort.Tensor('float32', x.slice(start * per, (start + b) * per), [b, ...dims.slice(1)]);
      const out = (await s.run({ [s.inputNames[0]]: input }))[s.outputNames[0]].data as Float32Array;
      const k = out.length / b;
      for (let i = 0; i < b; i++) {
        const row = Array.from(out.subarray(i * k, (i + 1) * k));
        const order = row.map((v, c) => [v, c] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]).map(([, c]) => c);
        const label = labels[start + i];
        predictions.push(order[0]);
        if (order[0] === label) top1++;
        if (order.slice(0, 5).includes(label)) top5++;
      }
    }
  } finally {
    await s.release();
  }
  return { top1: top1 / labels.length, top5: top5 / labels.length, predictions };
}

const RECIPES: Record<string, Recipe | null> = {
  float32: null,
  'int8 dynamic': { steps: [{ transform: 'quantize', options: { mode: 'dynamic' } }] },
  'int8 static': { steps: [{ transform: 'quantize', options: { mode: 'static', calibrationMethod: 'minmax' } }] },
  'pruned 50%': { steps: [{ transform: 'prune', options: { sparsity: 0.5, scope: 'global', pattern: 'unstructured', compressedSize: 'off' } }] },
};

describe.skipIf(missing.length > 0)(missing.length ? `sample accuracy (skipped: ${missing.join(', ')} missing)` : 'sample accuracy equals an independent evaluation', () => {
  const xBytes = () => readFileSync(join(DIR, 'mnist-test-x.npy'));
  const yBytes = () => readFileSync(join(DIR, 'mnist-test-y.npy'));

  it.each(['mnist-mlp', 'mnist-cnn'])('%s: float32, int8 dynamic, int8 static, pruned (sparsity 0.5)', async (name) => {
    const bytes = readFileSync(join(DIR, `${name}.onnx`));
    const opened = openModelFiles([{ name: `${name}.onnx`, bytes }]);
    const ds = datasetFromNpy(opened.summary, { bytes: xBytes(), fileName: 'mnist-test-x.npy' }, { bytes: yBytes(), fileName: 'mnist-test-y.npy' });
    const xs = readNpy(xBytes());
    const x = xs.data as Float32Array;
    const labels = Array.from(readNpy(yBytes()).data as BigInt64Array, Number);
    const per = xs.shape.slice(1).reduce((a, b) => a * b, 1);
    const inputName = opened.summary.inputs[0].name;
    const calibrationBatches = () =>
      [0, 1, 2, 3].map((k) => {
        const b = CALIBRATION_ITEMS / 4;
        return { [inputName]: { data: x.subarray(k * b * per, (k + 1) * b * per), dims: [b, ...xs.shape.slice(1)] } };
      });

    const lines: string[] = [];
    let original: { reference: ReferenceOutputs; predictions: number[] } | undefined;
    for (const [variant, recipe] of Object.entries(RECIPES)) {
      let model: Uint8Array = bytes;
      if (recipe) {
        const r = await applyRecipe(opened.model, recipe, {}, { calibrationRunner, calibrationBatches });
        model = new Uint8Array(r.bytes);
        let off = 0;
        for (const p of r.parts) {
          model.set(p, off);
          off += p.length;
        }
      }
      const session = await ortNode.createSession(model);
      let studio: ClassificationResult;
      let agreement: FidelityResult | undefined;
      const ref = await independentAccuracy(model, x, xs.shape, labels);
      try {
        studio = (await evaluateAccuracy(session, ds, { model: opened.summary, batchSize: 64 })) as ClassificationResult;
        if (!original) original = { reference: await collectOutputs(session, ds, { model: opened.summary }), predictions: ref.predictions };
        else agreement = (await evaluateAccuracy(session, ds, { model: opened.summary, reference: original.reference })) as FidelityResult;
      } finally {
        await session.release();
      }
      if (agreement) {
        // fidelity without labels: top-1 agreement with the float32 model, against the independent predictions
        const same = ref.predictions.filter((p, i) => p === original!.predictions[i]).length / labels.length;
        expect(Math.abs(agreement.top1Agreement!.value - same) * 100).toBeLessThanOrEqual(MAX_DIFF_POINTS);
        expect(agreement.cosine.value).toBeGreaterThan(0.98);
      }
      expect(studio.kind).toBe('classification');
      expect(studio.items).toBe(2000);
      expect(Math.abs(studio.top1.value - ref.top1) * 100).toBeLessThanOrEqual(MAX_DIFF_POINTS);
      expect(Math.abs(studio.top5!.value - ref.top5) * 100).toBeLessThanOrEqual(MAX_DIFF_POINTS);
      expect(studio.top1.lower).toBeLessThanOrEqual(studio.top1.value);
      expect(studio.top1.upper).toBeGreaterThanOrEqual(studio.top1.value);
      // the float32 models must be the trained ones (manifest: 98.45% and 99.10%)
      if (variant === 'float32') expect(studio.top1.value).toBeGreaterThan(0.97);
      lines.push(
        `${name} ${variant.padEnd(12)} studio top-1 ${(studio.top1.value * 100).toFixed(2)}% [${(studio.top1.lower * 100).toFixed(2)}, ${(studio.top1.upper * 100).toFixed(2)}] ` +
          `top-5 ${(studio.top5!.value * 100).toFixed(2)}% | independent ${(ref.top1 * 100).toFixed(2)}% / ${(ref.top5 * 100).toFixed(2)}%` +
          (agreement ? ` | vs float32: agreement ${(agreement.top1Agreement!.value * 100).toFixed(2)}%, cosine ${agreement.cosine.value.toFixed(5)}, SNR ${agreement.snrDb.value.toFixed(1)} dB` : ''),
      );
    }
    console.log(lines.join('\n'));
  });
});
