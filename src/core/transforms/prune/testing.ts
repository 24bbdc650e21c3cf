/**
 * Test helpers for the prune tests (imported by *.test.ts only; kept free of runtime imports so src/core stays
 * pure): gather a model's float32 weights by name, relative L2 error.
 */
import type { ModelProto, TensorProto } from '../../formats/onnx/proto';
import { float32Data, type ExternalData } from '../../formats/onnx/tensor';
import { graphsOf } from '../../formats/onnx/walk';

/** Every float32 initializer and Constant-node value of every graph, by name (Constant: its output name). */
export function floatWeights(model: ModelProto, external?: ExternalData): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const { graph } of graphsOf(model)) {
    for (const t of graph.initializer) if (t.dataType === 1) out.set(t.name, float32Data(t, external).slice());
    for (const n of graph.node) {
      const t: TensorProto | undefined = n.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
      if (t && t.dataType === 1) out.set(n.output[0], float32Data(t, external).slice());
    }
  }
  return out;
}

export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}

export const zerosIn = (a: Float32Array): number => a.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
