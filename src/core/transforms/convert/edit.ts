import { create } from '@bufbuild/protobuf';
import { AttrType, AttributeProtoSchema, DataType, type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../../formats/onnx/proto';
import { node as makeNode, tensor, type AttrValue } from '../../formats/onnx/builder';
import { floatToHalf } from '../quantize/float16';
import { shallowCopy } from '../quantize/graph';

/** Graph plumbing for the opset converter: attributes, fresh names, constants, element types and ranks. */

const dec = new TextDecoder();

export const attrOf = (n: NodeProto, name: string): AttributeProto | undefined => n.attribute.find((a) => a.name === name);
export const intAttr = (n: NodeProto, name: string): number | undefined => {
  const a = attrOf(n, name);
  return a ? Number(a.i) : undefined;
};
export const intsAttr = (n: NodeProto, name: string): number[] | undefined => attrOf(n, name)?.ints.map(Number);
/** The int64 values exactly (Slice ends are often INT64_MAX, which a double cannot hold). */
export const bigintsAttr = (n: NodeProto, name: string): bigint[] | undefined => attrOf(n, name)?.ints.slice();
export const floatAttr = (n: NodeProto, name: string): number | undefined => attrOf(n, name)?.f;
export const floatsAttr = (n: NodeProto, name: string): number[] | undefined => attrOf(n, name)?.floats.slice();
export const stringAttr = (n: NodeProto, name: string): string | undefined => {
  const a = attrOf(n, name);
  return a ? dec.decode(a.s) : undefined;
};
/** Removes attributes (the node is the converter's own copy; the attribute objects may be shared, so never mutated). */
export function dropAttrs(n: NodeProto, ...names: string[]): void {
  n.attribute = n.attribute.filter((a) => !names.includes(a.name));
}
export function setAttr(n: NodeProto, name: string, v: AttrValue): void {
  dropAttrs(n, name);
  n.attribute.push(makeNode('X', [], [], { [name]: v }).attribute[0]);
}
export function setStringAttr(n: NodeProto, name: string, s: string): void {
  dropAttrs(n, name);
  n.attribute.push(create(AttributeProtoSchema, { name, type: AttrType.STRING, s: new TextEncoder().encode(s) }));
}

/** Element types whose scalars the converter can write (Clip bounds, Pad values). */
const SCALAR_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64, DataType.BOOL]);

/** Ops whose first output has the element type of their first input (for the little type inference below). */
const TYPE_OF = (n: NodeProto): number | 'input0' | undefined => {
  switch (n.opType) {
    case 'Cast':
      return intAttr(n, 'to');
    case 'Shape':
    case 'Size':
    case 'NonZero':
    case 'ArgMax':
    case 'ArgMin':
    case 'NonMaxSuppression':
      return DataType.INT64;
    case 'Equal':
    case 'Less':
    case 'Greater':
    case 'LessOrEqual':
    case 'GreaterOrEqual':
    case 'Not':
    case 'And':
    case 'Or':
    case 'Xor':
    case 'IsNaN':
    case 'IsInf':
      return DataType.BOOL;
    case 'Constant':
      return attrOf(n, 'value')?.t?.dataType;
    case 'DequantizeLinear':
      return DataType.FLOAT;
    case 'QuantizeLinear':
    case 'DynamicQuantizeLinear':
      return DataType.UINT8;
    case 'ConstantOfShape':
      return attrOf(n, 'value')?.t?.dataType ?? DataType.FLOAT;
    default:
      return 'input0';
  }
};

/** Ops whose first output has the shape of their first input. */
const SAME_SHAPE = new Set([
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Cast', 'Ceil', 'Celu', 'Clip', 'Cos', 'Cosh', 'Dropout', 'Elu', 'Erf', 'Exp',
  'Floor', 'Gelu', 'HardSigmoid', 'HardSwish', 'Identity', 'IsInf', 'IsNaN', 'LeakyRelu', 'Log', 'LRN', 'Mish', 'Neg', 'Not', 'Reciprocal',
  'Relu', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softplus', 'Softsign', 'Sqrt', 'Tan', 'Tanh', 'ThresholdedRelu',
  'Softmax', 'LogSoftmax', 'Hardmax', 'BatchNormalization', 'InstanceNormalization', 'LayerNormalization',
]);

const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Max', 'Min', 'Sum', 'Mean', 'Where', 'PRelu', 'Mod', 'BitShift']);
const KEEP_RANK = new Set(['Transpose', 'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'Resize', 'Upsample', 'Pad', 'Slice', 'Tile', 'Concat', 'DepthToSpace', 'SpaceToDepth', 'CumSum', 'ScatterElements', 'Scatter', 'ScatterND', 'GatherElements', 'Trilu', 'ReverseSequence', 'LpNormalization', 'MeanVarianceNormalization', 'GroupNormalization', 'Split', 'ImageScaler', 'Affine', 'Scale', 'ScaledTanh', 'ParametricSoftplus']);

/** The rank of a node's first output from its inputs' ranks, where the op says it. */
function rankOf(n: NodeProto, r: (name: string) => number | undefined, init: (name: string) => TensorProto | undefined): number | undefined {
  const r0 = r(n.input[0] ?? '');
  if (SAME_SHAPE.has(n.opType) || KEEP_RANK.has(n.opType)) return r0;
  if (BROADCASTING.has(n.opType)) {
    const rs = n.input.filter((x) => x).map(r);
    return rs.every((x) => x !== undefined) ? Math.max(...(rs as number[])) : undefined;
  }
  const axesLen = () => {
    const a = intsAttr(n, 'axes');
    if (a) return a.length;
    const t = n.input[1] ? init(n.input[1]) : undefined;
    return t ? Number(t.dims[0] ?? 1) : undefined;
  };
  switch (n.opType) {
    case 'Flatten':
    case 'Gemm':
      return 2;
    case 'Shape':
      return 1;
    case 'Size':
      return 0;
    case 'MatMul': {
      const r1 = r(n.input[1]);
      return r0 !== undefined && r1 !== undefined && r0 >= 2 && r1 >= 2 ? Math.max(r0, r1) : undefined;
    }
    case 'Unsqueeze': {
      const k = axesLen();
      return r0 !== undefined && k !== undefined ? r0 + k : undefined;
    }
    case 'Squeeze': {
      const k = intsAttr(n, 'axes')?.length ?? (n.input[1] ? axesLen() : undefined);
      return r0 !== undefined && k !== undefined ? r0 - k : undefined;
    }
    case 'Reshape': {
      const t = n.input[1] ? init(n.input[1]) : undefined;
      return t ? Number(t.dims[0] ?? 0) : (intsAttr(n, 'shape')?.length);
    }
    case 'Gather': {
      const r1 = r(n.input[1]);
      return r0 !== undefined && r1 !== undefined ? r0 + r1 - 1 : undefined;
    }
    default:
      if (n.opType.startsWith('Reduce')) {
        if ((intAttr(n, 'keepdims') ?? 1) === 1) return r0;
        const k = axesLen();
        return r0 !== undefined && k !== undefined ? r0 - k : undefined;
      }
      return undefined;
  }
}

export interface Change {
  node: string;
  opType: string;
  /** The opset at which the change applies. */
  opset: number;
  what: string;
}

/** One graph being converted: its new node list, the model-wide name pool and what is known about types and ranks. */
export class GraphEdit {
  readonly out: NodeProto[] = [];
  /** Helper nodes the converter wrote itself: already in their target form, never adapted again. */
  readonly fresh: WeakSet<NodeProto>;
  /** Resize nodes that were Upsample (scales >= 1 by definition). */
  readonly enlargeOnly: WeakSet<NodeProto>;
  private readonly types = new Map<string, number>();
  private readonly ranks = new Map<string, number>();

  constructor(
    readonly graph: GraphProto,
    readonly names: Set<string>,
    readonly target: number,
    private readonly outer?: GraphEdit,
  ) {
    this.fresh = outer?.fresh ?? new WeakSet();
    this.enlargeOnly = outer?.enlargeOnly ?? new WeakSet();
    const known = (vi: ValueInfoProto) => {
      const t = vi.type?.value.case === 'tensorType' ? vi.type.value.value : undefined;
      if (!t) return;
      if (t.elemType) this.types.set(vi.name, t.elemType);
      if (t.shape) this.ranks.set(vi.name, t.shape.dim.length);
    };
    [...graph.input, ...graph.output, ...graph.valueInfo].forEach(known);
    for (const t of graph.initializer) {
      this.types.set(t.name, t.dataType);
      this.ranks.set(t.name, t.dims.length);
    }
    // Forward through the graph (nodes are in topological order): what the declarations leave out.
    for (const n of graph.node) {
      const o = n.output[0];
      if (!o) continue;
      if (!this.types.has(o)) {
        const t = TYPE_OF(n);
        const v = t === 'input0' ? this.typeKnown(n.input[0]) : t;
        if (v) this.types.set(o, v);
      }
      const r = rankOf(n, (x) => this.rank(x), (x) => this.initializer(x));
      if (r !== undefined) {
        for (const out of n.opType === 'Split' ? n.output : [o]) if (out && !this.ranks.has(out)) this.ranks.set(out, r);
      }
    }
  }

  /** A name used nowhere in the model. */
  name(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** A helper node in its target form. */
  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): NodeProto {
    const n = makeNode(opType, inputs, outputs, attrs, { name: this.name(name ?? `${outputs[0]}_${opType.toLowerCase()}`) });
    this.fresh.add(n);
    return n;
  }

  /** A new int64 initializer of this graph; returns its name. */
  int64s(base: string, values: readonly (number | bigint)[], scalar = false): string {
    const name = this.name(base);
    this.addInitializer(tensor(name, DataType.INT64, scalar ? [] : [values.length], BigInt64Array.from(values.map((v) => BigInt(v)))));
    return name;
  }

  floats(base: string, values: readonly number[]): string {
    const name = this.name(base);
    this.addInitializer(tensor(name, DataType.FLOAT, [values.length], Float32Array.from(values)));
    return name;
  }

  /** A scalar initializer of the given element type; undefined when that type cannot hold scalars here (strings). */
  scalar(base: string, value: number, dataType: number): string | undefined {
    if (!SCALAR_TYPES.has(dataType)) return undefined;
    const name = this.name(base);
    const data = (() => {
      switch (dataType) {
        case DataType.FLOAT: return Float32Array.of(value);
        case DataType.DOUBLE: return Float64Array.of(value);
        case DataType.FLOAT16: return Uint16Array.of(floatToHalf(value, new Uint32Array(Float32Array.of(value).buffer)[0]));
        case DataType.INT8: return Int8Array.of(value);
        case DataType.UINT8: case DataType.BOOL: return Uint8Array.of(value);
        case DataType.INT16: return Int16Array.of(value);
        case DataType.UINT16: return Uint16Array.of(value);
        case DataType.INT32: return Int32Array.of(value);
        case DataType.UINT32: return Uint32Array.of(value);
        case DataType.INT64: return BigInt64Array.of(BigInt(Math.trunc(Math.max(-9.2e18, Math.min(9.2e18, value)))));
        default: return BigUint64Array.of(BigInt(Math.trunc(Math.max(0, Math.min(1.8e19, value)))));
      }
    })();
    this.addInitializer(tensor(name, dataType, [], data));
    return name;
  }

  /** The element type of a value (declared, or carried forward through the graph); FLOAT if unknown. */
  elemType(name: string): number {
    return this.typeKnown(name) ?? DataType.FLOAT;
  }

  /** Declared or carried forward here, else in the graphs around this one (a subgraph reads their values). */
  private typeKnown(name: string): number | undefined {
    return this.types.get(name) ?? this.outer?.typeKnown(name);
  }

  /** The rank of a value (declared, or carried forward through the graph), if known. */
  rank(name: string): number | undefined {
    return this.ranks.get(name) ?? this.outer?.rank(name);
  }

  private inits?: Map<string, TensorProto>;

  /** The initializer of this graph with this name, if any (the converter's own included). */
  initializer(name: string): TensorProto | undefined {
    this.inits ??= new Map(this.graph.initializer.map((t) => [t.name, t]));
    return this.inits.get(name) ?? this.outer?.initializer(name);
  }

  /** Adds an initializer to this graph. */
  addInitializer(t: TensorProto): string {
    this.graph.initializer.push(t);
    this.inits?.set(t.name, t);
    this.types.set(t.name, t.dataType);
    this.ranks.set(t.name, t.dims.length);
    return t.name;
  }

  /** A new initializer: `t`'s data (shared, not copied) under new dims. */
  reshaped(t: TensorProto, dims: readonly number[]): string {
    const c = shallowCopy(t);
    c.name = this.name(`${t.name}_reshaped`);
    c.dims = dims.map((d) => BigInt(d));
    return this.addInitializer(c);
  }

  private used?: Set<string>;

  /** Whether a value is read by any node of this graph (or its subgraphs) or is an output of the graph. */
  isUsed(name: string): boolean {
    if (!name) return false;
    if (!this.used) {
      const used = new Set<string>();
      const visit = (g: GraphProto) => {
        g.output.forEach((o) => used.add(o.name));
        for (const n of g.node) {
          n.input.forEach((i) => used.add(i));
          for (const a of n.attribute) {
            if (a.g) visit(a.g);
            a.graphs.forEach(visit);
          }
        }
      };
      visit(this.graph);
      this.used = used;
    }
    return this.used.has(name);
  }
}

/** Every name the model uses (values, nodes, initializers, all graphs), so new ones never collide. */
export function namesOf(model: ModelProto): Set<string> {
  const names = new Set<string>();
  const visit = (g: GraphProto) => {
    for (const v of [...g.input, ...g.output, ...g.valueInfo]) names.add(v.name);
    for (const t of g.initializer) names.add(t.name);
    for (const n of g.node) {
      names.add(n.name);
      n.input.forEach((x) => names.add(x));
      n.output.forEach((x) => names.add(x));
      for (const a of n.attribute) {
        if (a.g) visit(a.g);
        a.graphs.forEach(visit);
      }
    }
  };
  if (model.graph) visit(model.graph);
  return names;
}
