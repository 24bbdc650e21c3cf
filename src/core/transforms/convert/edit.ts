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
  readonly fresh = new WeakSet<NodeProto>();
  /** Resize nodes that were Upsample (scales >= 1 by definition). */
  readonly enlargeOnly = new WeakSet<NodeProto>();
  private readonly producer = new Map<string, NodeProto>();
  private readonly types = new Map<string, number>();
  private readonly ranks = new Map<string, number>();

  constructor(
    readonly graph: GraphProto,
    readonly names: Set<string>,
    readonly target: number,
    outer?: GraphEdit,
  ) {
    if (outer) {
      for (const [k, v] of outer.types) this.types.set(k, v);
      for (const [k, v] of outer.ranks) this.ranks.set(k, v);
      for (const [k, v] of outer.producer) this.producer.set(k, v);
    }
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
    for (const n of graph.node) for (const o of n.output) if (o) this.producer.set(o, n);
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
  int64s(base: string, values: readonly number[], scalar = false): string {
    const name = this.name(base);
    this.graph.initializer.push(tensor(name, DataType.INT64, scalar ? [] : [values.length], BigInt64Array.from(values.map((v) => BigInt(v)))));
    return name;
  }

  floats(base: string, values: readonly number[]): string {
    const name = this.name(base);
    this.graph.initializer.push(tensor(name, DataType.FLOAT, [values.length], Float32Array.from(values)));
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
    this.graph.initializer.push(tensor(name, dataType, [], data));
    return name;
  }

  /** The element type of a value (declared, or followed back through ops that keep their input's type); FLOAT if unknown. */
  elemType(name: string): number {
    for (let depth = 0; depth < 1000; depth++) {
      const t = this.types.get(name);
      if (t) return t;
      const p = this.producer.get(name);
      if (!p) break;
      const r = TYPE_OF(p);
      if (typeof r === 'number') return r;
      if (r === undefined || !p.input[0]) break;
      name = p.input[0];
    }
    return DataType.FLOAT;
  }

  /** The rank of a value (declared, or followed back through ops that keep their input's shape). */
  rank(name: string): number | undefined {
    for (let depth = 0; depth < 1000; depth++) {
      const r = this.ranks.get(name);
      if (r !== undefined) return r;
      const p = this.producer.get(name);
      if (!p || !SAME_SHAPE.has(p.opType) || !p.input[0]) return undefined;
      name = p.input[0];
    }
    return undefined;
  }

  /** The initializer of this graph with this name, if any. */
  initializer(name: string): TensorProto | undefined {
    return this.graph.initializer.find((t) => t.name === name);
  }

  /** A new initializer: `t`'s data (shared, not copied) under new dims. */
  reshaped(t: TensorProto, dims: readonly number[]): string {
    const c = shallowCopy(t);
    c.name = this.name(`${t.name}_reshaped`);
    c.dims = dims.map((d) => BigInt(d));
    this.graph.initializer.push(c);
    this.types.set(c.name, c.dataType);
    this.ranks.set(c.name, dims.length);
    return c.name;
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
