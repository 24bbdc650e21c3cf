/**
 * Shapes and multiply-accumulates of TF.js nodes (domain 'tfjs', formats/tfjs/topology.ts): Keras layers of a layers
 * model and TensorFlow ops of a graph model, channels-last (NHWC) as TF.js runs them. Only the ops that dominate
 * compute count MACs (convolutions, depthwise convolutions, dense/matmul); the ones around them carry shapes. A
 * node no rule covers has unknown output shape and unknown MACs, so what follows it is unknown too (never guessed).
 */
import type { NodeProto, TensorProto } from '../formats/onnx/proto';

// The types of shapes.ts (which calls this file), restated so the two do not import each other.
type Shape = (number | null)[];
interface NodeShapeResult {
  outputs: (Shape | undefined)[];
  macs: number | null;
}

const dec = new TextDecoder();

function configOf(n: NodeProto): Record<string, unknown> {
  const a = n.attribute.find((x) => x.name === 'config');
  if (!a) return {};
  try {
    return JSON.parse(dec.decode(a.s)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const SAME_SHAPE = new Set([
  // Layers
  'Activation', 'Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'SpatialDropout1D', 'BatchNormalization',
  'LayerNormalization', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Masking', 'Rescaling',
  // Graph ops
  'Identity', 'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Sqrt', 'Rsqrt',
  'Exp', 'Log', 'Neg', 'Abs', 'Square', 'Floor', 'Ceil', 'Round', 'Sign', 'Cast', 'FusedBatchNorm', 'FusedBatchNormV2',
  'FusedBatchNormV3', 'ClipByValue', 'Prelu', 'Softplus', 'Erf', 'Reciprocal', 'LRN',
]);
const ELEMENTWISE = new Set([
  'Add', 'Multiply', 'Average', 'Maximum', 'Minimum',
  'AddV2', 'Sub', 'Mul', 'RealDiv', 'Div', 'Maximum', 'Minimum', 'BiasAdd', 'Pow', 'SquaredDifference', 'FloorDiv', 'AddN',
]);

const nums = (v: unknown, n: number, dflt: number): number[] =>
  Array.isArray(v) ? v.map(Number) : typeof v === 'number' ? Array(n).fill(v) : Array(n).fill(dflt);

/** Output size of a window along one axis: TF's SAME / VALID rules. */
function windowOut(size: number | null, k: number, s: number, d: number, padding: string): number | null {
  if (size === null) return null;
  if (/^same$/i.test(padding)) return Math.ceil(size / s);
  return Math.floor((size - (k - 1) * d - 1) / s) + 1;
}

function broadcast(a: Shape, b: Shape): Shape {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x === 1) return y;
    if (y === 1) return x;
    return x ?? y;
  });
}

const prod = (s: readonly (number | null)[]) => s.reduce<number | null>((a, d) => (a === null || d === null ? null : a * d), 1);
const unknown: NodeShapeResult = { outputs: [undefined], macs: null };

/**
 * One TF.js node. `ins` are its inputs' shapes (data inputs, then weights), `ints` reads a constant int input
 * (a graph model's Reshape shape, Mean axes, Pad paddings).
 */
export function inferTfjsNode(n: NodeProto, ins: (Shape | undefined)[], ints: (name: string) => number[] | undefined, weights: ReadonlyMap<string, TensorProto>): NodeShapeResult {
  const c = configOf(n);
  const x = ins[0];
  const op = n.opType;
  if (SAME_SHAPE.has(op)) return { outputs: [x], macs: 0 };
  if (ELEMENTWISE.has(op)) {
    const known = ins.filter((s, i): s is Shape => !!s && !weights.has(n.input[i]));
    const all = ins.filter((s): s is Shape => !!s);
    return { outputs: [known.length ? all.reduce(broadcast) : undefined], macs: 0 };
  }
  if (!x) return unknown;
  const channelsFirst = c.data_format === 'channels_first' || c.data_format === 'NCHW';
  if (channelsFirst) return unknown;
  switch (op) {
    // Convolutions: layer kernel [kh, kw, in, out], graph filter the same (depthwise: [kh, kw, in, multiplier]).
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case '_FusedConv2D':
    case 'DepthwiseConv2D':
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2dNative':
    case 'DepthwiseConv2d': {
      const w = ins[1];
      if (!w) return unknown;
      const spatial = w.length - 2;
      const isLayer = 'kernel_size' in c || 'filters' in c || op === 'DepthwiseConv2D';
      const strides = isLayer ? nums(c.strides, spatial, 1) : nums(c.strides, spatial + 2, 1).slice(1, -1);
      const dil = isLayer ? nums(c.dilation_rate, spatial, 1) : nums(c.dilations, spatial + 2, 1).slice(1, -1);
      const padding = String(c.padding ?? 'valid');
      if (/^explicit$/i.test(padding)) return unknown;
      const outSpatial = x.slice(1, 1 + spatial).map((d, i) => windowOut(d, w[i] ?? 1, strides[i], dil[i], padding));
      const depthwise = /Depthwise/i.test(op);
      const cin = w[spatial] ?? null;
      const cout = depthwise ? (cin === null || w[spatial + 1] === null ? null : cin * w[spatial + 1]!) : (w[spatial + 1] ?? null);
      const kernel = prod(w.slice(0, spatial));
      const per = depthwise ? kernel : kernel === null || cin === null ? null : kernel * cin;
      const out: Shape = [x[0], ...outSpatial, cout];
      const macs = per === null ? null : prod([...outSpatial, cout]);
      return { outputs: [out], macs: macs === null ? null : macs * per! };
    }
    case 'SeparableConv2D': {
      const dw = ins[1];
      const pw = ins[2];
      if (!dw || !pw) return unknown;
      const strides = nums(c.strides, 2, 1);
      const dil = nums(c.dilation_rate, 2, 1);
      const padding = String(c.padding ?? 'valid');
      const hw = x.slice(1, 3).map((d, i) => windowOut(d, dw[i] ?? 1, strides[i], dil[i], padding));
      const mid = prod([dw[2], dw[3]]);
      const area = prod(hw);
      const macs = area === null || mid === null ? null : area * mid * (dw[0]! * dw[1]! + (pw[3] ?? 0));
      return { outputs: [[x[0], ...hw, pw[3] ?? null]], macs };
    }
    case 'Dense': {
      const w = ins[1];
      if (!w || w.length !== 2) return unknown;
      const rows = prod(x.slice(1, -1));
      return { outputs: [[...x.slice(0, -1), w[1]]], macs: rows === null || w[0] === null || w[1] === null ? null : rows * w[0] * w[1] };
    }
    case 'MatMul':
    case '_FusedMatMul':
    case 'BatchMatMul':
    case 'BatchMatMulV2': {
      const b = ins[1];
      if (!b || x.length < 2 || b.length < 2) return unknown;
      const m = c.transpose_a ? x[x.length - 1] : x[x.length - 2];
      const k = c.transpose_a ? x[x.length - 2] : x[x.length - 1];
      const nn = c.transpose_b ? b[b.length - 2] : b[b.length - 1];
      const batch = prod(x.slice(0, -2).map((d, i) => (i === 0 && x.length > 2 ? 1 : d)));
      const mm = m === null && x.length === 2 ? 1 : m; // a graph model's batch rows: per item
      return { outputs: [[...x.slice(0, -2), m, nn]], macs: mm === null || k === null || nn === null || batch === null ? null : batch * mm * k * nn };
    }
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling1D':
    case 'AveragePooling2D':
    case 'MaxPool':
    case 'AvgPool': {
      const isLayer = op.includes('Pooling');
      const spatial = x.length - 2;
      const k = isLayer ? nums(c.pool_size, spatial, 2) : nums(c.ksize, spatial + 2, 1).slice(1, -1);
      const s = isLayer ? (c.strides == null ? k : nums(c.strides, spatial, 1)) : nums(c.strides, spatial + 2, 1).slice(1, -1);
      const padding = String(c.padding ?? 'valid');
      return { outputs: [[x[0], ...x.slice(1, -1).map((d, i) => windowOut(d, k[i], s[i], 1, padding)), x[x.length - 1]]], macs: 0 };
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
      return { outputs: [[x[0], x[x.length - 1]]], macs: 0 };
    case 'Flatten':
      return { outputs: [[x[0], prod(x.slice(1))]], macs: 0 };
    case 'Reshape':
    case 'Squeeze':
    case 'Mean':
    case 'Sum':
    case 'Max':
    case 'Pad':
    case 'PadV2':
    case 'ConcatV2':
    case 'Concatenate':
      return reshapeLike(op, c, x, ins, n, ints);
    default:
      return unknown;
  }
}

function reshapeLike(op: string, c: Record<string, unknown>, x: Shape, ins: (Shape | undefined)[], n: NodeProto, ints: (name: string) => number[] | undefined): NodeShapeResult {
  if (op === 'Reshape') {
    const target = Array.isArray(c.target_shape) ? [x[0], ...c.target_shape.map(Number)] : ints(n.input[1]);
    if (!target) return unknown;
    const total = prod(x);
    const known = prod(target.filter((d) => d !== -1).map((d, i) => (i === 0 && d === null ? 1 : d)) as Shape);
    return { outputs: [target.map((d) => (d === -1 ? (total === null || known === null || known === 0 ? null : total / known) : d))], macs: 0 };
  }
  if (op === 'Squeeze') {
    const dims = (c.squeeze_dims as number[] | undefined)?.map((d) => (d < 0 ? d + x.length : d));
    return { outputs: [x.filter((d, i) => (dims?.length ? !dims.includes(i) : d !== 1))], macs: 0 };
  }
  if (op === 'Mean' || op === 'Sum' || op === 'Max') {
    const axes = ints(n.input[1])?.map((d) => (d < 0 ? d + x.length : d));
    if (!axes) return unknown;
    return { outputs: [c.keep_dims ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i))], macs: 0 };
  }
  if (op === 'Pad' || op === 'PadV2') {
    const p = ints(n.input[1]);
    if (!p || p.length !== x.length * 2) return unknown;
    return { outputs: [x.map((d, i) => (d === null ? null : d + p[2 * i] + p[2 * i + 1]))], macs: 0 };
  }
  // ConcatV2 (axis: the last input) and Concatenate (config.axis, default -1).
  const parts = op === 'ConcatV2' ? ins.slice(0, -1) : ins;
  let axis = op === 'ConcatV2' ? ints(n.input[n.input.length - 1])?.[0] : Number(c.axis ?? -1);
  if (axis === undefined || parts.some((s) => !s || s.length !== x.length)) return unknown;
  if (axis < 0) axis += x.length;
  const sum = parts.reduce<number | null>((a, s) => (a === null || s![axis!] === null ? null : a + s![axis!]!), 0);
  return { outputs: [x.map((d, i) => (i === axis ? sum : d))], macs: 0 };
}
