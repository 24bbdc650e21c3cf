import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isParetoError } from '../errors';
import { openModelFiles } from '../model/open';
import { benchmarkModel, feedsFromTensors, measureLatency, resolveBatchSizes, syntheticFeedsMaker, type MakeFeeds } from './harness';
import { seededRandom } from '../random';
import type { Feeds, HostTensor, InferenceRuntime, InferenceSession } from './session';
import { medianCI, sorted } from './stats';

/**
 * A fake clock: performance.now() returns it (and ticks 1 ns per call, so the timer has a resolution); a fake
 * session advances it by a chosen duration per run. Every latency figure is then exact and deterministic.
 */
let clock = 0;
beforeEach(() => {
  clock = 1000;
  vi.spyOn(performance, 'now').mockImplementation(() => (clock += 1e-6));
});
afterEach(() => vi.restoreAllMocks());

function fakeSession(duration: (batch: number, run: number) => number, log: Feeds[] = []): InferenceSession & { runs: number; released: boolean } {
  const s = {
    inputNames: ['x'],
    outputNames: ['y'],
    runs: 0,
    released: false,
    async run(feeds: Feeds) {
      log.push(feeds);
      clock += duration(feeds.x.dims[0], s.runs++);
      return { y: { dtype: 'float32', dims: [feeds.x.dims[0], 1], data: new Float32Array(feeds.x.dims[0]) } };
    },
    async release() {
      s.released = true;
    },
  };
  return s;
}

const makeFeeds: MakeFeeds = (batch) => ({ x: { dtype: 'float32', dims: [batch, 4], data: new Float32Array(batch * 4) } });

describe('measureLatency', () => {
  it('fixed count: warm-up excluded, exactly N runs, feeds made outside the timed region', async () => {
    const log: Feeds[] = [];
    const session = fakeSession((b, i) => 2 + (i % 3) * 0.5, log);
    let made = 0;
    const slowFeeds: MakeFeeds = (batch, run) => {
      made++;
      clock += 100; // expensive feeds must not count
      return makeFeeds(batch, run);
    };
    const r = await measureLatency(session, slowFeeds, { runs: 12, warmupRuns: 3, batchSizes: [1] });
    const b = r.batches[0];
    expect(b.runs).toBe(12);
    expect(b.warmupRuns).toBe(3);
    expect(b.stoppedBy).toBe('run-count');
    expect(made).toBe(15);
    expect(session.runs).toBe(15);
    // runs 3..14 took 2 + (i % 3) * 0.5 ms (+ a few ns of the fake clock)
    const want = Array.from({ length: 12 }, (_, k) => 2 + ((k + 3) % 3) * 0.5);
    b.samplesMs.forEach((t, k) => expect(t).toBeCloseTo(want[k], 4));
    expect(b.p50).toBeCloseTo(2.5, 4);
    expect(b.mean).toBeCloseTo(2.5, 4);
    expect(b.itemsPerSecond).toBeCloseTo(1000 / 2.5, 1);
    // every run got its own feeds object and buffer
    expect(new Set(log.map((f) => f.x.data)).size).toBe(15);
    expect(r.method).toMatchObject({ mode: 'fixed', percentiles: 'linear-interpolation', medianCI: 'order-statistics-binomial', targetRelativeHalfWidth: null });
  });

  it('adaptive: stops once the median CI is within ±2%, later for noisier runs', async () => {
    const rand = seededRandom(1);
    const quiet = await measureLatency(fakeSession(() => 1 + rand() * 0.05), makeFeeds, { warmupRuns: 2 });
    const qb = quiet.batches[0];
    expect(qb.stoppedBy).toBe('precision');
    expect(qb.runs).toBeGreaterThanOrEqual(100); // minRuns default
    expect(qb.relativeHalfWidth).toBeLessThanOrEqual(0.02);

    const noisy = await measureLatency(fakeSession(() => 1 + rand() * 2), makeFeeds, { warmupRuns: 2 });
    const nb = noisy.batches[0];
    expect(nb.stoppedBy).toBe('precision');
    expect(nb.runs).toBeGreaterThan(qb.runs * 2);
    // the reported CI is the order-statistics CI of the samples
    const ci = medianCI(sorted(nb.samplesMs))!;
    expect(nb.medianCI).toMatchObject({ lower: ci.lower, upper: ci.upper, level: 0.95 });
    expect(Math.max(nb.p50 - ci.lower, ci.upper - nb.p50) / nb.p50).toBeLessThanOrEqual(0.02);
    expect(noisy.method).toMatchObject({ mode: 'adaptive', targetRelativeHalfWidth: 0.02, confidence: 0.95 });
  });

  it('adaptive: the time budget and maxRuns cut it short, with a note', async () => {
    const rand = seededRandom(2);
    // very noisy 50..150 ms runs: a 3 s budget (warm-up included) allows at most ~60, far from ±2%
    const r = await measureLatency(fakeSession(() => 50 + rand() * 100), makeFeeds, { warmupRuns: 5, timeBudgetMs: 3000 });
    const b = r.batches[0];
    expect(b.stoppedBy).toBe('time-budget');
    expect(b.runs + b.warmupRuns).toBeLessThanOrEqual(3000 / 50 + 1);
    expect(b.wallMs).toBeGreaterThanOrEqual(3000);
    expect(r.notes.join(' ')).toMatch(/time budget ran out/);

    const m = await measureLatency(fakeSession(() => 1 + rand()), makeFeeds, { warmupRuns: 0, maxRuns: 40, minRuns: 10 });
    expect(m.batches[0]).toMatchObject({ stoppedBy: 'max-runs', runs: 40 });
  });

  it('warm-up stops at half the budget; at least one run of each kind', async () => {
    const r = await measureLatency(fakeSession(() => 400), makeFeeds, { warmupRuns: 10, timeBudgetMs: 1000 });
    const b = r.batches[0];
    expect(b.warmupRuns).toBe(2); // 800 ms > 500 ms
    expect(b.runs).toBe(1);
    expect(b.medianCI).toBeNull();
    expect(r.notes.join(' ')).toMatch(/2 of 10 warm-up runs/);
    expect(r.notes.join(' ')).toMatch(/too few for a confidence interval/);
  });

  it('measures each batch size with feeds of that size; throughput in items/s', async () => {
    const log: Feeds[] = [];
    const r = await measureLatency(fakeSession((batch) => 1 + batch * 0.25, log), makeFeeds, { runs: 5, warmupRuns: 1, batchSizes: [1, 8, 32] });
    expect(r.batches.map((b) => b.batch)).toEqual([1, 8, 32]);
    expect(log.map((f) => f.x.dims[0])).toEqual([...Array(6).fill(1), ...Array(6).fill(8), ...Array(6).fill(32)]);
    expect(r.batches[2].p50).toBeCloseTo(9, 4);
    expect(r.batches[2].itemsPerSecond).toBeCloseTo((32 * 1000) / 9, 0);
  });

  it('reports progress up to 1 and can be cancelled', async () => {
    const fractions: number[] = [];
    await measureLatency(fakeSession(() => 20), makeFeeds, { runs: 30, warmupRuns: 2, batchSizes: [1, 2] }, { onProgress: (p) => fractions.push(p.fraction) });
    expect(fractions.length).toBeGreaterThan(3);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] - 1e-12);
    expect(fractions[fractions.length - 1]).toBe(1);

    const controller = new AbortController();
    const session = fakeSession((_, i) => {
      if (i === 20) controller.abort();
      return 20;
    });
    const err = await measureLatency(session, makeFeeds, { runs: 1000 }, { signal: controller.signal }).catch((e) => e);
    expect(isParetoError(err) && err.code === 'aborted').toBe(true);
    expect(session.runs).toBeLessThan(30);
  });

  it('yields through a MessageChannel where there is no setImmediate (browsers, workers)', async () => {
    vi.stubGlobal('setImmediate', undefined);
    try {
      const fractions: number[] = [];
      const r = await measureLatency(fakeSession(() => 10), makeFeeds, { runs: 50, warmupRuns: 1 }, { onProgress: (p) => fractions.push(p.fraction) });
      expect(r.batches[0].runs).toBe(50);
      expect(fractions.length).toBeGreaterThan(5); // every 50 ms of (fake) time
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('rejects bad options before running', async () => {
    const s = fakeSession(() => 1);
    for (const bad of [{ runs: 0 }, { runs: 1.5 }, { warmupRuns: -1 }, { batchSizes: [] }, { batchSizes: [0] }, { timeBudgetMs: 0 }, { targetRelativeHalfWidth: 2 }]) {
      await expect(measureLatency(s, makeFeeds, bad)).rejects.toMatchObject({ code: 'bad-input' });
    }
    expect(s.runs).toBe(0);
  });
});

describe('feeds', () => {
  const t: HostTensor = { dtype: 'float32', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };

  it('feedsFromTensors repeats items to fill a batch and copies every time', () => {
    const make = feedsFromTensors({ x: t });
    const a = make(5, 0);
    expect(a.x.dims).toEqual([5, 2]);
    expect(Array.from(a.x.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4]);
    const b = make(5, 1);
    expect(b.x.data).not.toBe(a.x.data);
    (a.x.data as Float32Array)[0] = 99;
    expect((make(5, 2).x.data as Float32Array)[0]).toBe(1);
    expect(make(2, 0).x.dims).toEqual([2, 2]);
  });

  it('syntheticFeedsMaker is deterministic and fresh', () => {
    const make = syntheticFeedsMaker([{ name: 'x', dtype: 'float32', shape: ['batch', 3] }]);
    const a = make(4, 0);
    const b = make(4, 1);
    expect(a.x.dims).toEqual([4, 3]);
    expect(Array.from(a.x.data as Float32Array)).toEqual(Array.from(b.x.data as Float32Array));
    expect(a.x.data).not.toBe(b.x.data);
  });

  it('resolveBatchSizes: dynamic batch takes any size; a fixed one only itself', () => {
    expect(resolveBatchSizes([{ name: 'x', dtype: 'float32', shape: ['N', 3] }], [1, 8, 32, 8])).toEqual({ sizes: [1, 8, 32], fixed: null });
    expect(resolveBatchSizes([{ name: 'x', dtype: 'float32', shape: [null, 3] }])).toEqual({ sizes: [1], fixed: null });
    expect(resolveBatchSizes([{ name: 'x', dtype: 'float32', shape: [4, 3] }])).toEqual({ sizes: [4], fixed: 4 });
    expect(() => resolveBatchSizes([{ name: 'x', dtype: 'float32', shape: [1, 3] }], [1, 8])).toThrow(/fixed at 1.*cannot run batch 8/);
    expect(() => resolveBatchSizes([{ name: 'x', dtype: 'float32', shape: ['N', 3] }], [0])).toThrow(/whole numbers/);
  });

  it('resolveBatchSizes finds the batch axis by its symbol, not its position: recurrent state [2, batch, 128] is no fixed batch 2', () => {
    // silero_vad_half's inputs (no scalar sr): input [batch, sequence], state [2, batch, 128]
    const vad = [
      { name: 'input', dtype: 'float32', shape: ['batch', 'sequence'] },
      { name: 'state', dtype: 'float32', shape: [2, 'batch', 128] },
    ];
    expect(resolveBatchSizes(vad, [1, 4])).toEqual({ sizes: [1, 4], fixed: null });
    // state first, as the input spec's signatures name it (an unnamed batch dim becomes "batch")
    expect(resolveBatchSizes([vad[1], { name: 'input', dtype: 'float32', shape: ['batch', 512] }], [8])).toEqual({ sizes: [8], fixed: null });
    // an unnamed open dim between two fixed ones is recurrent state's batch too
    expect(resolveBatchSizes([{ name: 'h', dtype: 'float32', shape: [2, null, 64] }], [2])).toEqual({ sizes: [2], fixed: null });
    // a fixed batch with symbolic spatial dims stays fixed
    expect(resolveBatchSizes([{ name: 'x', dtype: 'float32', shape: [1, 3, 'H', 'W'] }])).toEqual({ sizes: [1], fixed: 1 });
    // without a batch symbol anywhere, axis 0 is the batch as before
    expect(() => resolveBatchSizes([{ name: 'state', dtype: 'float32', shape: [2, 1, 128] }], [4])).toThrow(/fixed at 2/);
  });
});

describe('benchmarkModel', () => {
  it('times session creation and the first run separately, reads memory, releases the session', async () => {
    let session: ReturnType<typeof fakeSession> | undefined;
    let rss = 100e6;
    const runtime: InferenceRuntime = {
      info: () => ({ id: 'fake', version: '1', backend: 'cpu', threads: 1 }),
      async createSession(model, options) {
        expect(options).toEqual({ threads: 2 });
        clock += 50;
        rss += 30e6;
        session = fakeSession((_, i) => (i === 0 ? 7 : 1));
        return session;
      },
    };
    const r = await benchmarkModel(runtime, new Uint8Array(1234), {
      inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }],
      runs: 10,
      warmupRuns: 1,
      threads: 2,
      memory: () => ({ rssBytes: rss, jsHeapBytes: 5e6 }),
      after: async (s) => (await s.run(makeFeeds(1, 0))).y.dims,
    });
    expect(r.coldStart.createSessionMs).toBeCloseTo(50, 3);
    expect(r.coldStart.firstRunMs).toBeCloseTo(7, 3);
    expect(r.latency.batches[0].runs).toBe(10);
    expect(r.latency.batches[0].p50).toBeCloseTo(1, 3);
    expect(r.memory).toEqual({ modelBytes: 1234, sessionBytes: 30e6, sessionBytesMethod: 'rss-delta', jsHeapBytes: 5e6, rssBytes: 130e6 });
    expect(r.after).toEqual([1, 1]);
    expect(r.runtime.id).toBe('fake');
    expect(session!.released).toBe(true);
  });

  it('releases the session when measuring fails', async () => {
    let session: ReturnType<typeof fakeSession> | undefined;
    const runtime: InferenceRuntime = {
      info: () => ({ id: 'fake', version: '1', backend: 'cpu' }),
      async createSession() {
        session = fakeSession((_, i) => {
          if (i === 3) throw new Error('boom');
          return 1;
        });
        return session;
      },
    };
    await expect(benchmarkModel(runtime, new Uint8Array(1), { inputs: [{ name: 'x', dtype: 'float32', shape: ['b', 4] }], runs: 10 })).rejects.toThrow('boom');
    expect(session!.released).toBe(true);
  });
});

describe('with onnxruntime-node (real clock)', () => {
  it('measures the MNIST MLP at batch 1 and 8', async () => {
    vi.restoreAllMocks();
    const { ortNode } = await import('../../runtimes/ort-node');
    const bytes = readFileSync(resolve(__dirname, '../../../public/samples/mnist-mlp.onnx'));
    const { summary } = openModelFiles([{ name: 'mnist-mlp.onnx', bytes }]);
    const r = await benchmarkModel(ortNode, bytes, { inputs: summary.inputs, batchSizes: [1, 8], runs: 50, warmupRuns: 5 });
    for (const b of r.latency.batches) {
      expect(b.runs).toBe(50);
      expect(b.p50).toBeGreaterThan(0);
      expect(b.min).toBeLessThanOrEqual(b.p50);
      expect(b.p50).toBeLessThanOrEqual(b.p90);
      expect(b.p90).toBeLessThanOrEqual(b.p99);
      expect(b.p99).toBeLessThanOrEqual(b.max);
      expect(b.std).toBeGreaterThanOrEqual(0);
      expect(b.medianCI!.lower).toBeLessThanOrEqual(b.p50);
    }
    expect(r.coldStart.createSessionMs).toBeGreaterThan(0);
    expect(r.runtime.id).toBe('onnxruntime-node');
  });
});
