import { create } from '@bufbuild/protobuf';
import {
  AttrType,
  AttributeProtoSchema,
  DataType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto';

/** Helpers to build ONNX models in code: samples, tests, and transforms that add nodes. */

type Typed = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

const bytesOf = (a: Typed) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength) as Uint8Array<ArrayBuffer>;

/** A tensor whose data is the typed array's bytes (little-endian raw_data; shares memory, no copy). */
export function tensor(name: string, dataType: DataType, dims: readonly number[], data: Typed | Uint8Array): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType,
    dims: dims.map((d) => BigInt(d)),
    rawData: data instanceof Uint8Array ? (data as Uint8Array<ArrayBuffer>) : bytesOf(data),
  });
}

export const floatTensor = (name: string, dims: readonly number[], data: Float32Array) =>
  tensor(name, DataType.FLOAT, dims, data);

/** A dimension: a number, a symbolic name ("batch"), or null for unknown. */
export type Dim = number | string | null;

export function valueInfo(name: string, elemType: DataType, shape?: readonly Dim[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType,
          shape: shape
            ? create(TensorShapeProtoSchema, {
                dim: shape.map((d) =>
                  create(TensorShapeProto_DimensionSchema, {
                    value:
                      typeof d === 'number'
                        ? { case: 'dimValue', value: BigInt(d) }
                        : typeof d === 'string'
                          ? { case: 'dimParam', value: d }
                          : { case: undefined },
                  }),
                ),
              })
            : undefined,
        }),
      },
    }),
  });
}

export type AttrValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] }
  | { t: TensorProto }
  | { g: GraphProto };

/** Attribute value helpers: ints and floats must be told apart explicitly (ONNX types them). */
export const attr = {
  i: (v: number): AttrValue => ({ i: v }),
  f: (v: number): AttrValue => ({ f: v }),
  s: (v: string): AttrValue => ({ s: v }),
  ints: (v: readonly number[]): AttrValue => ({ ints: v }),
  floats: (v: readonly number[]): AttrValue => ({ floats: v }),
  strings: (v: readonly string[]): AttrValue => ({ strings: v }),
  t: (v: TensorProto): AttrValue => ({ t: v }),
  g: (v: GraphProto): AttrValue => ({ g: v }),
};

const enc = new TextEncoder();

function makeAttribute(name: string, v: AttrValue): AttributeProto {
  if ('i' in v) return create(AttributeProtoSchema, { name, type: AttrType.INT, i: BigInt(v.i) });
  if ('f' in v) return create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: v.f });
  if ('s' in v) return create(AttributeProtoSchema, { name, type: AttrType.STRING, s: enc.encode(v.s) });
  if ('ints' in v) return create(AttributeProtoSchema, { name, type: AttrType.INTS, ints: v.ints.map((x) => BigInt(x)) });
  if ('floats' in v) return create(AttributeProtoSchema, { name, type: AttrType.FLOATS, floats: [...v.floats] });
  if ('strings' in v) return create(AttributeProtoSchema, { name, type: AttrType.STRINGS, strings: v.strings.map((x) => enc.encode(x)) });
  if ('t' in v) return create(AttributeProtoSchema, { name, type: AttrType.TENSOR, t: v.t });
  return create(AttributeProtoSchema, { name, type: AttrType.GRAPH, g: v.g });
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Record<string, AttrValue> = {},
  extra: { name?: string; domain?: string } = {},
): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: extra.name ?? outputs[0] ?? opType,
    ...(extra.domain ? { domain: extra.domain } : {}),
    attribute: Object.entries(attrs).map(([k, v]) => makeAttribute(k, v)),
  });
}

export function graph(g: {
  name: string;
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  initializers?: TensorProto[];
  valueInfo?: ValueInfoProto[];
  docString?: string;
}): GraphProto {
  return create(GraphProtoSchema, {
    name: g.name,
    node: g.nodes,
    input: g.inputs,
    output: g.outputs,
    initializer: g.initializers ?? [],
    valueInfo: g.valueInfo ?? [],
    ...(g.docString ? { docString: g.docString } : {}),
  });
}

export interface ModelOptions {
  graph: GraphProto;
  /** Default-domain opset version, or the full list of imports. */
  opset?: number | { domain: string; version: number }[];
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/** IR version that goes with an opset (onnx/helper.py's table, abridged). */
export function irVersionForOpset(opset: number): number {
  if (opset >= 23) return 11;
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  if (opset >= 15) return 8;
  if (opset >= 13) return 7;
  return 6;
}

export function model(m: ModelOptions): ModelProto {
  const imports = typeof m.opset === 'object' ? m.opset : [{ domain: '', version: m.opset ?? 17 }];
  const mainOpset = imports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 17;
  return create(ModelProtoSchema, {
    irVersion: BigInt(m.irVersion ?? irVersionForOpset(mainOpset)),
    producerName: m.producerName ?? 'pareto-studio',
    ...(m.producerVersion ? { producerVersion: m.producerVersion } : {}),
    ...(m.docString ? { docString: m.docString } : {}),
    opsetImport: imports.map((o) => create(OperatorSetIdProtoSchema, { domain: o.domain, version: BigInt(o.version) })),
    metadataProps: Object.entries(m.metadata ?? {}).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
    graph: m.graph,
  });
}
