/**
 * Peak memory of serialising a ~300 MB model, measured in a fresh process so nothing else is on the heap:
 *   node --expose-gc --import tsx bench/write-memory.ts buffer|stream <out-file>
 * buffer: writeOnnx (one output buffer). stream: writeOnnxParts, each part written to <out-file> with
 * fs.writeSync (no copy). Prints one JSON line: sizes and peaks relative to the baseline after building the
 * model. The peak RSS comes from a worker thread sampling the process RSS every millisecond while the main
 * thread is busy, and from getrusage's maxRSS (a high-water mark) when the write set a new one.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { writeOnnx, writeOnnxParts, partsLength } from '../src/core/formats/onnx/write';
import { BIG_MLP_DIMS, generateMlp } from './model';

export interface WriteMemoryResult {
  mode: 'buffer' | 'stream';
  outputBytes: number;
  weightBytes: number;
  ms: number;
  baselineRss: number;
  /** Peak RSS during the write minus the baseline. */
  peakExtraRss: number;
  /** arrayBuffers after the write (result still held) minus the baseline. */
  extraArrayBuffers: number;
  /** How the peak was found: 'maxrss' or 'sampler'. */
  peakSource: string;
  samples: number;
}

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

async function main() {
  const mode = process.argv[2] === 'stream' ? 'stream' : 'buffer';
  const outFile = process.argv[3];
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  if (mode === 'stream' && !outFile) throw new Error('stream mode needs an output file');

  const { proto, weightBytes } = generateMlp(BIG_MLP_DIMS);
  gc();
  gc();
  await new Promise((r) => setTimeout(r, 50));

  // Sampler worker: [0] peak rss, [1] sample count, int32 at byte 16: stop flag.
  const sab = new SharedArrayBuffer(24);
  const shared = new Float64Array(sab, 0, 2);
  const worker = new Worker(SAMPLER, { eval: true, workerData: sab });
  await new Promise((r) => setTimeout(r, 100)); // let the worker start before the baseline
  gc();
  const base = process.memoryUsage();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  shared[0] = base.rss;

  const t0 = performance.now();
  let outputBytes: number;
  let held: unknown;
  if (mode === 'buffer') {
    const out = writeOnnx(proto);
    outputBytes = out.length;
    held = out;
  } else {
    const parts = writeOnnxParts(proto);
    outputBytes = partsLength(parts);
    const fd = openSync(outFile, 'w');
    try {
      for (const p of parts) {
        let off = 0;
        while (off < p.length) off += writeSync(fd, p, off, p.length - off);
      }
    } finally {
      closeSync(fd);
    }
    held = parts;
  }
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  await new Promise((r) => setTimeout(r, 20)); // a last sample
  Atomics.store(new Int32Array(sab, 16, 1), 0, 1);
  await worker.terminate();
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;

  const sampled = Math.max(shared[0], after.rss);
  const newHigh = maxRssAfter > maxRssBefore;
  const peak = newHigh ? Math.max(maxRssAfter, sampled) : sampled;
  const result: WriteMemoryResult = {
    mode,
    outputBytes,
    weightBytes,
    ms,
    baselineRss: base.rss,
    peakExtraRss: peak - base.rss,
    extraArrayBuffers: after.arrayBuffers - base.arrayBuffers,
    peakSource: newHigh && maxRssAfter >= sampled ? 'maxrss' : 'sampler',
    samples: shared[1],
  };
  void held;
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
