/**
 * Bench results shaped as the harness makes them (each batch size the summary of `summarizeSamples` over its
 * measured times, as BatchLatency holds it), for the cost tests: 20 runs with log-normal jitter, as a 1-thread WASM
 * run of a small CNN gives. Test support only: nothing in the app imports it.
 */
import type { AccuracyResult } from '../bench/accuracy';
import { summarizeSamples } from '../bench/stats';
import { seededRandom } from '../random';
import { candidatesFromRuns, type BenchBatchLike, type BenchCellLike, type BenchRunLike } from './bench-candidates';
import { blankDraft, newTarget, type CostDraft } from './draft';
import { evaluateTradeoff } from './tradeoff';

/** `n` latencies (ms) around `median`: log-normal with σ `sigma`, seeded (Box–Muller). */
export function latencies(median: number, n: number, seed: number, sigma = 0.12): number[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    return median * Math.exp(sigma * z);
  });
}

/** One batch size as the harness reports it (BatchLatency: the samples' summary, runs, items/s from the total time). */
export function measured(batch: number, samples: number[]): BenchBatchLike {
  const total = samples.reduce((a, b) => a + b, 0);
  return { batch, ...summarizeSamples(samples), runs: samples.length, itemsPerSecond: (batch * samples.length * 1000) / total };
}

const env = { cores: 8, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36', webgpu: null };

const top1 = (value: number): AccuracyResult => ({
  kind: 'classification',
  labelForm: 'index',
  classes: 10,
  top1: { value, lower: value - 0.005, upper: value + 0.005, level: 0.95, method: 'wilson', correct: Math.round(value * 10_000) },
  top5: null,
  items: 10_000,
  output: 'y',
  nonFiniteOutputs: 0,
  notes: [],
});

function benchCell(targetId: string, targetName: string, batches: BenchBatchLike[], accuracy: number): BenchCellLike {
  return {
    targetId,
    targetName,
    backend: 'wasm',
    threads: 1,
    status: 'done',
    outcome: {
      benchmark: { runtime: { threads: 1 }, latency: { batches }, memory: { modelBytes: 1_740_000 }, after: top1(accuracy) },
      environment: env,
    },
  };
}

/** Two runs: the original at a 2 ms median, the variant at `variantMedian`, 20 runs each. */
export function runs(variantMedian: number): BenchRunLike[] {
  return [
    { id: 'b1', startedAt: 1, cells: [benchCell('original', 'original', [measured(1, latencies(2, 20, 11))], 0.99)] },
    { id: 'b2', startedAt: 2, cells: [benchCell('v1', 'int8 dynamic', [measured(1, latencies(variantMedian, 20, 29))], 0.988)] },
  ];
}

/** Busy enough that instance counts follow the throughput: 60,000 req/s at peak on c7i.xlarge. */
export function busyDraft(): CostDraft {
  return {
    ...blankDraft(),
    averageRps: '20000',
    peakRps: '60000',
    activeHoursPerDay: '24',
    sloP99Ms: '100',
    utilizationPct: '60',
    redundancy: '0',
    floorPoints: '1',
    targets: [{ ...newTarget('t1', 'cloud'), instance: 'aws/c7i.xlarge' }],
  };
}

/** The trade-off of `runs(variantMedian)` on `busyDraft()`: the result, the baseline's point and the variant's. */
export function tradeoffOf(variantMedian: number) {
  const r = evaluateTradeoff(busyDraft(), candidatesFromRuns(runs(variantMedian)), { targetId: null, x: 'cost' });
  if (r.status !== 'ok') throw new Error(`trade-off: ${JSON.stringify(r)}`);
  const [base, variant] = r.points;
  return { r, base, variant };
}

