import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ort } from '../../../runtimes/ort-node';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../data/npy';
import { readOnnx } from '../../formats/onnx/read';
import { writeOnnx } from '../../formats/onnx/write';
import { nmShape, prune, type PruneStats } from './index';
import { floatWeights } from './testing';

/**
 * Accuracy after pruning the shipped MNIST samples (public/samples, produced by `npm run samples`): 50% global
 * magnitude pruning must stay within 1 percentage point of the float32 model on the held-out test split.
 * Skipped, with the reason printed, while the sample files are not there.
 */
const SAMPLES = resolve(__dirname, '../../../../public/samples');
const FILES = ['mnist-mlp.onnx', 'mnist-cnn.onnx', 'mnist-test-x.npy', 'mnist-test-y.npy'];
const missing = FILES.filter((f) => !existsSync(join(SAMPLES, f)));
if (missing.length > 0) {
  console.warn(`prune MNIST accuracy test skipped: ${missing.join(', ')} not found in public/samples (run \`npm run samples\`).`);
}

async function accuracy(model: Uint8Array, x: Float32Array, xShape: number[], labels: ArrayLike<number | bigint>): Promise<number> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  const n = xShape[0];
  const per = xShape.slice(1).reduce((p, d) => p * d, 1);
  const batch = 1000;
  let right = 0;
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const input = new ort.Tensor('float32', x.subarray(s * per, (s + b) * per), [b, ...xShape.slice(1)]);
    const out = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
    const probs = out.data as Float32Array;
    const classes = probs.length / b;
    for (let i = 0; i < b; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
      if (best === Number(labels[s + i])) right++;
    }
  }
  await session.release();
  return right / n;
}

describe.skipIf(missing.length > 0)('prune: MNIST samples keep their accuracy at 50% sparsity', () => {
  for (const id of ['mnist-mlp', 'mnist-cnn']) {
    it(`${id}: 50% global magnitude pruning within 1 point of float32`, async () => {
      const x = readNpy(new Uint8Array(readFileSync(join(SAMPLES, 'mnist-test-x.npy'))));
      const y = readNpy(new Uint8Array(readFileSync(join(SAMPLES, 'mnist-test-y.npy'))));
      const bytes = new Uint8Array(readFileSync(join(SAMPLES, `${id}.onnx`)));
      const r = await prune.apply(readOnnx(bytes), prune.validate({ sparsity: 0.5, scope: 'global', compressedSize: 'auto' }));
      const stats = r.report.stats as unknown as PruneStats;
      expect(stats.sparsity.achieved).toBeCloseTo(0.5, 6);
      const base = await accuracy(bytes, x.data as Float32Array, x.shape, y.data as ArrayLike<number | bigint>);
      const pruned = await accuracy(writeOnnx(r.model), x.data as Float32Array, x.shape, y.data as ArrayLike<number | bigint>);
      console.info(
        `${id}: float32 accuracy ${(base * 100).toFixed(2)}%, 50% pruned ${(pruned * 100).toFixed(2)}% ` +
          `(${stats.layers.map((l) => `${l.tensor} ${(l.sparsity * 100).toFixed(1)}%`).join(', ')}); ` +
          `gzip ${stats.size.before.gzipBytes} -> ${stats.size.after.gzipBytes} bytes`,
      );
      expect(pruned).toBeGreaterThanOrEqual(base - 0.01);
    });
  }
});

describe.skipIf(missing.length > 0)('prune: 2:4 on the MNIST CNN sample', () => {
  it('leaves conv1 (1 input channel) dense with a reason, and prunes every other layer 2 of each 4 along its reduction axis', async () => {
    const bytes = new Uint8Array(readFileSync(join(SAMPLES, 'mnist-cnn.onnx')));
    const r = await prune.apply(readOnnx(bytes), prune.validate({ pattern: '2:4' }));
    expect(r.report.skipped).toEqual([
      {
        node: 'conv1',
        opType: 'Conv',
        reason: 'weight "conv1.weight" [16, 1, 3, 3] has 1 along its reduction axis 1, not a multiple of 4: pattern 2:4 cannot group it, so it stays dense',
      },
    ]);
    const stats = r.report.stats as unknown as PruneStats;
    expect(stats.layers.map((l) => l.tensor)).toEqual(['conv2.weight', 'dense1.weight', 'logits.weight']);
    const before = floatWeights(readOnnx(bytes).proto);
    const after = floatWeights(readOnnx(writeOnnx(r.model)).proto);
    expect(after.get('conv1.weight')).toEqual(before.get('conv1.weight'));
    for (const l of stats.layers) {
      const { outer, axisSize, inner } = nmShape(l.shape, l.axis!);
      const w0 = before.get(l.tensor)!;
      const w1 = after.get(l.tensor)!;
      // Counted first, asserted once per layer (an expect per weight would take seconds).
      let groups = 0;
      let fewZeros = 0;
      let changedKept = 0;
      let keptSmaller = 0;
      for (let o = 0; o < outer; o++) {
        for (let g = 0; g < axisSize; g += 4) {
          for (let j = 0; j < inner; j++) {
            const idx = [0, 1, 2, 3].map((k) => (o * axisSize + g + k) * inner + j);
            const zeroed = idx.filter((i) => w1[i] === 0);
            const kept = idx.filter((i) => w1[i] !== 0);
            if (zeroed.length < 2) fewZeros++;
            for (const i of kept) if (w1[i] !== w0[i]) changedKept++;
            for (const z of zeroed) for (const i of kept) if (Math.abs(w0[z]) > Math.abs(w0[i])) keptSmaller++;
            groups++;
          }
        }
      }
      expect({ fewZeros, changedKept, keptSmaller }).toEqual({ fewZeros: 0, changedKept: 0, keptSmaller: 0 });
      expect(groups).toBe(l.params / 4);
      expect(l.sparsity).toBeGreaterThanOrEqual(0.5);
    }
  });
});
