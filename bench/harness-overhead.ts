/**
 * The latency harness's overhead (src/core/bench/harness.ts, measureLatency) against a bare loop of
 * `await session.run(feeds)` timed with performance.now(), on the same onnxruntime-node session (1 thread) with the
 * same feeds policy (a fresh copy of the inputs per run, made before the timer starts).
 *
 * Two workloads: the MNIST MLP at batch 1 (~0.03-0.1 ms a run: the worst case for relative overhead) and the MNIST CNN at the batch size whose run is
 * closest to 1 ms. After a common warm-up, BLOCKS blocks alternate harness and bare loop (ABBA order, to cancel
 * drift: CPU frequency, other processes), each RUNS_PER_BLOCK runs (the harness in fixed-count mode, no warm-up).
 * Reported:
 * - p50 of all harness runs vs p50 of all bare runs, and the overhead in % (the quality bar: ≤ 2%);
 * - the median over blocks of the per-block ratio of medians, with its distribution-free 95% CI (order statistics):
 *   how sure the figure is, given the noise of a shared machine;
 * - wall time per run including the work between runs (feeds, progress, yields, stopping checks), harness vs bare:
 *   the median over blocks of the per-block ratio, with its CI.
 * Negative overheads are noise and are printed as measured.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { feedsFromTensors, measureLatency, type MakeFeeds } from '../src/core/bench/harness';
import type { InferenceSession } from '../src/core/bench/session';
import { medianCI, percentile, sorted } from '../src/core/bench/stats';
import { readNpy } from '../src/core/data/npy';
import { ortNode } from '../src/runtimes/ort-node';
import { row, type BenchCase, type BenchContext, type BenchRow } from './registry';

const BLOCKS = 20;
const TARGET_BLOCK_MS = 150;

interface Workload {
  label: string;
  session: InferenceSession;
  makeFeeds: MakeFeeds;
  batch: number;
}

async function bareLoop(session: InferenceSession, makeFeeds: MakeFeeds, batch: number, runs: number): Promise<number[]> {
  const times = new Array<number>(runs);
  for (let i = 0; i < runs; i++) {
    const feeds = makeFeeds(batch, i);
    const t0 = performance.now();
    await session.run(feeds);
    times[i] = performance.now() - t0;
  }
  return times;
}

async function harnessLoop(session: InferenceSession, makeFeeds: MakeFeeds, batch: number, runs: number): Promise<number[]> {
  const r = await measureLatency(session, makeFeeds, { runs, warmupRuns: 0, batchSizes: [batch] });
  return r.batches[0].samplesMs;
}

const p50 = (xs: readonly number[]) => percentile(xs, 0.5);
const pct = (ratio: number) => (ratio - 1) * 100;

async function measure(ctx: BenchContext, w: Workload): Promise<BenchRow[]> {
  // Common warm-up, then the block size from the run time.
  const warm = await bareLoop(w.session, w.makeFeeds, w.batch, 300);
  const runMs = p50(warm.slice(100));
  const runs = Math.max(50, Math.min(2000, Math.round(TARGET_BLOCK_MS / runMs)));
  ctx.log(`harness-overhead: ${w.label}: ~${runMs.toFixed(3)} ms a run, ${BLOCKS} blocks × ${runs} runs each way`);
  const harness: number[] = [];
  const bare: number[] = [];
  const ratios: number[] = [];
  const wallRatios: number[] = [];
  let wallHarness = 0;
  let wallBare = 0;
  for (let b = 0; b < BLOCKS; b++) {
    const order = b % 4 === 0 || b % 4 === 3 ? ['h', 'b'] : ['b', 'h'];
    let h: number[] = [];
    let r: number[] = [];
    let wh = 0;
    let wb = 0;
    for (const which of order) {
      const t0 = performance.now();
      if (which === 'h') {
        h = await harnessLoop(w.session, w.makeFeeds, w.batch, runs);
        wh = performance.now() - t0;
      } else {
        r = await bareLoop(w.session, w.makeFeeds, w.batch, runs);
        wb = performance.now() - t0;
      }
    }
    wallHarness += wh;
    wallBare += wb;
    harness.push(...h);
    bare.push(...r);
    ratios.push(p50(h) / p50(r));
    wallRatios.push(wh / wb);
  }
  const pBare = p50(bare);
  const pHarness = p50(harness);
  const ci = medianCI(sorted(ratios));
  const ratioText = ci ? `block ratios: median ${pct(ci.value).toFixed(2)}%, 95% CI [${pct(ci.lower).toFixed(2)}, ${pct(ci.upper).toFixed(2)}]%` : '';
  const wallCi = medianCI(sorted(wallRatios));
  const n = BLOCKS * runs;
  return [
    row(`harness overhead at p50, ${w.label}`, pct(pHarness / pBare), '%', `p50 ${pHarness.toFixed(4)} ms (harness) vs ${pBare.toFixed(4)} ms (bare loop), ${n} runs each, ${BLOCKS} interleaved blocks; ${ratioText}; bar: ≤ 2%`),
    row(
      `harness wall time per run, ${w.label}`,
      wallCi ? pct(wallCi.value) : null,
      '%',
      `median of per-block wall-time ratios${wallCi ? `, 95% CI [${pct(wallCi.lower).toFixed(1)}, ${pct(wallCi.upper).toFixed(1)}]%` : ''}; ` +
        `means ${(wallHarness / n).toFixed(4)} vs ${(wallBare / n).toFixed(4)} ms a run, incl. making feeds and the harness's work between runs (outside the timings)`,
    ),
  ];
}

export const harnessOverhead: BenchCase = {
  id: 'harness-overhead',
  title: 'latency harness overhead',
  async run(ctx) {
    const samples = join(ctx.root, 'public/samples');
    const x = readNpy(readFileSync(join(samples, 'mnist-test-x.npy')));
    const makeFeeds = feedsFromTensors({ input: { dtype: 'float32', dims: x.shape, data: x.data as Float32Array } });
    const mlp = await ortNode.createSession(readFileSync(join(samples, 'mnist-mlp.onnx')), { threads: 1 });
    const cnn = await ortNode.createSession(readFileSync(join(samples, 'mnist-cnn.onnx')), { threads: 1 });
    try {
      // The CNN batch whose run is closest to 1 ms.
      let best = { batch: 8, err: Infinity };
      for (const batch of [1, 4, 8, 16, 24, 32, 48, 64]) {
        const t = p50((await bareLoop(cnn, makeFeeds, batch, 60)).slice(20));
        const err = Math.abs(Math.log(t / 1));
        if (err < best.err) best = { batch, err };
      }
      const rows: BenchRow[] = [];
      rows.push(...(await measure(ctx, { label: 'MNIST MLP batch 1 (fastest)', session: mlp, makeFeeds, batch: 1 })));
      rows.push(...(await measure(ctx, { label: `MNIST CNN batch ${best.batch} (~1 ms)`, session: cnn, makeFeeds, batch: best.batch })));
      return rows;
    } finally {
      await mlp.release();
      await cnn.release();
    }
  },
};
