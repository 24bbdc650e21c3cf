/**
 * The shipped samples (public/samples, written by `npm run samples`): int8 dynamic and static quantization keep
 * test accuracy within 0.5 percentage points of float32, with onnxruntime-node. Skipped while the files are absent.
 * PARETO_SAMPLES_DIR points the test at another folder with the same files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../data/npy';
import { readOnnx, type OnnxModel } from '../../formats/onnx/read';
import { writeOnnx } from '../../formats/onnx/write';
import { openSession, ortNodeRunner } from './harness.testkit';
import { calibrate, quantize } from './index';

const DIR = process.env.PARETO_SAMPLES_DIR ?? resolve(__dirname, '../../../../public/samples');
const FILES = ['mnist-mlp.onnx', 'mnist-cnn.onnx', 'mnist-test-x.npy', 'mnist-test-y.npy'];
const missing = FILES.filter((f) => !existsSync(join(DIR, f)));
const CALIBRATION_INPUTS = 200;
const MAX_DROP_PP = 0.5;

async function accuracy(model: OnnxModel | Uint8Array, x: Float32Array, dims: number[], labels: number[]): Promise<number> {
  const s = await openSession(model instanceof Uint8Array ? model : writeOnnx(model.proto), 'node');
  const per = dims.slice(1).reduce((a, b) => a * b, 1);
  const n = labels.length;
  let correct = 0;
  try {
    for (let start = 0; start < n; start += 500) {
      const b = Math.min(500, n - start);
      const feeds = { [s.inputNames[0]]: { type: 'float32', data: x.subarray(start * per, (start + b) * per), dims: [b, ...dims.slice(1)] } };
      const out = (await s.run(feeds))[s.outputNames[0]];
      const classes = out.length / b;
      for (let i = 0; i < b; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (out[i * classes + c] > out[i * classes + best]) best = c;
        if (best === labels[start + i]) correct++;
      }
    }
  } finally {
    await s.release();
  }
  return correct / n;
}

describe.skipIf(missing.length > 0)(
  missing.length > 0 ? `MNIST samples (skipped: ${missing.join(', ')} not in ${DIR}; run npm run samples)` : 'MNIST samples',
  () => {
    const load = () => {
      const xs = readNpy(readFileSync(join(DIR, 'mnist-test-x.npy')));
      const ys = readNpy(readFileSync(join(DIR, 'mnist-test-y.npy')));
      const x = xs.data instanceof Float32Array ? xs.data : Float32Array.from(xs.data as ArrayLike<number>);
      const labels = Array.from(ys.data as ArrayLike<number | bigint>, (v) => Number(v));
      return { x, dims: xs.shape, labels };
    };

    it.each(['mnist-mlp', 'mnist-cnn'])('%s: int8 dynamic and static (MinMax, 200 inputs) within 0.5 pp of float32', async (name) => {
      const { x, dims, labels } = load();
      const model = readOnnx(readFileSync(join(DIR, `${name}.onnx`)));
      const per = dims.slice(1).reduce((a, b) => a * b, 1);
      const inputName = model.proto.graph!.input.find((i) => !model.proto.graph!.initializer.some((t) => t.name === i.name))!.name;
      const batches = [0, 1, 2, 3].map((k) => {
        const b = CALIBRATION_INPUTS / 4;
        return { [inputName]: { data: x.subarray(k * b * per, (k + 1) * b * per), dims: [b, ...dims.slice(1)] } };
      });
      const cal = await calibrate(model, batches, ortNodeRunner, { calibrationMethod: 'minmax' });
      expect(cal.unavailable).toEqual([]);
      const float = await accuracy(model, x, dims, labels);
      const lines = [`${name}: float32 ${(float * 100).toFixed(2)}% on ${labels.length} test images`];
      for (const mode of ['dynamic', 'static'] as const) {
        const { model: q, report } = await quantize.apply(model, quantize.validate({ mode, activationRanges: mode === 'static' ? cal.ranges : undefined }));
        expect(report.skipped).toEqual([]);
        const acc = await accuracy(writeOnnx(q), x, dims, labels);
        lines.push(`  ${mode.padEnd(8)} ${(acc * 100).toFixed(2)}% (${((acc - float) * 100).toFixed(2)} pp), ${report.stats.quantizedNodes} nodes, weights ${report.stats.weightBytesBefore} -> ${report.stats.weightBytesAfter} B`);
        expect((float - acc) * 100).toBeLessThanOrEqual(MAX_DROP_PP);
      }
      console.log(lines.join('\n'));
    });
  },
);
