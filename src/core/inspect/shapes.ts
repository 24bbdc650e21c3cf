import type { AttributeProto, GraphProto, NodeProto, TensorProto, ValueInfoProto } from '../formats/onnx/proto';
import { TFJS_DOMAIN } from '../formats/tfjs/topology';
import { inferTfjsNode } from './tfjs-shapes';
import { dimsOf, tensorToNumbers, type ExternalData } from '../formats/onnx/tensor';
import { broadcast, prod, type NodeShapeResult, type Shape } from './shape-util';
import { inferShapeOp } from './shape-ops';
import { inferValues, known, valueOfTensor, type Val } from './shape-values';

export type { NodeShapeResult, Shape } from './shape-util';

/** A symbolic dim's value: a number for all, or one per dim (its name, or null when unnamed; its axis; the rank). */
export type SymbolicDims = number | null | ((name: string | null, axis: number, rank: number) => number | null);

export function shapeOfValueInfo(v: ValueInfoProto, symbolic: SymbolicDims): Shape | undefined {
  const t = v.type?.value;
  if (t?.case !== 'tensorType' || !t.value.shape) return undefined;
  const dims = t.value.shape.dim;
  return dims.map((d, axis) => {
    if (d.value.case === 'dimValue' && Number(d.value.value) > 0) return Number(d.value.value);
    if (typeof symbolic === 'function') return symbolic(d.value.case === 'dimParam' ? d.value.value : null, axis, dims.length);
    return symbolic;
  });
}

const attrInts = (n: NodeProto, name: string): number[] | undefined => {
  const a = n.attribute.find((x) => x.name === name);
  return a && a.ints.length > 0 ? a.ints.map(Number) : undefined;
};
const attrInt = (n: NodeProto, name: string, dflt: number): number => {
  const a: AttributeProto | undefined = n.attribute.find((x) => x.name === name);
  return a ? Number(a.i) : dflt;
};
const attrFloats = (n: NodeProto, name: string): number[] | undefined => {
  const a = n.attribute.find((x) => x.name === name);
  return a && a.floats.length > 0 ? [...a.floats] : undefined;
};
const attrStr = (n: NodeProto, name: string): string => {
  const a = n.attribute.find((x) => x.name === name);
  return a ? new TextDecoder().decode(a.s) : '';
};

const UNARY_SAME = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Dropout', 'Identity', 'Cast', 'Clip', 'Elu', 'Selu',
  'BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'Erf', 'Gelu', 'Sqrt', 'Neg', 'Exp', 'Log', 'Abs',
  'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign', 'PRelu', 'Floor', 'Ceil', 'Round', 'Reciprocal', 'Sign', 'Not',
  'QuantizeLinear', 'DequantizeLinear', 'Mish', 'LRN', 'Celu', 'ThresholdedRelu', 'IsNaN', 'Sin', 'Cos',
]);
/** com.microsoft elementwise ops (their output has the first input's shape). */
const MS_SAME = new Set(['com.microsoft.Gelu', 'com.microsoft.FastGelu', 'com.microsoft.QuickGelu', 'com.microsoft.BiasGelu']);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Or', 'Mod']);

/** What inference found in one graph: shapes and small values by name, per node results, and If branches inferred. */
export interface GraphShapes {
  shapes: Map<string, Shape>;
  values: Map<string, Val>;
  perNode: NodeShapeResult[];
  /** Each If branch met (nested ones too), inferred in its context; `runs` false for a branch that does not run. */
  subgraphs: Map<GraphProto, GraphShapes & { runs: boolean }>;
  /** Ifs that run but whose condition is unknown (nested ones too): both branches are counted. */
  undecidedIfs: number;
}

/**
 * Light shape inference, enough to count MACs of the ops that dominate compute (Conv, MatMul, Gemm, LSTM/GRU/RNN,
 * Einsum) and to carry shapes through the ops around them, with data propagation for the small tensors a model
 * computes its shapes from (shape-values.ts). Symbolic dims count as `symbolic` (a number, null for unknown, or a rule
 * per dim); `inputShapes` sets the graph inputs' shapes (an input spec's resolved shapes). A declared shape with
 * unknown dims gives way, dim by dim, to what inference finds. An If's branches are inferred with the enclosing
 * graph's shapes and values; when its condition is known only the branch that runs gives the If's outputs.
 */
export function inferGraphShapes(
  graph: GraphProto,
  constants: ReadonlyMap<string, TensorProto>,
  external: ExternalData,
  symbolic: SymbolicDims = 1,
  outer?: ReadonlyMap<string, Shape>,
  inputShapes?: ReadonlyMap<string, Shape>,
  outerValues?: ReadonlyMap<string, Val>,
  runs = true,
): GraphShapes {
  const shapes = new Map<string, Shape>(outer ?? []);
  const values = new Map<string, Val>(outerValues ?? []);
  const subgraphs: GraphShapes['subgraphs'] = new Map();
  let undecidedIfs = 0;
  for (const v of [...graph.input, ...graph.valueInfo, ...graph.output]) {
    const s = inputShapes?.get(v.name) ?? shapeOfValueInfo(v, symbolic);
    if (s) shapes.set(v.name, s);
  }
  for (const t of graph.initializer) {
    shapes.set(t.name, dimsOf(t));
    const val = valueOfTensor(t, external);
    if (val) values.set(t.name, val);
  }
  const perNode: NodeShapeResult[] = [];
  for (const n of graph.node) {
    let r: NodeShapeResult;
    let outVals: (Val | undefined)[] = [];
    const op = n.domain === '' || n.domain === 'ai.onnx' ? n.opType : `${n.domain}.${n.opType}`;
    const ins = n.input.map((i) => (i ? shapes.get(i) : undefined));
    const inVals = n.input.map((i) => (i ? values.get(i) : undefined));
    try {
      if (op === 'If') {
        const cond = known(inVals[0])?.[0];
        if (cond === undefined && runs) undecidedIfs++;
        const branches = (['then_branch', 'else_branch'] as const).map((name, k) => {
          const g = n.attribute.find((a) => a.name === name)?.g;
          if (!g) return undefined;
          const taken = runs && (cond === undefined || (k === 0) === (cond !== 0));
          const sub = inferGraphShapes(g, constantsOf(g), external, symbolic, shapes, undefined, values, taken);
          subgraphs.set(g, { ...sub, runs: taken });
          for (const [k2, v] of sub.subgraphs) subgraphs.set(k2, v);
          undecidedIfs += sub.undecidedIfs;
          return { g, sub };
        });
        const pick = cond === undefined ? branches : [branches[cond !== 0 ? 0 : 1]];
        const outName = (b: (typeof branches)[number], i: number) => b?.g.output[i]?.name ?? '';
        r = { outputs: n.output.map((_, i) => mergeShapes(pick.map((b) => b?.sub.shapes.get(outName(b, i))))), macs: 0 };
        if (pick.length === 1) outVals = n.output.map((_, i) => pick[0]?.sub.values.get(outName(pick[0], i)));
      } else {
        r = inferNode(n, op, ins, inVals, constants, external);
      }
    } catch {
      r = { outputs: [], macs: null };
    }
    r.outputs.forEach((s, i) => {
      const name = n.output[i];
      if (!s || !name) return;
      const had = shapes.get(name);
      if (!had) shapes.set(name, s);
      else if (had.length === s.length && had.includes(null)) shapes.set(name, had.map((d, j) => d ?? s[j]));
    });
    if (op !== 'If') {
      try {
        outVals = inferValues(n, op, ins, inVals, n.output.map((o) => shapes.get(o)), external);
      } catch {
        outVals = [];
      }
    }
    outVals.forEach((v, i) => {
      const name = n.output[i];
      if (v && name && v.v.length === (prod(shapes.get(name) ?? [null]) ?? v.v.length)) values.set(name, v);
    });
    perNode.push(r);
  }
  return { shapes, values, perNode, subgraphs, undecidedIfs };
}

/** The shape several branches agree on: a dim where they differ is unknown; undefined where ranks differ. */
function mergeShapes(all: (Shape | undefined)[]): Shape | undefined {
  if (all.length === 0 || all.some((s) => !s) || new Set(all.map((s) => s!.length)).size > 1) return undefined;
  return all[0]!.map((d, i) => (all.every((s) => s![i] === d) ? d : null));
}

/** A graph's initializers and Constant nodes' tensors by name. */
export function constantsOf(graph: GraphProto): Map<string, TensorProto> {
  const out = new Map<string, TensorProto>(graph.initializer.map((t) => [t.name, t]));
  for (const n of graph.node) {
    const t = n.opType === 'Constant' && (n.domain === '' || n.domain === 'ai.onnx') ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (t && n.output[0]) out.set(n.output[0], t);
  }
  return out;
}

function constInts(name: string, constants: ReadonlyMap<string, TensorProto>, external: ExternalData): number[] | undefined {
  const t = constants.get(name);
  return t ? Array.from(tensorToNumbers(t, external)) : undefined;
}

function inferNode(
  n: NodeProto,
  op: string,
  ins: (Shape | undefined)[],
  vals: (Val | undefined)[],
  constants: ReadonlyMap<string, TensorProto>,
  external: ExternalData,
): NodeShapeResult {
  if (n.domain === TFJS_DOMAIN) return inferTfjsNode(n, ins, (name) => constInts(name, constants, external), constants);
  const x = ins[0];
  const value = (i: number): number[] | undefined => (n.input[i] ? known(vals[i]) : undefined);
  const special = inferShapeOp(n, op, ins, vals);
  if (special) return special;
  if (op === 'Constant') {
    const t = n.attribute.find((a) => a.name === 'value')?.t;
    return { outputs: [t ? dimsOf(t) : undefined], macs: 0 };
  }
  if (UNARY_SAME.has(op) || MS_SAME.has(op)) return { outputs: [x], macs: 0 };
  if (BROADCAST.has(op)) return { outputs: [ins.every(Boolean) ? broadcast(ins as Shape[]) : undefined], macs: 0 };
  switch (op) {
    case 'Conv':
    case 'ConvInteger':
    case 'QLinearConv': {
      const w = op === 'QLinearConv' ? ins[3] : ins[1];
      const xs = op === 'QLinearConv' ? ins[0] : x;
      if (!xs || !w) return { outputs: [undefined], macs: null };
      const spatial = xs.length - 2;
      const kernel = attrInts(n, 'kernel_shape') ?? (w.slice(2) as number[]);
      const strides = attrInts(n, 'strides') ?? Array(spatial).fill(1);
      const dil = attrInts(n, 'dilations') ?? Array(spatial).fill(1);
      const pads = attrInts(n, 'pads') ?? Array(spatial * 2).fill(0);
      const autoPad = attrStr(n, 'auto_pad');
      const out: Shape = [xs[0], w[0]];
      for (let i = 0; i < spatial; i++) {
        const inD = xs[i + 2];
        if (inD === null) { out.push(null); continue; }
        if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(Math.ceil(inD / strides[i]));
        else {
          const k = (kernel[i] - 1) * dil[i] + 1;
          out.push(Math.floor((inD + pads[i] + pads[i + spatial] - k) / strides[i]) + 1);
        }
      }
      const perOut = prod(w.slice(1));
      const outCount = prod(out);
      return { outputs: [out], macs: perOut !== null && outCount !== null ? perOut * outCount : null };
    }
    case 'ConvTranspose': {
      const w = ins[1];
      if (!x || !w) return { outputs: [undefined], macs: null };
      const spatial = x.length - 2;
      const group = attrInt(n, 'group', 1);
      const kernel = attrInts(n, 'kernel_shape') ?? (w.slice(2) as number[]);
      const strides = attrInts(n, 'strides') ?? Array(spatial).fill(1);
      const dil = attrInts(n, 'dilations') ?? Array(spatial).fill(1);
      const pads = attrInts(n, 'pads') ?? Array(spatial * 2).fill(0);
      const outPad = attrInts(n, 'output_padding') ?? Array(spatial).fill(0);
      const given = attrInts(n, 'output_shape');
      const autoPad = attrStr(n, 'auto_pad');
      const out: Shape = [x[0], w[1] === null ? null : w[1] * group];
      for (let i = 0; i < spatial; i++) {
        const inD = x[i + 2];
        if (given) out.push(given[given.length - spatial + i]);
        else if (inD === null || kernel[i] === null) out.push(null);
        else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(inD * strides[i]);
        else out.push(strides[i] * (inD - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1 - pads[i] - pads[i + spatial]);
      }
      // Every input value meets Cout/group · kernel weights.
      const perIn = prod(w.slice(1));
      const inCount = prod(x);
      return { outputs: [out], macs: perIn !== null && inCount !== null ? perIn * inCount : null };
    }
    case 'Resize':
    case 'Upsample': {
      if (!x) return { outputs: [undefined], macs: 0 };
      // Resize: X, roi, scales, sizes (opset 11+), or X, scales (opset 10, and Upsample); an axes attribute (18+) is not followed.
      if (attrInts(n, 'axes')) return { outputs: [undefined], macs: 0 };
      const scalesAt = op === 'Upsample' || n.input.length === 2 ? 1 : 2;
      const sizes = value(3);
      if (sizes && sizes.length === x.length) return { outputs: [sizes], macs: 0 };
      const scales = value(scalesAt) ?? attrFloats(n, 'scales');
      if (!scales || scales.length !== x.length) return { outputs: [undefined], macs: 0 };
      return { outputs: [x.map((d, i) => (d === null ? null : Math.floor(d * scales[i])))], macs: 0 };
    }
    case 'DynamicQuantizeLinear':
      // y has x's shape; y_scale and y_zero_point are scalars.
      return { outputs: [x, [], []], macs: 0 };
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      if (!x) return { outputs: [undefined], macs: 0 };
      const spatial = x.length - 2;
      const kernel = attrInts(n, 'kernel_shape') ?? [];
      const strides = attrInts(n, 'strides') ?? Array(spatial).fill(1);
      const pads = attrInts(n, 'pads') ?? Array(spatial * 2).fill(0);
      const ceil = attrInt(n, 'ceil_mode', 0) === 1;
      const autoPad = attrStr(n, 'auto_pad');
      const out: Shape = [x[0], x[1]];
      for (let i = 0; i < spatial; i++) {
        const d = x[i + 2];
        if (d === null) { out.push(null); continue; }
        if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') { out.push(Math.ceil(d / strides[i])); continue; }
        const v = (d + pads[i] + pads[i + spatial] - kernel[i]) / strides[i] + 1;
        out.push(ceil ? Math.ceil(v) : Math.floor(v));
      }
      return { outputs: [out], macs: 0 };
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return { outputs: [x ? [x[0], x[1], ...x.slice(2).map(() => 1)] : undefined], macs: 0 };
    case 'MatMul':
    case 'MatMulInteger':
    case 'QLinearMatMul': {
      const a = x;
      const b = op === 'QLinearMatMul' ? ins[3] : ins[1];
      if (!a || !b) return { outputs: [undefined], macs: null };
      const a2 = a.length === 1 ? [1, a[0]] : a;
      const b2 = b.length === 1 ? [b[0], 1] : b;
      const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]) ?? [];
      const m = a2[a2.length - 2], k = a2[a2.length - 1], nn = b2[b2.length - 1];
      const out: Shape = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [nn])];
      const bp = prod(batch);
      return { outputs: [out], macs: bp !== null && m !== null && k !== null && nn !== null ? bp * m * k * nn : null };
    }
    case 'Gemm': {
      const a = x, b = ins[1];
      if (!a || !b || a.length !== 2 || b.length !== 2) return { outputs: [undefined], macs: null };
      const [m, k] = attrInt(n, 'transA', 0) ? [a[1], a[0]] : [a[0], a[1]];
      const nn = attrInt(n, 'transB', 0) ? b[0] : b[1];
      return { outputs: [[m, nn]], macs: m !== null && k !== null && nn !== null ? m * k * nn : null };
    }
    case 'Flatten': {
      if (!x) return { outputs: [undefined], macs: 0 };
      let axis = attrInt(n, 'axis', 1);
      if (axis < 0) axis += x.length;
      return { outputs: [[prod(x.slice(0, axis)), prod(x.slice(axis))]], macs: 0 };
    }
    case 'Transpose': {
      if (!x) return { outputs: [undefined], macs: 0 };
      const perm = attrInts(n, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return { outputs: [perm.map((p) => x[p])], macs: 0 };
    }
    case 'Concat': {
      if (!ins.every(Boolean) || ins.length === 0) return { outputs: [undefined], macs: 0 };
      const all = ins as Shape[];
      let axis = attrInt(n, 'axis', 0);
      if (axis < 0) axis += all[0].length;
      // Other dims are equal in every input: any input that knows one gives it.
      const out = all[0].map((d, i) => d ?? all.find((v) => v[i] !== null)?.[i] ?? null);
      out[axis] = all.reduce<number | null>((s, v) => (s === null || v[axis] === null ? null : s + (v[axis] as number)), 0);
      return { outputs: [out], macs: 0 };
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      if (!x) return { outputs: [undefined], macs: 0 };
      const axes = attrInts(n, 'axes') ?? value(1);
      if (op === 'Squeeze') {
        // Without axes every 1 goes: an unknown dim may be one, so the rank is unknown.
        if (!axes) return { outputs: [x.includes(null) ? undefined : x.filter((d) => d !== 1)], macs: 0 };
        const norm = axes.map((a) => (a < 0 ? a + x.length : a));
        return { outputs: [x.filter((_, i) => !norm.includes(i))], macs: 0 };
      }
      if (!axes) return { outputs: [undefined], macs: 0 };
      const rank = x.length + axes.length;
      const norm = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
      const out: Shape = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(norm.has(i) ? 1 : x[j++]);
      return { outputs: [out], macs: 0 };
    }
    default:
      return { outputs: [], macs: null };
  }
}
