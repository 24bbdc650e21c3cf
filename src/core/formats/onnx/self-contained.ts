/**
 * A model's self-contained bytes: one .onnx with every tensor inside, for runtimes that cannot take external data
 * from memory (onnxruntime-node, onnxruntime-web) and for outputs that must stand alone. The one place that moves
 * external weights inside a model; the CLI, the workers and core's optimize job all use it.
 */
import { ParetoError } from '../../errors';
import { MAX_PROTOBUF_BYTES } from '../limits';
import type { ModelProto, TensorProto } from './proto';
import { readOnnx, type OnnxModel } from './read';
import { inlineExternalTensor, isExternal, normaliseLocation, tensorByteLength, type ExternalData } from './tensor';
import { graphsOf } from './walk';
import { partsLength, writeOnnx, writeOnnxParts } from './write';

/** Initializers and node-attribute tensors, in every graph, whose data lives in an external file. */
export function externalTensors(proto: ModelProto): TensorProto[] {
  const out: TensorProto[] = [];
  for (const { graph } of graphsOf(proto)) {
    for (const t of graph.initializer) if (isExternal(t)) out.push(t);
    for (const n of graph.node) for (const a of n.attribute) if (a.t && isExternal(a.t)) out.push(a.t);
  }
  return out;
}

/**
 * Moves every external tensor of `proto` inside it (the tensors then view the external buffers: no copy) and returns
 * how many moved. Refuses, before changing anything, a result over protobuf's 2 GiB limit for one .onnx.
 */
export function inlineExternalTensors(proto: ModelProto, external: ExternalData, currentBytes?: number): number {
  const ext = externalTensors(proto);
  if (ext.length === 0) return 0;
  const base = currentBytes ?? partsLength(writeOnnxParts(proto));
  const total = base + ext.reduce((s, t) => s + tensorByteLength(t), 0);
  if (total > MAX_PROTOBUF_BYTES) {
    throw new ParetoError(
      'bad-input',
      `the model would be ${(total / 2 ** 30).toFixed(2)} GiB with its external weights inside, over the 2 GiB limit of one ` +
        '.onnx file; writing external data files is not supported yet.',
    );
  }
  for (const t of ext) inlineExternalTensor(t, external);
  return ext.length;
}

/**
 * The model as one self-contained .onnx. `fileBytes` (the .onnx as read) is returned as it is when the model keeps
 * nothing outside; otherwise the external tensors are moved inside `model` (it changes) and the model is written
 * (refused over the 2 GiB limit of one .onnx, with `model` unchanged).
 */
export function selfContainedBytes(model: OnnxModel, fileBytes?: Uint8Array): Uint8Array {
  if (externalTensors(model.proto).length === 0 && fileBytes) return fileBytes;
  inlineExternalTensors(model.proto, model.external);
  return writeOnnx(model.proto);
}

/** Serialised model bytes plus their external data (what calibration hands a runtime) as one self-contained .onnx. */
export function selfContainedFromBytes(bytes: Uint8Array, external: ExternalData): Uint8Array {
  if (external.size === 0) return bytes;
  const model = readOnnx(bytes, { loadExternal: (loc) => external.get(normaliseLocation(loc)) ?? external.get(loc) });
  return selfContainedBytes(model, bytes);
}

/** Parts written by writeOnnxParts as one new buffer of their own (a runtime session takes one; a worker transfers it). */
export function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(partsLength(parts));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
