/**
 * Small, deterministic ONNX models for tests (and later for quantization / pruning work). Pure TypeScript:
 * built with the builder, valid ONNX (opset 17) so that onnxruntime can run them.
 *
 * Expected numbers (parameters, MACs) are documented on each fixture; tests compute them by hand.
 */
import { create } from '@bufbuild/protobuf';
import {
  DataLocation,
  DataType,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  type ModelProto,
  type TensorProto,
} from '../formats/onnx/proto';
import * as build from '../formats/onnx/builder';
import { seededRandom } from '../random';

const { attr, node, graph, valueInfo, floatTensor, tensor } = build;

/* ------------------------------------------------------------------ data ---------------------------------------------------------------- */

/** The project's seeded PRNG (mulberry32), values in [0, 1). */
export const rng = seededRandom;

/** Deterministic float32 weights in [-scale, scale). */
export function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * scale;
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The float16 bit pattern of a number (round to nearest even; for test data). */
export function floatToHalfBits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/* ------------------------------------------------------------ storage forms ------------------------------------------------------------ */

/**
 * The same tensor with its data moved from raw_data into the typed field ONNX uses for its dtype
 * (float_data, int32_data, int64_data, double_data, uint64_data).
 */
export function toTypedFields(t: TensorProto): TensorProto {
  const raw = t.rawData;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = t.dims.reduce((p, d) => p * Number(d), 1);
  const init: Record<string, unknown> = { name: t.name, dataType: t.dataType, dims: [...t.dims] };
  switch (t.dataType) {
    case DataType.FLOAT:
      init.floatData = Array.from({ length: n }, (_, i) => dv.getFloat32(i * 4, true));
      break;
    case DataType.DOUBLE:
      init.doubleData = Array.from({ length: n }, (_, i) => dv.getFloat64(i * 8, true));
      break;
    case DataType.INT64:
      init.int64Data = Array.from({ length: n }, (_, i) => dv.getBigInt64(i * 8, true));
      break;
    case DataType.UINT64:
      init.uint64Data = Array.from({ length: n }, (_, i) => dv.getBigUint64(i * 8, true));
      break;
    case DataType.UINT32:
      init.uint64Data = Array.from({ length: n }, (_, i) => BigInt(dv.getUint32(i * 4, true)));
      break;
    case DataType.INT32:
      init.int32Data = Array.from({ length: n }, (_, i) => dv.getInt32(i * 4, true));
      break;
    case DataType.INT16:
      init.int32Data = Array.from({ length: n }, (_, i) => dv.getInt16(i * 2, true));
      break;
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      init.int32Data = Array.from({ length: n }, (_, i) => dv.getUint16(i * 2, true));
      break;
    case DataType.INT8:
      init.int32Data = Array.from({ length: n }, (_, i) => dv.getInt8(i));
      break;
    case DataType.UINT8:
    case DataType.BOOL:
      init.int32Data = Array.from({ length: n }, (_, i) => dv.getUint8(i));
      break;
    default:
      throw new Error(`toTypedFields: dtype ${t.dataType} not handled`);
  }
  return create(TensorProtoSchema, init);
}

/** The same tensor with its data in an external file: returns the tensor (no raw_data) and the file bytes. */
export function toExternal(
  t: TensorProto,
  location: string,
  offset = 0,
  file?: Uint8Array,
): { tensor: TensorProto; file: Uint8Array<ArrayBuffer> } {
  const data = t.rawData;
  const size = Math.max(file?.length ?? 0, offset + data.length);
  const out = new Uint8Array(size);
  if (file) out.set(file);
  out.set(data, offset);
  const ext = create(TensorProtoSchema, {
    name: t.name,
    dataType: t.dataType,
    dims: [...t.dims],
    dataLocation: DataLocation.EXTERNAL,
    externalData: [
      create(StringStringEntryProtoSchema, { key: 'location', value: location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(data.length) }),
    ],
  });
  return { tensor: ext, file: out };
}

/** A model whose only output is `t` passed through Identity: runs in onnxruntime and shows its values. */
export function initializerIdentityModel(t: TensorProto, outName = 'out'): ModelProto {
  const dims = t.dims.map((d) => Number(d));
  return build.model({
    graph: graph({
      name: 'identity',
      nodes: [node('Identity', [t.name], [outName])],
      inputs: [],
      outputs: [valueInfo(outName, t.dataType, dims)],
      initializers: [t],
    }),
    opset: 17,
  });
}

/* --------------------------------------------------------------- models ---------------------------------------------------------------- */

/**
 * MLP: x[batch,4] -> Gemm(W1[8,4], b1[8], transB) -> Relu -> MatMul(W2[8,3]) -> Add(b2[3]) -> y[batch,3].
 * 67 float32 parameters (268 bytes), all initializers. MACs per item: Gemm 4*8 = 32, MatMul 8*3 = 24.
 */
export function mlpModel(): ModelProto {
  return build.model({
    graph: graph({
      name: 'mlp',
      nodes: [
        node('Gemm', ['x', 'W1', 'b1'], ['h'], { transB: attr.i(1) }, { name: 'fc1' }),
        node('Relu', ['h'], ['r'], {}, { name: 'relu' }),
        node('MatMul', ['r', 'W2'], ['m'], {}, { name: 'fc2' }),
        node('Add', ['m', 'b2'], ['y'], {}, { name: 'bias2' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', 4])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', 3])],
      initializers: [
        floatTensor('W1', [8, 4], randomFloats(32, 1)),
        floatTensor('b1', [8], randomFloats(8, 2)),
        floatTensor('W2', [8, 3], randomFloats(24, 3)),
        floatTensor('b2', [3], randomFloats(3, 4)),
      ],
    }),
    opset: 17,
    producerName: 'fixtures',
    producerVersion: '1.0',
    docString: 'a small MLP',
    metadata: { author: 'pareto tests' },
  });
}

/**
 * Conv net: x[N,3,8,8] -> Conv(Wc[4,3,3,3], Bc[4], pads 1) -> Relu -> GlobalAveragePool -> Flatten
 * -> Gemm(Wf[2,4], Bf[2], transB) -> y[N,2].
 * 122 float32 parameters. MACs per item: Conv 4*8*8 outputs * 3*3*3 = 6912, Gemm 4*2 = 8.
 */
export function convNetModel(): ModelProto {
  return build.model({
    graph: graph({
      name: 'convnet',
      nodes: [
        node('Conv', ['x', 'Wc', 'Bc'], ['c'], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) }, { name: 'conv' }),
        node('Relu', ['c'], ['cr']),
        node('GlobalAveragePool', ['cr'], ['p']),
        node('Flatten', ['p'], ['f'], { axis: attr.i(1) }),
        node('Gemm', ['f', 'Wf', 'Bf'], ['y'], { transB: attr.i(1) }, { name: 'head' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, ['N', 3, 8, 8])],
      outputs: [valueInfo('y', DataType.FLOAT, ['N', 2])],
      initializers: [
        floatTensor('Wc', [4, 3, 3, 3], randomFloats(108, 11, 0.3)),
        floatTensor('Bc', [4], randomFloats(4, 12)),
        floatTensor('Wf', [2, 4], randomFloats(8, 13)),
        floatTensor('Bf', [2], randomFloats(2, 14)),
      ],
    }),
    opset: 17,
  });
}

/** Elements of the big (> 64 KiB) weight tensors below: 128 * 160 float32 = 81920 bytes. */
export const BIG_K = 128;
export const BIG_N = 160;

/**
 * Weights in Constant nodes: x[1,128] -> MatMul(Constant Wc[128,160], 81920 bytes) -> Add(Constant bc[160]) -> y[1,160].
 * 20640 float32 parameters, all 'constant'. MACs: 128*160 = 20480.
 */
export function constantWeightsModel(): ModelProto {
  return build.model({
    graph: graph({
      name: 'constants',
      nodes: [
        node('Constant', [], ['Wc'], { value: attr.t(floatTensor('Wc_value', [BIG_K, BIG_N], randomFloats(BIG_K * BIG_N, 21, 0.1))) }),
        node('Constant', [], ['bc'], { value: attr.t(floatTensor('bc_value', [BIG_N], randomFloats(BIG_N, 22))) }),
        node('MatMul', ['x', 'Wc'], ['m'], {}, { name: 'matmul' }),
        node('Add', ['m', 'bc'], ['y'], {}, { name: 'add' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, BIG_K])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, BIG_N])],
    }),
    opset: 17,
  });
}

/**
 * If with weights inside both branches, both reading the outer-scope input x:
 * then_branch: MatMul(x, initializer Wt[128,160]) (81920 bytes); else_branch: MatMul(x, Constant We[128,160]).
 * Main graph: cond (bool scalar), x[1,128] -> If -> y[1,160]. 40960 parameters, all 'subgraph'.
 */
export function ifSubgraphModel(): ModelProto {
  const thenBranch = graph({
    name: 'then_g',
    nodes: [node('MatMul', ['x', 'Wt'], ['t_out'], {}, { name: 'then_matmul' })],
    inputs: [],
    outputs: [valueInfo('t_out', DataType.FLOAT, [1, BIG_N])],
    initializers: [floatTensor('Wt', [BIG_K, BIG_N], randomFloats(BIG_K * BIG_N, 31, 0.1))],
  });
  const elseBranch = graph({
    name: 'else_g',
    nodes: [
      node('Constant', [], ['We'], { value: attr.t(floatTensor('We_value', [BIG_K, BIG_N], randomFloats(BIG_K * BIG_N, 32, 0.1))) }),
      node('MatMul', ['x', 'We'], ['e_out'], {}, { name: 'else_matmul' }),
    ],
    inputs: [],
    outputs: [valueInfo('e_out', DataType.FLOAT, [1, BIG_N])],
  });
  return build.model({
    graph: graph({
      name: 'if_model',
      nodes: [node('If', ['cond'], ['y'], { then_branch: attr.g(thenBranch), else_branch: attr.g(elseBranch) }, { name: 'if0' })],
      inputs: [valueInfo('cond', DataType.BOOL, []), valueInfo('x', DataType.FLOAT, [1, BIG_K])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, BIG_N])],
    }),
    opset: 17,
  });
}

/**
 * com.microsoft opset import: x[batch,8] -> com.microsoft.Gelu -> MatMul(W[8,4]) -> y[batch,4].
 * 32 parameters; MACs 8*4 = 32.
 */
export function msOpsetModel(): ModelProto {
  return build.model({
    graph: graph({
      name: 'ms',
      nodes: [
        node('Gelu', ['x'], ['g'], {}, { name: 'gelu', domain: 'com.microsoft' }),
        node('MatMul', ['g', 'W'], ['y'], {}, { name: 'proj' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', 8])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', 4])],
      initializers: [floatTensor('W', [8, 4], randomFloats(32, 41))],
    }),
    opset: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
  });
}

/**
 * Already quantized (as onnxruntime's dynamic quantization writes it):
 * x[batch,4] -> DynamicQuantizeLinear -> MatMulInteger(Wq int8[4,3], zero points) -> Cast(float)
 * -> Mul(x_scale * w_scale) -> y[batch,3].
 * Weights: Wq int8 12 (12 B), w_zp int8 1 (1 B), w_scale float32 1 (4 B).
 */
export function quantizedModel(): ModelProto {
  const r = rng(51);
  const wq = Int8Array.from({ length: 12 }, () => Math.round(r() * 254 - 127));
  return build.model({
    graph: graph({
      name: 'quantized',
      nodes: [
        node('DynamicQuantizeLinear', ['x'], ['x_q', 'x_scale', 'x_zp'], {}, { name: 'dql' }),
        node('MatMulInteger', ['x_q', 'Wq', 'x_zp', 'w_zp'], ['acc'], {}, { name: 'mmi' }),
        node('Cast', ['acc'], ['acc_f'], { to: attr.i(DataType.FLOAT) }, { name: 'cast' }),
        node('Mul', ['x_scale', 'w_scale'], ['scale'], {}, { name: 'scale' }),
        node('Mul', ['acc_f', 'scale'], ['y'], {}, { name: 'rescale' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', 4])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', 3])],
      initializers: [
        tensor('Wq', DataType.INT8, [4, 3], wq),
        tensor('w_zp', DataType.INT8, [], Int8Array.of(0)),
        floatTensor('w_scale', [], Float32Array.of(0.02)),
      ],
    }),
    opset: 17,
  });
}

export interface ExternalFixture {
  model: ModelProto;
  /** Data files by relative location as written in the model. */
  files: Record<string, Uint8Array<ArrayBuffer>>;
  /** The weights' values. */
  values: { W1: Float32Array; B1: Float32Array; W2: Float32Array };
}

/**
 * External data in two files, one in a subfolder, at unaligned offsets:
 * x[1,4] -> MatMul(W1[4,8]) -> Add(B1[8]) -> MatMul(W2[8,2]) -> y[1,2].
 * "weights/w1.bin": 3 junk bytes, W1 at offset 3 (128 bytes), B1 at offset 131 (32 bytes). "w2.bin": W2 at 0 (64 bytes).
 * 56 parameters (224 bytes), all external initializers.
 */
export function externalDataModel(): ExternalFixture {
  const W1 = randomFloats(32, 61);
  const B1 = randomFloats(8, 62);
  const W2 = randomFloats(16, 63);
  const junk = Uint8Array.of(1, 2, 3);
  const w1 = toExternal(floatTensor('W1', [4, 8], W1), 'weights/w1.bin', 3, junk);
  const b1 = toExternal(floatTensor('B1', [8], B1), 'weights/w1.bin', 131, w1.file);
  const w2 = toExternal(floatTensor('W2', [8, 2], W2), 'w2.bin', 0);
  const model = build.model({
    graph: graph({
      name: 'external',
      nodes: [
        node('MatMul', ['x', 'W1'], ['h'], {}, { name: 'mm1' }),
        node('Add', ['h', 'B1'], ['hb'], {}, { name: 'add1' }),
        node('MatMul', ['hb', 'W2'], ['y'], {}, { name: 'mm2' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 2])],
      initializers: [w1.tensor, b1.tensor, w2.tensor],
    }),
    opset: 17,
  });
  return { model, files: { 'weights/w1.bin': b1.file, 'w2.bin': w2.file }, values: { W1, B1, W2 } };
}
