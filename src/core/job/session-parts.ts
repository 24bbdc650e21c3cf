/**
 * A model as onnxruntime-web can open it without a second copy of its weights: the graph with every sizeable tensor
 * marked as external data (a few kilobytes), plus each such tensor's bytes as a view of the buffers the model was read
 * from (no copy), one "file" per tensor. Given a whole .onnx, onnxruntime-web first copies the file into its
 * WebAssembly memory and then builds every weight from that copy, so the memory it keeps (WebAssembly memory never
 * shrinks) is twice the model; given external data from JavaScript memory it copies each tensor straight into place,
 * so it holds the weights once.
 */
import { create } from '@bufbuild/protobuf';
import { DataLocation, StringStringEntryProtoSchema, type ModelProto, type SparseTensorProto, type TensorProto } from '../formats/onnx/proto';
import type { ExternalData } from '../formats/onnx/tensor';
import { isExternal, tensorBytes } from '../formats/onnx/tensor';
import { graphsOf } from '../formats/onnx/walk';
import { writeOnnx } from '../formats/onnx/write';

export interface SessionParts {
  /** The model with the tensors below marked as external data: what the runtime is given as the model. */
  graph: Uint8Array;
  /** One entry per externalised tensor: its "file" name and its bytes (a view, not a copy). */
  externalData: { path: string; data: Uint8Array }[];
}

const FIELDS = ['rawData', 'dataLocation', 'externalData'] as const satisfies readonly (keyof TensorProto)[];

/** Tensors smaller than this stay inside the graph. */
export const MIN_EXTERNAL_BYTES = 1024;

/**
 * Splits `model` into a small graph and views of its tensors' bytes (see above). Initializers of every graph
 * (subgraphs included) that are external already, or hold at least `minBytes` of raw data, are moved out; `model`
 * itself is left as it was.
 */
export function sessionParts(model: { proto: ModelProto; external: ExternalData }, minBytes = MIN_EXTERNAL_BYTES): SessionParts {
  // What each moved tensor had, set or not (proto2 fields: an unset field must stay unset to write the same bytes).
  const moved: { t: TensorProto; saved: [keyof TensorProto, boolean, unknown][] }[] = [];
  const externalData: SessionParts['externalData'] = [];
  try {
    for (const { graph } of graphsOf(model.proto)) {
      for (const t of graph.initializer) {
        if (!isExternal(t) && t.rawData.length < minBytes) continue;
        const data = tensorBytes(t, model.external);
        const path = `w${externalData.length}.bin`;
        moved.push({ t, saved: FIELDS.map((k) => [k, Object.hasOwn(t, k), t[k]]) });
        t.rawData = new Uint8Array(0);
        t.dataLocation = DataLocation.EXTERNAL;
        t.externalData = [
          create(StringStringEntryProtoSchema, { key: 'location', value: path }),
          create(StringStringEntryProtoSchema, { key: 'offset', value: '0' }),
          create(StringStringEntryProtoSchema, { key: 'length', value: String(data.length) }),
        ];
        externalData.push({ path, data });
      }
    }
    return { graph: writeOnnx(model.proto), externalData };
  } finally {
    for (const { t, saved } of moved) {
      for (const [k, own, v] of saved) {
        if (own) (t as unknown as Record<string, unknown>)[k] = v;
        else delete (t as unknown as Record<string, unknown>)[k];
      }
    }
  }
}

/** Buffers under a model's tensors, lent to another worker and given back (see tensorBuffers). */
export interface LentBuffers {
  /** The distinct buffers of at least `minBytes` that the model's tensors view: the transfer list. */
  buffers: ArrayBuffer[];
  /** Points every tensor that viewed `buffers[i]` at `back[i]` instead (transferring detached the old views). */
  reattach(back: readonly ArrayBuffer[]): void;
}

/**
 * What to transfer, rather than copy, to run `proto` in another worker (a model read zero-copy views its file's
 * buffer; a transform's outputs have buffers of their own), and how to make its tensors whole again when the buffers
 * come back. Only views held by tensors are tracked: a buffer that something else also views (an external data file
 * in the model's `external` map) is left out, and is copied instead of detached.
 */
export function tensorBuffers(proto: ModelProto, external: ExternalData, minBytes = 1 << 20): LentBuffers {
  const views: { buffer: ArrayBuffer; offset: number; length: number; set: (v: Uint8Array) => void }[] = [];
  const track = (v: Uint8Array, set: (v: Uint8Array) => void) => {
    if (v.byteLength > 0) views.push({ buffer: v.buffer as ArrayBuffer, offset: v.byteOffset, length: v.byteLength, set });
  };
  const tensor = (t: TensorProto | undefined) => {
    if (!t) return;
    track(t.rawData, (v) => (t.rawData = v as TensorProto['rawData']));
    t.stringData.forEach((s, i) => track(s, (v) => (t.stringData[i] = v as TensorProto['rawData'])));
  };
  const sparse = (s: SparseTensorProto | undefined) => {
    tensor(s?.values);
    tensor(s?.indices);
  };
  for (const { graph } of graphsOf(proto)) {
    graph.initializer.forEach(tensor);
    graph.sparseInitializer.forEach(sparse);
    for (const n of graph.node) {
      for (const a of n.attribute) {
        tensor(a.t);
        a.tensors.forEach(tensor);
        sparse(a.sparseTensor);
        a.sparseTensors.forEach(sparse);
      }
    }
  }
  const shared = new Set([...external.values()].map((v) => v.buffer));
  const buffers = [...new Set(views.map((v) => v.buffer))].filter((b) => b.byteLength >= minBytes && !shared.has(b));
  return {
    buffers,
    reattach(back) {
      const to = new Map(buffers.map((b, i) => [b, back[i]]));
      for (const v of views) {
        const b = to.get(v.buffer);
        if (b) v.set(new Uint8Array(b, v.offset, v.length));
      }
    },
  };
}
