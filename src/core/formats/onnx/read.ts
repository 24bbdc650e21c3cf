import { fromBinary, ScalarType } from '@bufbuild/protobuf';
import { ParetoError } from '../../errors';
import { ModelProtoSchema, type ModelProto, type TensorProto } from './proto';
import { quoteList } from '../../text';
import { checkGraph } from './check-graph';
import { checkTensorData } from './check-tensor';
import { externalRef, isExternal, normaliseLocation, plainBytes, tensorByteLength, type ExternalData } from './tensor';
import { graphsOf } from './walk';
import { identifyForeign } from './sniff';

import { MAX_PROTOBUF_BYTES } from '../limits';

export { MAX_PROTOBUF_BYTES };

export interface OnnxModel {
  proto: ModelProto;
  /** External data files by normalised relative location (views, never copies). */
  external: ExternalData;
  /** Size of the .onnx protobuf itself. */
  byteLength: number;
}

/** Bytes `offset .. offset + length` of an external data file. */
export interface ExternalRange {
  offset: number;
  length: number;
}

export interface ReadOptions {
  /**
   * Returns the bytes of an external data file named in the model (relative location, normalised: never "..", never
   * absolute), or undefined when there is none. `tensor` is the first tensor that names it, for messages; `ranges` are
   * the byte ranges the model's tensors read from it (checked: whole numbers, lengths matching the dims). A loader
   * may read only those ranges into a buffer of min(file size, furthest range end) bytes, leaving gaps zero; it must
   * not return fewer bytes than the file has up to that point (the range checks use the length it returns).
   */
  loadExternal?: (location: string, tensor: string, ranges: readonly ExternalRange[]) => Uint8Array | undefined;
  /** File name, for messages. */
  fileName?: string;
}

/**
 * Decode and check an ONNX model. Tensor bytes are not copied: raw_data fields are views into `input` (plain
 * Uint8Array views, also when it is a Node Buffer: see plainBytes).
 * Throws ParetoError with a specific code and message for every kind of bad input.
 */
export function readOnnx(input: Uint8Array, options: ReadOptions = {}): OnnxModel {
  const name = options.fileName ? `"${options.fileName}"` : 'The file';
  if (input.length === 0) throw new ParetoError('not-onnx', `${name} is empty.`);
  if (input.length > MAX_PROTOBUF_BYTES) {
    throw new ParetoError(
      'too-large',
      `${name} is ${(input.length / 2 ** 30).toFixed(2)} GiB; an ONNX protobuf file cannot exceed 2 GiB. ` +
        'Larger models keep their weights in external data files (onnx.save(..., save_as_external_data=True)).',
    );
  }
  const bytes = plainBytes(input);
  const foreign = identifyForeign(bytes);
  if (foreign) throw new ParetoError('not-onnx', `${name} is not an ONNX model: it looks like ${foreign}.`);

  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // The library's message does not tell a cut-short file from random bytes ("premature EOF" comes from both, and a
    // cut inside a float reads past a DataView instead): look at the top-level fields to tell which it is.
    const shape = topLevelShape(bytes);
    if (shape.kind === 'truncated') {
      throw new ParetoError(
        'truncated',
        `${name} is truncated: it starts like an ONNX model (IR version ${shape.irVersion}), but it has ${bytes.length} ` +
          `bytes where its fields need at least ${bytes.length + shape.missing}. Copy or download it again.`,
      );
    }
    if (shape.kind === 'damaged') {
      throw new ParetoError(
        'invalid-model',
        `${name} is damaged: it is laid out like an ONNX model (IR version ${shape.irVersion}) but its contents do not ` +
          `decode (${msg}).`,
      );
    }
    throw new ParetoError('not-onnx', `${name} is not an ONNX model: it does not decode as an ONNX protobuf (${msg}).`);
  }
  if (!proto.graph) {
    if (proto.irVersion > 0n) {
      // Writers put ir_version and the producer (and maybe the opsets) before the graph: a file cut right before the
      // graph decodes to just that.
      throw new ParetoError(
        'truncated',
        `${name} holds only the header of an ONNX model (IR version ${proto.irVersion}) and no graph: ` +
          'it is truncated (cut short in transfer?) or not a complete model.',
      );
    }
    throw new ParetoError('not-onnx', `${name} is not an ONNX model: it holds no graph.`);
  }
  if (proto.opsetImport.length === 0) {
    throw new ParetoError(
      'invalid-model',
      `${name} declares no opset imports, which every ONNX model needs; the file may be truncated.`,
    );
  }

  // Shapes against bytes (dims, dtypes, raw_data and typed fields, external offsets and lengths), then the external
  // files (only the ranges the tensors name), their ranges against the files, then the wiring: nothing else looks at
  // a tensor or a node before these pass.
  for (const t of dataTensors(proto)) checkTensorData(t);
  const external = resolveExternal(proto, options);
  if (external.size > 0) for (const t of dataTensors(proto)) if (isExternal(t)) checkTensorData(t, external);
  checkGraph(proto);
  return { proto, external, byteLength: bytes.length };
}

type TopLevelShape =
  /** `missing`: how many more bytes the last field needs, at least. */
  | { kind: 'truncated'; irVersion: number; missing: number }
  | { kind: 'damaged'; irVersion: number }
  | { kind: 'foreign' };

/** Wire type each ModelProto field is written with (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
const MODEL_WIRE_TYPES: ReadonlyMap<number, number> = new Map(
  ModelProtoSchema.fields.map((f) => {
    if (f.fieldKind !== 'scalar') return [f.number, 2];
    if (f.scalar === ScalarType.STRING || f.scalar === ScalarType.BYTES) return [f.number, 2];
    if (f.scalar === ScalarType.DOUBLE || f.scalar === ScalarType.FIXED64 || f.scalar === ScalarType.SFIXED64) return [f.number, 1];
    if (f.scalar === ScalarType.FLOAT || f.scalar === ScalarType.FIXED32 || f.scalar === ScalarType.SFIXED32) return [f.number, 5];
    return [f.number, 0];
  }),
);

/**
 * Walk the top-level fields of a buffer that failed to decode. An ONNX file cut short is a run of well-formed
 * ModelProto fields (or newer ones after ir_version), with ir_version among them, whose last field runs past the end;
 * if every field is whole,
 * the damage is inside. Anything else (unknown field numbers, wrong wire types) is not an ONNX model.
 */
function topLevelShape(b: Uint8Array): TopLevelShape {
  let pos = 0;
  let irVersion = 0;
  // Reads a varint at pos; undefined when the buffer ends inside it.
  const varint = (): number | undefined => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= b.length) return undefined;
      const c = b[pos++];
      v += (c & 0x7f) * mul;
      mul *= 128;
      if (c < 0x80) return v;
    }
    return Number.NaN;
  };
  const cut = (missing: number): TopLevelShape =>
    irVersion > 0 ? { kind: 'truncated', irVersion, missing } : { kind: 'foreign' };
  while (pos < b.length) {
    const tag = varint();
    if (tag === undefined) return cut(1);
    const fieldNo = Math.floor(tag / 8);
    const wireType = tag % 8;
    const expected = MODEL_WIRE_TYPES.get(fieldNo);
    // After ir_version, a field this schema does not know (from a newer ONNX) is fine if its wire type is valid.
    const ok = expected === undefined ? irVersion > 0 && fieldNo > 0 && [0, 1, 2, 5].includes(wireType) : expected === wireType;
    if (!ok) return { kind: 'foreign' };
    if (wireType === 0) {
      const v = varint();
      if (v === undefined) return cut(1);
      if (Number.isNaN(v)) return { kind: 'foreign' };
      if (fieldNo === 1) {
        if (v < 1 || v > 100) return { kind: 'foreign' };
        irVersion = v;
      }
    } else {
      const len = wireType === 2 ? varint() : wireType === 1 ? 8 : 4;
      if (len === undefined) return cut(1);
      if (Number.isNaN(len)) return { kind: 'foreign' };
      if (pos + len > b.length) return cut(pos + len - b.length);
      pos += len;
    }
  }
  return irVersion > 0 ? { kind: 'damaged', irVersion } : { kind: 'foreign' };
}

/** Every tensor of the model that may hold data: initializers, sparse initializers and node attributes, in all graphs. */
function* dataTensors(proto: ModelProto): Generator<TensorProto> {
  for (const { graph } of graphsOf(proto)) {
    yield* graph.initializer;
    for (const s of graph.sparseInitializer) {
      if (s.values) yield s.values;
      if (s.indices) yield s.indices;
    }
    for (const n of graph.node) {
      for (const a of n.attribute) {
        if (a.t) yield a.t;
        yield* a.tensors;
        if (a.sparseTensor?.values) yield a.sparseTensor.values;
        if (a.sparseTensor?.indices) yield a.sparseTensor.indices;
      }
    }
  }
}

/** Every external data file the model names (normalised location -> the first tensor naming it, and every range). */
function externalLocations(proto: ModelProto): Map<string, { tensor: string; ranges: ExternalRange[] }> {
  const out = new Map<string, { tensor: string; ranges: ExternalRange[] }>();
  for (const t of dataTensors(proto)) {
    if (!isExternal(t)) continue;
    const ref = externalRef(t);
    const loc = normaliseLocation(ref.location);
    const e = out.get(loc) ?? { tensor: t.name, ranges: [] };
    e.ranges.push({ offset: ref.offset, length: ref.length ?? tensorByteLength(t) });
    out.set(loc, e);
  }
  return out;
}

function resolveExternal(proto: ModelProto, options: ReadOptions): Map<string, Uint8Array> {
  const external = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const [loc, { tensor, ranges }] of externalLocations(proto)) {
    const data = options.loadExternal?.(loc, tensor, ranges);
    if (data) external.set(loc, plainBytes(data));
    else missing.push(loc);
  }
  if (missing.length > 0) {
    throw new ParetoError(
      'missing-external-data',
      `The model keeps weights in ${missing.length === 1 ? 'an external data file' : `${missing.length} external data files`} ` +
        `that ${missing.length === 1 ? 'was' : 'were'} not provided: ${quoteList(missing, { max: 80 })}. ` +
        'Open the .onnx file together with its data file(s).',
      missing,
    );
  }
  return external;
}

/**
 * Every node input must name a graph input, an initializer, a node's output, or (in a subgraph) a value of an
 * enclosing graph; graph outputs must be produced; no cycles. See check-graph.ts.
 */
export function validateGraph(proto: ModelProto): void {
  checkGraph(proto);
}
