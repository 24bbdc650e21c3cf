import { DataType, type ModelProto, type TensorProto } from '../formats/onnx/proto';
import { elementCount, float32Data, tensorBytes, type ExternalData } from '../formats/onnx/tensor';
import { graphsOf } from '../formats/onnx/walk';

/**
 * What a variant's weights are made of: how sparse, how much is quantized. Counts weight tensors of rank >= 2
 * (matrices and kernels; biases, scales, zero points and shapes are left out) in initializers, Constant nodes
 * and subgraphs.
 */
export interface WeightComposition {
  /** Parameters in weight tensors of rank >= 2. */
  parameters: number;
  /** Of those, exact zeros (float32) or values equal to the zero point's usual 0 (int8). */
  zeros: number;
  sparsity: number;
  /** Parameters stored as int8/uint8/int4/float16 rather than float32. */
  quantizedParameters: number;
  quantizedShare: number;
}

const LOW_PRECISION = new Set<number>([DataType.INT8, DataType.UINT8, DataType.INT4, DataType.UINT4, DataType.FLOAT16, DataType.BFLOAT16]);

export function weightComposition(model: ModelProto, external: ExternalData = new Map()): WeightComposition {
  const seen = new Set<TensorProto>();
  let parameters = 0, zeros = 0, quantized = 0;
  const visit = (t: TensorProto) => {
    if (seen.has(t) || t.dims.length < 2) return;
    seen.add(t);
    const n = elementCount(t);
    if (t.dataType === DataType.FLOAT) {
      parameters += n;
      zeros += float32Zeros(t, external, n);
    } else if (LOW_PRECISION.has(t.dataType)) {
      parameters += n;
      quantized += n;
      if (t.dataType === DataType.INT8) {
        const raw = t.rawData;
        for (let i = 0; i < raw.length; i++) if (raw[i] === 0) zeros++;
      }
    }
  };
  for (const { graph } of graphsOf(model)) {
    for (const t of graph.initializer) visit(t);
    for (const n of graph.node) {
      if (n.opType === 'Constant') {
        const t = n.attribute.find((a) => a.name === 'value')?.t;
        if (t) visit(t);
      }
    }
  }
  return {
    parameters,
    zeros,
    sparsity: parameters ? zeros / parameters : 0,
    quantizedParameters: quantized,
    quantizedShare: parameters ? quantized / parameters : 0,
  };
}

/** Elements per chunk when a tensor's bytes are not 4-byte aligned (copied through one reused scratch array). */
const CHUNK = 1 << 16;
let scratch: Float32Array | undefined;

/**
 * Exact zeros (±0) among a float32 tensor's values, without copying it whole: unaligned raw data (a model read
 * zero-copy from its file) is read a chunk at a time, so counting never allocates the tensor's size again.
 */
function float32Zeros(t: TensorProto, external: ExternalData | undefined, n: number): number {
  const bytes = tensorBytes(t, external);
  if (bytes.byteOffset % 4 === 0 || bytes.length < n * 4) return countZeros(float32Data(t, external), n);
  scratch ??= new Float32Array(CHUNK);
  const scratchBytes = new Uint8Array(scratch.buffer);
  let zeros = 0;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    scratchBytes.set(bytes.subarray(i * 4, (i + m) * 4));
    zeros += countZeros(scratch, m);
  }
  return zeros;
}

function countZeros(v: Float32Array, n: number): number {
  let zeros = 0;
  for (let i = 0; i < n; i++) if (v[i] === 0) zeros++;
  return zeros;
}
