import * as b from '../src/core/formats/onnx/builder';
import { DataType, type ModelProto } from '../src/core/formats/onnx/proto';

/** Deterministic pseudo-random float32 weights in [-scale, scale): an LCG, ~1 ns per value. */
export function fillWeights(n: number, seed: number, scale = 0.05): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  const k = (2 * scale) / 4294967296;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s * k - scale;
  }
  return a;
}

/**
 * An MLP of MatMul + Add (+ Relu between layers) with float32 weights: dims = [input, hidden..., output].
 * Weight bytes = 4 * sum(dims[i] * dims[i+1] + dims[i+1]).
 */
export function generateMlp(dims: readonly number[], name = 'bench-mlp'): { proto: ModelProto; weightBytes: number } {
  const nodes = [];
  const inits = [];
  let x = 'x';
  let weightBytes = 0;
  for (let i = 0; i + 1 < dims.length; i++) {
    const [din, dout] = [dims[i], dims[i + 1]];
    const w = fillWeights(din * dout, 2 * i + 1);
    const bias = fillWeights(dout, 2 * i + 2);
    weightBytes += w.byteLength + bias.byteLength;
    inits.push(b.floatTensor(`fc${i}.weight`, [din, dout], w), b.floatTensor(`fc${i}.bias`, [dout], bias));
    const last = i + 2 === dims.length;
    nodes.push(b.node('MatMul', [x, `fc${i}.weight`], [`fc${i}.mm`], {}, { name: `fc${i}.matmul` }));
    nodes.push(b.node('Add', [`fc${i}.mm`, `fc${i}.bias`], [last ? 'y' : `fc${i}.out`], {}, { name: `fc${i}.add` }));
    if (!last) {
      nodes.push(b.node('Relu', [`fc${i}.out`], [`fc${i}.relu`], {}, { name: `fc${i}.relu` }));
      x = `fc${i}.relu`;
    }
  }
  const proto = b.model({
    producerName: 'pareto-bench',
    graph: b.graph({
      name,
      inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', dims[0]])],
      outputs: [b.valueInfo('y', DataType.FLOAT, ['batch', dims[dims.length - 1]])],
      initializers: inits,
      nodes,
    }),
  });
  return { proto, weightBytes };
}

/** ~302 MB: four 4096×4096 layers and one 4096×2048. */
export const BIG_MLP_DIMS = [4096, 4096, 4096, 4096, 4096, 2048];
/** ~403 MB: six 4096×4096 layers (the quantize and prune cases). */
export const TRANSFORM_MLP_DIMS = [4096, 4096, 4096, 4096, 4096, 4096, 4096];
/** ~101 MB: six 2048×2048 layers. */
export const MID_MLP_DIMS = [2048, 2048, 2048, 2048, 2048, 2048, 2048];
