import { describe, expect, it } from 'vitest';
import { build as b, DataType, readOnnx, writeOnnx } from '../../formats/onnx/index';
import { weightComposition } from '../../inspect/composition';
import { seededRandom } from '../../random';
import { applyPrune } from './apply';
import { validatePruneOptions } from './options';
import { expectSame } from '../../testing/same.testkit';

/** A model whose weight raw_data lands at unaligned offsets once read back from bytes (as from a file). */
function bytesOfMlp(): Uint8Array {
  const r = seededRandom(11);
  const w = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
  const m = b.model({
    graph: b.graph({
      name: 'mlp',
      inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', 256])],
      outputs: [b.valueInfo('y', DataType.FLOAT, ['batch', 10])],
      initializers: [b.floatTensor('w1', [512, 256], w(512 * 256)), b.floatTensor('b1', [512], w(512)), b.floatTensor('w2', [512, 10], w(5120))],
      nodes: [
        b.node('Gemm', ['x', 'w1', 'b1'], ['h'], { transB: b.attr.i(1) }, { name: 'fc1' }),
        b.node('Relu', ['h'], ['hr'], {}, { name: 'relu1' }),
        b.node('MatMul', ['hr', 'w2'], ['y'], {}, { name: 'fc2' }),
      ],
    }),
  });
  return writeOnnx(m);
}

describe('prune in place on a model read from bytes (unaligned raw_data)', () => {
  it('gives the same weights as the copying path', async () => {
    const bytes = bytesOfMlp();
    const results: Uint8Array[][] = [];
    for (const ownsModel of [false, true]) {
      for (const shift of [0, 1, 2, 3]) {
        const buf = new Uint8Array(bytes.length + shift);
        buf.set(bytes, shift);
        const model = readOnnx(buf.subarray(shift));
        const r = await applyPrune(model, validatePruneOptions({ sparsity: 0.5, compressedSize: 'off' }), { ownsModel });
        expect(weightComposition(r.model).sparsity).toBeCloseTo(0.5, 4);
        results.push(r.model.graph!.initializer.map((t) => t.rawData.slice()));
      }
    }
    for (const r of results) {
      expect(r.length).toBe(results[0].length);
      r.forEach((bytes, i) => expectSame(bytes, results[0][i]));
    }
  });
});
