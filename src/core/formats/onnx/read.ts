import { fromBinary } from '@bufbuild/protobuf';
import { ParetoError } from '../../errors';
import { ModelProtoSchema, type GraphProto, type ModelProto } from './proto';
import { externalRef, isExternal, normaliseLocation, tensorByteLength, type ExternalData } from './tensor';
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

export interface ReadOptions {
  /** Returns the bytes of an external data file named in the model (relative location), or undefined. */
  loadExternal?: (location: string) => Uint8Array | undefined;
  /** File name, for messages. */
  fileName?: string;
}

/**
 * Decode and check an ONNX model. Tensor bytes are not copied: raw_data fields are views into `bytes`.
 * Throws ParetoError with a specific code and message for every kind of bad input.
 */
export function readOnnx(bytes: Uint8Array, options: ReadOptions = {}): OnnxModel {
  const name = options.fileName ? `"${options.fileName}"` : 'The file';
  if (bytes.length === 0) throw new ParetoError('not-onnx', `${name} is empty.`);
  if (bytes.length > MAX_PROTOBUF_BYTES) {
    throw new ParetoError(
      'too-large',
      `${name} is ${(bytes.length / 2 ** 30).toFixed(2)} GiB; an ONNX protobuf file cannot exceed 2 GiB. ` +
        'Larger models keep their weights in external data files (onnx.save(..., save_as_external_data=True)).',
    );
  }
  const foreign = identifyForeign(bytes);
  if (foreign) throw new ParetoError('not-onnx', `${name} is not an ONNX model: it looks like ${foreign}.`);

  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/premature EOF|out of range|index out of/i.test(msg)) {
      throw new ParetoError(
        'truncated',
        `${name} ends too early: it is truncated or not an ONNX model (protobuf decoding stopped: ${msg}).`,
      );
    }
    throw new ParetoError('not-onnx', `${name} is not an ONNX model: it does not decode as an ONNX protobuf (${msg}).`);
  }
  if (!proto.graph) {
    throw new ParetoError(
      'not-onnx',
      `${name} is not an ONNX model: it holds no graph` +
        (proto.irVersion ? ' (if it was cut short in transfer, it is truncated).' : '.'),
    );
  }
  if (proto.opsetImport.length === 0) {
    throw new ParetoError(
      'invalid-model',
      `${name} declares no opset imports, which every ONNX model needs; the file may be truncated.`,
    );
  }

  const external = resolveExternal(proto, options);
  validateGraph(proto);
  return { proto, external, byteLength: bytes.length };
}

/** Relative locations of every external data file the model names (normalised, unique). */
export function externalLocations(proto: ModelProto): string[] {
  const out = new Set<string>();
  for (const { graph } of graphsOf(proto)) {
    for (const t of graph.initializer) if (isExternal(t)) out.add(normaliseLocation(externalRef(t).location));
    for (const n of graph.node) {
      for (const a of n.attribute) if (a.t && isExternal(a.t)) out.add(normaliseLocation(externalRef(a.t).location));
    }
  }
  return [...out];
}

function resolveExternal(proto: ModelProto, options: ReadOptions): Map<string, Uint8Array> {
  const external = new Map<string, Uint8Array>();
  const locations = externalLocations(proto);
  const missing: string[] = [];
  for (const loc of locations) {
    const data = options.loadExternal?.(loc);
    if (data) external.set(loc, data);
    else missing.push(loc);
  }
  if (missing.length > 0) {
    throw new ParetoError(
      'missing-external-data',
      `The model keeps weights in ${missing.length === 1 ? 'an external data file' : `${missing.length} external data files`} ` +
        `that ${missing.length === 1 ? 'was' : 'were'} not provided: ${missing.join(', ')}. ` +
        'Open the .onnx file together with its data file(s).',
      missing,
    );
  }
  // Every external range must lie inside its file.
  for (const { graph } of graphsOf(proto)) {
    for (const t of graph.initializer) {
      if (!isExternal(t)) continue;
      const ref = externalRef(t);
      const file = external.get(normaliseLocation(ref.location))!;
      const length = ref.length ?? tensorByteLength(t);
      if (ref.offset + length > file.length) {
        throw new ParetoError(
          'missing-external-data',
          `Tensor "${t.name}" needs bytes ${ref.offset}..${ref.offset + length} of "${ref.location}", which has only ` +
            `${file.length} bytes: the data file is truncated or belongs to another model.`,
        );
      }
    }
  }
  return external;
}

/**
 * Every node input must name a graph input, an initializer, an earlier node's output, or (in a subgraph)
 * a value of an enclosing graph. Graph outputs must be produced.
 */
export function validateGraph(proto: ModelProto): void {
  const problems: string[] = [];
  const check = (graph: GraphProto, outer: ReadonlySet<string>, path: string) => {
    const known = new Set<string>(outer);
    for (const i of graph.input) known.add(i.name);
    for (const t of graph.initializer) known.add(t.name);
    for (const s of graph.sparseInitializer) if (s.values) known.add(s.values.name);
    // Node order in real exports is not always topological; accept any producer in the graph.
    for (const n of graph.node) for (const o of n.output) if (o) known.add(o);
    graph.node.forEach((n, idx) => {
      for (const input of n.input) {
        if (input && !known.has(input)) {
          problems.push(`${path}: node "${n.name || `#${idx}`}" (${n.opType}) reads "${input}", which no input, initializer or node provides`);
        }
      }
      for (const a of n.attribute) {
        if (a.g) check(a.g, known, `${path}/${n.name || n.opType}.${a.name}`);
        for (const g of a.graphs) check(g, known, `${path}/${n.name || n.opType}.${a.name}`);
      }
    });
    for (const o of graph.output) {
      if (!known.has(o.name)) problems.push(`${path}: graph output "${o.name}" is not produced by any node`);
    }
  };
  check(proto.graph!, new Set(), 'main');
  if (problems.length > 0) {
    throw new ParetoError(
      'invalid-graph',
      `The graph references tensors that do not exist (${problems.length} problem${problems.length > 1 ? 's' : ''}): ` +
        problems.slice(0, 3).join('; ') + (problems.length > 3 ? '; …' : '.'),
      problems,
    );
  }
}
