/**
 * Peak memory of serialising a ~300 MB model, measured in a fresh process so nothing else is on the heap:
 *   node --expose-gc --import tsx bench/write-memory.ts buffer|stream <out-file>
 * buffer: writeOnnx (one output buffer). stream: writeOnnxParts, each part written to <out-file> with
 * fs.writeSync (no copy). Prints one JSON line: sizes and peaks relative to the baseline after building the
 * model. The peak RSS comes from a worker thread sampling the process RSS every millisecond while the main
 * thread is busy, and from getrusage's maxRSS (a high-water mark) when the write set a new one.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { startPeakRss } from './peak-rss';
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

  const sampler = await startPeakRss();
  gc();
  const base = process.memoryUsage();
  sampler.from(base.rss);

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
  const { peak, source, samples } = await sampler.stop(after.rss);
  const result: WriteMemoryResult = {
    mode,
    outputBytes,
    weightBytes,
    ms,
    baselineRss: base.rss,
    peakExtraRss: peak - base.rss,
    extraArrayBuffers: after.arrayBuffers - base.arrayBuffers,
    peakSource: source,
    samples,
  };
  void held;
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
