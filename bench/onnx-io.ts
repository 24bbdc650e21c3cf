import { readFileSync } from 'node:fs';
import { openModelFiles } from '../src/core/model/open';
import { readOnnx } from '../src/core/formats/onnx/read';
import { writeOnnx } from '../src/core/formats/onnx/write';
import { formatBytes } from '../src/core/units';
import { MB, median, row, timeRuns, type BenchCase } from './registry';

const RUNS = 5;

const ms = (t: number) => (t < 10 ? t.toFixed(2) : t.toFixed(0));
const spread = (times: number[]) => `median ${ms(median(times))} ms of ${times.length} runs (${ms(Math.min(...times))}–${ms(Math.max(...times))})`;

export const onnxRead: BenchCase = {
  id: 'read',
  title: 'ONNX read',
  async run(ctx) {
    const m = await ctx.bigModel();
    const size = m.bytes.length;
    ctx.log(`read: readOnnx ×${RUNS + 1}`);
    const read = timeRuns(ctx, RUNS, () => readOnnx(m.bytes, { fileName: m.fileName }));
    ctx.log(`read: decode + summarize ×${RUNS + 1}`);
    const open = timeRuns(ctx, RUNS, () => openModelFiles([{ name: m.fileName, bytes: m.bytes }]));
    ctx.log(`read: file → decode ×${RUNS + 1}`);
    const file = timeRuns(ctx, RUNS, () => readOnnx(readFileSync(m.path), { fileName: m.fileName }));
    return [
      row('ONNX read: readOnnx (bytes in memory)', size / MB / (median(read) / 1000), 'MB/s',
        `${formatBytes(size)} model; ${spread(read)}; zero-copy: raw_data stays views into the input`),
      row('ONNX read: decode + summarize (openModelFiles)', size / MB / (median(open) / 1000), 'MB/s', spread(open)),
      row('ONNX read: fs.readFileSync + readOnnx', size / MB / (median(file) / 1000), 'MB/s', `${spread(file)}; file in the page cache`),
    ];
  },
};

export const onnxWrite: BenchCase = {
  id: 'write',
  title: 'ONNX write',
  async run(ctx) {
    const m = await ctx.bigModel();
    ctx.log(`write: writeOnnx ×${RUNS + 1}`);
    let size = 0;
    const times = timeRuns(ctx, RUNS, () => {
      size = writeOnnx(m.proto).length;
    });
    return [row('ONNX write: writeOnnx (one buffer)', size / MB / (median(times) / 1000), 'MB/s', spread(times))];
  },
};
