/**
 * A model carrying protobuf fields newer ONNX versions may add (unknown to onnx-buf), hand-encoded around normal
 * messages: readers and writers must keep them byte for byte. Split from ./fixtures.ts.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { DataType, GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, StringStringEntryProtoSchema, TensorProtoSchema, type GraphProto, type ModelProto, type NodeProto } from '../formats/onnx/proto';
import * as build from '../formats/onnx/builder';
import { BIG_K, BIG_N, concatBytes, randomFloats } from './fixtures';

const { attr, node, graph, valueInfo, floatTensor } = build;

/* ---------------------------------------------------- hand-encoded protobuf (unknown fields) ---------------------------------------------------- */

function varintBytes(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** Wire type 2: tag, length, bytes. */
export function lenField(fieldNo: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  return concatBytes([Uint8Array.from([...varintBytes((fieldNo << 3) | 2), ...varintBytes(payload.length)]), payload]);
}

/** Wire type 0: tag, varint. */
export function varintField(fieldNo: number, value: number | bigint): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([...varintBytes(fieldNo << 3), ...varintBytes(value)]);
}

/** Wire type 5 (fixed32) or 1 (fixed64). */
function fixedField(fieldNo: number, bytes: 4 | 8, value: number): Uint8Array<ArrayBuffer> {
  const tag = varintBytes((fieldNo << 3) | (bytes === 4 ? 5 : 1));
  const b = new Uint8Array(bytes);
  const dv = new DataView(b.buffer);
  if (bytes === 4) dv.setFloat32(0, value, true);
  else dv.setFloat64(0, value, true);
  return concatBytes([Uint8Array.from(tag), b]);
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Field numbers no ONNX schema uses, standing in for fields "from the future". */
const FUTURE = { model: 9001, graph: 9002, node: 9003, tensor: 9004, bigTensor: 9005, subgraph: 9006, subNode: 9007 } as const;

/** The unknown field bytes appended to each message of `unknownFieldsModel` (exactly as encoded). */
export interface UnknownFieldsFixture {
  bytes: Uint8Array<ArrayBuffer>;
  /** Appended bytes by message, to compare with `$unknown` after decoding. */
  appended: Record<keyof typeof FUTURE, Uint8Array>;
}

/**
 * A model whose ModelProto, main GraphProto, a NodeProto, a small TensorProto, a big (> 64 KiB) TensorProto, an If
 * subgraph (holding a big initializer) and a node in it carry fields newer than the schema, encoded by hand.
 * Also metadata_props on the model and on nodes. The If node's else_branch (a big Constant) comes before its
 * then_branch, which is framed by hand. Runs in onnxruntime: cond, x[1,128] -> y[1,160], scale_out[128,160].
 */
export function unknownFieldsModel(): UnknownFieldsFixture {
  const appended = {
    model: concatBytes([lenField(FUTURE.model, utf8('model-from-the-future')), varintField(FUTURE.model + 1, 123456789n)]),
    graph: concatBytes([lenField(FUTURE.graph, utf8('graph-ext')), fixedField(FUTURE.graph + 1, 4, 1.5)]),
    node: concatBytes([lenField(FUTURE.node, utf8('node-ext ✓')), fixedField(FUTURE.node + 1, 8, -2.25)]),
    tensor: varintField(FUTURE.tensor, 42),
    bigTensor: lenField(FUTURE.bigTensor, Uint8Array.of(0, 255, 7, 9)),
    subgraph: varintField(FUTURE.subgraph, 7),
    subNode: lenField(FUTURE.subNode, utf8('inner')),
  };
  const meta = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });

  // Subgraph (then branch) with a big initializer and a node with an unknown field.
  const subNode = node('MatMul', ['x', 'Wt'], ['t_out'], {}, { name: 'then_matmul' });
  subNode.metadataProps.push(meta('inner-note', 'in a subgraph'));
  const Wt = floatTensor('Wt', [BIG_K, BIG_N], randomFloats(BIG_K * BIG_N, 71, 0.1));
  const thenShell = graph({ name: 'then_g', nodes: [], inputs: [], outputs: [valueInfo('t_out', DataType.FLOAT, [1, BIG_N])] });
  const thenBytes = concatBytes([
    toBinary(GraphProtoSchema, thenShell),
    lenField(1, concatBytes([toBinary(NodeProtoSchema, subNode), appended.subNode])),
    lenField(5, toBinary(TensorProtoSchema, Wt)),
    appended.subgraph,
  ]);
  const elseBranch = graph({
    name: 'else_g',
    nodes: [
      node('Constant', [], ['We'], { value: attr.t(floatTensor('We_value', [BIG_K, BIG_N], randomFloats(BIG_K * BIG_N, 72, 0.1))) }),
      node('MatMul', ['x', 'We'], ['e_out']),
    ],
    inputs: [],
    outputs: [valueInfo('e_out', DataType.FLOAT, [1, BIG_N])],
  });
  // The If node: its then_branch attribute (AttributeProto field 6 = g) is framed by hand around thenBytes.
  const ifShell = node('If', ['cond'], ['m'], { else_branch: attr.g(elseBranch) }, { name: 'if0' });
  ifShell.metadataProps.push(meta('note', 'a node with metadata'));
  const thenAttr = concatBytes([lenField(1, utf8('then_branch')), varintField(20, 5 /* GRAPH */), lenField(6, thenBytes)]);
  const ifBytes = concatBytes([toBinary(NodeProtoSchema, ifShell), lenField(5, thenAttr), appended.node]);

  const bias = floatTensor('bias', [BIG_N], randomFloats(BIG_N, 73));
  const bigTensor = floatTensor('scale_big', [BIG_K, BIG_N], randomFloats(BIG_K * BIG_N, 74));
  const addNode = node('Add', ['m', 'bias'], ['y'], {}, { name: 'add' });
  const mainShell = graph({
    name: 'main_g',
    nodes: [],
    inputs: [valueInfo('cond', DataType.BOOL, []), valueInfo('x', DataType.FLOAT, [1, BIG_K])],
    outputs: [valueInfo('y', DataType.FLOAT, [1, BIG_N]), valueInfo('scale_out', DataType.FLOAT, [BIG_K, BIG_N])],
  });
  const idNode = node('Identity', ['scale_big'], ['scale_out'], {}, { name: 'id' });
  const graphBytes = concatBytes([
    toBinary(GraphProtoSchema, mainShell),
    lenField(1, ifBytes),
    lenField(1, toBinary(NodeProtoSchema, addNode)),
    lenField(1, toBinary(NodeProtoSchema, idNode)),
    lenField(5, concatBytes([toBinary(TensorProtoSchema, bias), appended.tensor])),
    lenField(5, concatBytes([toBinary(TensorProtoSchema, bigTensor), appended.bigTensor])),
    appended.graph,
  ]);
  const shell = build.model({ graph: mainShell, opset: 17, metadata: { license: 'MIT', 'ünïcode-key': 'välue ✓' } });
  shell.graph = undefined;
  const bytes = concatBytes([toBinary(ModelProtoSchema, shell), lenField(7, graphBytes), appended.model]);
  return { bytes, appended };
}

/** Messages of `unknownFieldsModel` that carry unknown fields, located in a decoded model. */
export function unknownFieldCarriers(m: ModelProto): Record<keyof typeof FUTURE, { $unknown?: { data: Uint8Array }[] }> {
  const g = m.graph as GraphProto;
  const ifNode = g.node.find((n) => n.opType === 'If') as NodeProto;
  const sub = ifNode.attribute.find((a) => a.name === 'then_branch')!.g as GraphProto;
  return {
    model: m,
    graph: g,
    node: ifNode,
    tensor: g.initializer.find((t) => t.name === 'bias')!,
    bigTensor: g.initializer.find((t) => t.name === 'scale_big')!,
    subgraph: sub,
    subNode: sub.node[0],
  };
}

/** `$unknown` entries as they appear on the wire (tag + data; data of a length-delimited field keeps its length prefix). */
export function unknownBytes(msg: { $unknown?: { no: number; wireType: number; data: Uint8Array }[] }): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const u of msg.$unknown ?? []) parts.push(Uint8Array.from(varintBytes((u.no << 3) | u.wireType)), u.data);
  return concatBytes(parts);
}
