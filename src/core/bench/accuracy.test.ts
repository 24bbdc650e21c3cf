import { describe, expect, it } from 'vitest';
import { isParetoError } from '../errors';
import { detectTask, labelInfo } from './labels';
import { collectOutputs, evaluateAccuracy, type ClassificationResult, type FidelityResult, type RegressionResult } from './accuracy';
import type { Dataset } from './dataset';
import { fidelity } from './fidelity';
import { seededRandom } from '../random';
import type { Feeds, HostTensor, InferenceSession } from './session';
import { meanCI, wilson } from './stats';

/** A session whose output is its input ("scores in, scores out"), optionally transformed; records batch sizes. */
function echo(transform: (x: number) => number = (x) => x, batches: number[] = []): InferenceSession {
  return {
    inputNames: ['x'],
    outputNames: ['y'],
    async run(feeds: Feeds) {
      const x = feeds.x;
      batches.push(x.dims[0]);
      return { y: { dtype: 'float32', dims: [...x.dims], data: Float32Array.from(x.data as Float32Array, transform) } };
    },
    async release() {},
  };
}

function dataset(scores: number[][], labels?: HostTensor): Dataset {
  const width = scores[0].length;
  return {
    inputs: { x: { dtype: 'float32', dims: [scores.length, width], data: Float32Array.from(scores.flat()) } },
    labels,
    count: scores.length,
    source: 'test',
    task: null,
    notes: [],
  };
}

const idx = (xs: number[]): HostTensor => ({ dtype: 'int64', dims: [xs.length], data: BigInt64Array.from(xs.map(BigInt)) });
const f32 = (xs: number[], dims = [xs.length]): HostTensor => ({ dtype: 'float32', dims, data: Float32Array.from(xs) });

describe('classification', () => {
  it('top-1 and top-5 by rank, ties to the lower class index, Wilson intervals', async () => {
    const scores = [
      [0, 1, 2, 3, 4, 5, 6], // label 6: top-1
      [6, 5, 4, 3, 2, 1, 0], // label 4: rank 2 → top-5 only
      [1, 1, 1, 1, 1, 1, 1], // label 0: all tie → rank 0 (numpy argmax) → top-1
      [1, 1, 1, 1, 1, 1, 1], // label 6: six ties before it → rank 6 → neither
      [0, 0, 0, 0, 0, 0, NaN], // label 6: NaN score → wrong
    ];
    const r = (await evaluateAccuracy(echo(), dataset(scores, idx([6, 4, 0, 6, 6])), { batchSize: 2 })) as ClassificationResult;
    expect(r.kind).toBe('classification');
    expect(r.classes).toBe(7);
    expect(r.items).toBe(5);
    expect(r.top1).toEqual({ ...wilson(2, 5), correct: 2 });
    expect(r.top5).toEqual({ ...wilson(3, 5), correct: 3 });
    expect(r.nonFiniteOutputs).toBe(1);
  });

  it('agrees with a plain argmax loop on random scores', async () => {
    const rand = seededRandom(5);
    const n = 500;
    const scores = Array.from({ length: n }, () => Array.from({ length: 10 }, rand));
    const labels = Array.from({ length: n }, () => Math.floor(rand() * 10));
    let top1 = 0;
    let top5 = 0;
    scores.forEach((s, i) => {
      if (s.indexOf(Math.max(...s)) === labels[i]) top1++;
      if ([...s].sort((a, b) => b - a).slice(0, 5).includes(s[labels[i]])) top5++;
    });
    const r = (await evaluateAccuracy(echo(), dataset(scores, idx(labels)), { batchSize: 64 })) as ClassificationResult;
    expect(r.top1.correct).toBe(top1);
    expect(r.top5!.correct).toBe(top5);
  });

  it('one-hot labels; no top-5 with 5 classes or fewer; predicted-label outputs', async () => {
    const oneHot = f32([0, 0, 1, 1, 0, 0], [2, 3]);
    const r = (await evaluateAccuracy(echo(), dataset([[0, 1, 2], [3, 2, 1]], oneHot))) as ClassificationResult;
    expect(r).toMatchObject({ labelForm: 'one-hot', top5: null });
    expect(r.top1.correct).toBe(2);

    const predicted: InferenceSession = {
      inputNames: ['x'],
      outputNames: ['label'],
      async run(feeds) {
        return { label: { dtype: 'int64', dims: [feeds.x.dims[0]], data: BigInt64Array.from(feeds.x.data as Float32Array, (v) => BigInt(Math.round(v))) } };
      },
      async release() {},
    };
    const p = (await evaluateAccuracy(predicted, dataset([[3], [1], [2]], idx([3, 1, 0])))) as ClassificationResult;
    expect(p.kind).toBe('classification');
    expect(p.top1.correct).toBe(2);
    expect(p.top5).toBeNull();
  });

  it('pads the last batch for a fixed batch dimension and scores only real items', async () => {
    const batches: number[] = [];
    const scores = Array.from({ length: 10 }, (_, i) => [i % 2, 1 - (i % 2)]);
    const r = await evaluateAccuracy(echo(undefined, batches), dataset(scores, idx(scores.map((_, i) => 1 - (i % 2)))), {
      model: { inputs: [{ name: 'x', dtype: 'float32', shape: [4, 2] }], outputs: [{ name: 'y', dtype: 'float32', shape: [4, 2] }] },
    });
    expect(batches).toEqual([4, 4, 4]);
    expect(r.items).toBe(10);
    expect((r as ClassificationResult).top1.correct).toBe(10);
    expect(r.notes.join(' ')).toMatch(/zero-padded to 4/);
  });
});

describe('binary and regression', () => {
  it('binary: threshold 0.5 for probabilities, 0 for logits', async () => {
    const labels = idx([1, 0, 1, 0]);
    const probs = await evaluateAccuracy(echo(), dataset([[0.9], [0.2], [0.4], [0.6]], labels));
    expect(probs).toMatchObject({ kind: 'binary', threshold: 0.5, accuracy: { correct: 2 } });
    const logits = await evaluateAccuracy(echo(), dataset([[2], [-1], [0.5], [-3]], labels));
    expect(logits).toMatchObject({ kind: 'binary', threshold: 0, accuracy: { correct: 4 } });
  });

  it('regression: MSE and MAE with t intervals over per-item errors', async () => {
    const outputs = [[1, 2], [3, 4], [5, 6], [7, 9]];
    const targets = [1.5, 2, 3, 3, 5, 7, 6, 9];
    const r = (await evaluateAccuracy(echo(), dataset(outputs, f32(targets, [4, 2])), { batchSize: 3 })) as RegressionResult;
    expect(r.kind).toBe('regression');
    const sq = [0.25 / 2, 1 / 2, 1 / 2, 1 / 2];
    const ab = [0.5 / 2, 1 / 2, 1 / 2, 1 / 2];
    expect(r.mse).toEqual(meanCI(sq));
    expect(r.mae).toEqual(meanCI(ab));
    expect(r.rmse).toBeCloseTo(Math.sqrt(r.mse.value), 12);
    expect(r.mse.method).toBe('t');
  });
});

describe('fidelity (no labels)', () => {
  it('matches fidelity.ts on the same outputs, with intervals', async () => {
    const rand = seededRandom(9);
    const scores = Array.from({ length: 300 }, () => Array.from({ length: 10 }, () => rand() * 4 - 2));
    const ds = dataset(scores);
    const ref = await collectOutputs(echo(), ds, { batchSize: 50 });
    expect(ref).toMatchObject({ output: 'y', items: 300, width: 10 });
    const noisy = (x: number) => x + (rand() - 0.5) * 0.2;
    const session = echo(noisy);
    // replay the same noise for fidelity.ts: run once to capture outputs
    const captured: number[] = [];
    const capturing: InferenceSession = {
      ...session,
      async run(feeds) {
        const out = await session.run(feeds);
        captured.push(...(out.y.data as Float32Array));
        return out;
      },
    };
    const r = (await evaluateAccuracy(capturing, ds, { reference: ref, batchSize: 64 })) as FidelityResult;
    const want = fidelity(ref.data, captured, 300);
    expect(r.kind).toBe('fidelity');
    expect(r.relativeL2).toBeCloseTo(want.relativeL2, 9);
    expect(r.cosine.value).toBeCloseTo(want.cosine, 9);
    expect(r.snrDb.value).toBeCloseTo(want.snrDb, 6);
    expect(r.top1Agreement!.value).toBeCloseTo(want.top1Agreement, 12);
    expect(r.maxAbsError).toBeCloseTo(want.maxAbsError, 6);
    expect(r.snrDb.lower).toBeLessThan(r.snrDb.value);
    expect(r.snrDb.upper).toBeGreaterThan(r.snrDb.value);
    expect(r.snrDb.method).toBe('bootstrap');
    expect(r.cosine.method).toBe('t');
  });

  it('one value per item ([N, 1]): the column\'s cosine, as fidelity.ts computes it, with a bootstrap interval', async () => {
    const rand = seededRandom(10);
    const probs = Array.from({ length: 200 }, () => [rand()]);
    const ds = dataset(probs);
    const ref = await collectOutputs(echo(), ds, { batchSize: 50 });
    const captured: number[] = [];
    const session = echo((x) => Math.min(1, Math.max(0, x + (rand() - 0.5) * 0.6)));
    const capturing: InferenceSession = {
      ...session,
      async run(feeds) {
        const out = await session.run(feeds);
        captured.push(...(out.y.data as Float32Array));
        return out;
      },
    };
    const r = (await evaluateAccuracy(capturing, ds, { reference: ref, batchSize: 64 })) as FidelityResult;
    const want = fidelity(ref.data, captured, 200);
    expect(r.cosine.value).toBeCloseTo(want.cosine, 9);
    expect(r.cosine.value).toBeLessThan(0.99); // the mean of one-value rows would be 1
    expect(r.cosine.method).toBe('bootstrap');
    expect(r.cosine.lower).toBeLessThan(r.cosine.value);
    expect(r.top1Agreement).toBeNull();
  });

  it('identical outputs: perfect agreement, infinite SNR', async () => {
    const ds = dataset([[1, 2], [3, 1]]);
    const r = (await evaluateAccuracy(echo(), ds, { reference: await collectOutputs(echo(), ds) })) as FidelityResult;
    expect(r.top1Agreement!.value).toBe(1);
    expect(r.snrDb.value).toBe(Infinity);
    expect(r.relativeL2).toBe(0);
  });
});

describe('errors', () => {
  it('needs labels or a reference; a known output; a batch-first output', async () => {
    await expect(evaluateAccuracy(echo(), dataset([[1, 2]]))).rejects.toThrow(/no labels/);
    await expect(evaluateAccuracy(echo(), dataset([[1, 2]], idx([0])), { outputName: 'z' })).rejects.toThrow(/no output "z"; its outputs are "y"/);
    const scalar: InferenceSession = { ...echo(), run: async () => ({ y: { dtype: 'float32', dims: [3], data: new Float32Array(3) } }) };
    await expect(evaluateAccuracy(scalar, dataset([[1, 2]], idx([0])))).rejects.toThrow(/first dimension is not the batch/);
    await expect(evaluateAccuracy(echo(), dataset([[1, 2]], idx([5])))).rejects.toThrow(/A label is 5, outside the model's 2 classes/);
  });

  it('can be cancelled', async () => {
    const c = new AbortController();
    c.abort();
    const err = await evaluateAccuracy(echo(), dataset([[1, 2]], idx([0])), {}, { signal: c.signal }).catch((e) => e);
    expect(isParetoError(err) && err.code === 'aborted').toBe(true);
  });
});

describe('detectTask', () => {
  const info = (xs: number[], dims = [xs.length], dtype = 'int64') =>
    labelInfo(dtype === 'int64' ? { dtype, dims, data: BigInt64Array.from(xs.map(BigInt)) } : { dtype, dims, data: Float32Array.from(xs) });

  it('detects and validates', () => {
    expect(detectTask(info([0, 3, 9]), 10).task).toBe('classification');
    expect(detectTask(info([0, 1, 1]), 1).task).toBe('binary');
    expect(detectTask(info([0, 1, 1], [3], 'float32'), 1).task).toBe('regression');
    expect(detectTask(info([0.5, 1.5], [2], 'float32'), 1).task).toBe('regression');
    expect(detectTask(info([2, 7]), 1, 'int64').task).toBe('classification');
    expect(detectTask(info([0, 1, 1]), 1, 'float32', 'regression').task).toBe('regression');
    expect(() => detectTask(info([0.5, 1.5], [2], 'float32'), 10, 'float32', 'classification')).toThrow(/not whole numbers/);
    expect(() => detectTask(info([0, 2]), 1, 'float32', 'binary')).toThrow(/all 0 or 1/);
    expect(() => detectTask(info([1, 2, 3, 4], [2, 2], 'float32'), 3)).toThrow(/2 value\(s\) per item and the model's output 3/);
  });
});
