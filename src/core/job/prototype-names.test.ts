/**
 * Tensor names are the model author's, and may be `__proto__` or `constructor`: the optimize job (fidelity per output,
 * feeds per input, calibration) keeps them as data, never as keys into an object's prototype.
 */
import { describe, expect, it } from 'vitest';
import { ortNode } from '../../runtimes/ort-node';
import * as b from '../formats/onnx/builder';
import { DataType } from '../formats/onnx/proto';
import { writeOnnx } from '../formats/onnx/write';
import { openModelFiles } from '../model/open';
import { FIDELITY_ROWS, syntheticJobData } from './data';
import { runOptimizeJob } from './optimize';

function hostileNames() {
  const w = b.floatTensor('toString', [8, 4], Float32Array.from({ length: 32 }, (_, i) => Math.cos(i)));
  return b.model({
    graph: b.graph({
      name: 'g',
      inputs: [b.valueInfo('__proto__', DataType.FLOAT, ['batch', 8])],
      outputs: [b.valueInfo('constructor', DataType.FLOAT, ['batch', 4])],
      initializers: [w],
      nodes: [b.node('MatMul', ['__proto__', 'toString'], ['constructor'], {}, { name: 'hasOwnProperty' })],
    }),
  });
}

describe('prototype names as tensor names', () => {
  for (const recipe of [
    { steps: [{ transform: 'quantize' as const, options: { mode: 'static' as const } }] },
    { steps: [{ transform: 'prune' as const, options: { sparsity: 0.5 } }] },
  ]) {
    it(`${recipe.steps[0].transform}: fidelity is reported for the output named "constructor"`, async () => {
      const opened = openModelFiles([{ name: 'names.onnx', bytes: writeOnnx(hostileNames()) }]);
      const data = syntheticJobData(opened.summary.inputs, FIDELITY_ROWS);
      const { report } = await runOptimizeJob({
        model: opened.model,
        fileBytes: opened.bytes,
        recipe,
        runtime: ortNode,
        fidelity: data,
        calibration: { ...data, method: 'minmax', batchSize: 16 },
      });
      expect(report.fidelity.error).toBeUndefined();
      expect(Object.keys(report.fidelity.outputs)).toEqual(['constructor']);
      const f = Object.getOwnPropertyDescriptor(report.fidelity.outputs, 'constructor')!.value as { rows: number; cosine: number };
      expect(f.rows).toBe(FIDELITY_ROWS);
      expect(f.cosine).toBeGreaterThan(0.5); // a real comparison (50% of 32 weights pruned moves it; int8 barely)
    });
  }
});
