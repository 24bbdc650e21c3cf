/**
 * Peak resident memory of a piece of work in this process: a worker thread samples RSS every millisecond, and
 * getrusage's maxRSS catches what the sampler misses when the work sets a new high for the process.
 */
import { Worker } from 'node:worker_threads';

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const shared = new Float64Array(workerData);
const stop = new Int32Array(workerData, 16, 1);
let n = 0;
(function tick() {
  const rss = process.memoryUsage.rss();
  if (rss > shared[0]) shared[0] = rss;
  shared[1] = ++n;
  if (Atomics.load(stop, 0) === 0) setTimeout(tick, 1);
})();
`;

export interface PeakRss {
  peak: number;
  source: 'maxrss' | 'sampler';
  samples: number;
}

/** Starts the sampler (and lets it start before any baseline is taken). */
export async function startPeakRss(): Promise<{ from(baselineRss: number): void; stop(lastRss: number): Promise<PeakRss> }> {
  // [0] peak rss, [1] sample count; int32 at byte 16: the stop flag
  const sab = new SharedArrayBuffer(24);
  const shared = new Float64Array(sab, 0, 2);
  const worker = new Worker(SAMPLER, { eval: true, workerData: sab });
  await new Promise((r) => setTimeout(r, 100));
  let maxBefore = 0;
  return {
    /** The measured work starts now, from this RSS. */
    from(baselineRss) {
      maxBefore = process.resourceUsage().maxRSS * 1024;
      shared[0] = baselineRss;
    },
    async stop(lastRss) {
      await new Promise((r) => setTimeout(r, 20)); // a last sample
      Atomics.store(new Int32Array(sab, 16, 1), 0, 1);
      await worker.terminate();
      const maxAfter = process.resourceUsage().maxRSS * 1024;
      const sampled = Math.max(shared[0], lastRss);
      const newHigh = maxAfter > maxBefore;
      return {
        peak: newHigh ? Math.max(maxAfter, sampled) : sampled,
        source: newHigh && maxAfter >= sampled ? 'maxrss' : 'sampler',
        samples: shared[1],
      };
    },
  };
}
