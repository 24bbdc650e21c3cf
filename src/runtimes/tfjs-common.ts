import * as tf from '@tensorflow/tfjs';
import { fromBinary } from '@bufbuild/protobuf';
import type { Feeds, HostTensor, InferenceRuntime, InferenceSession } from '../core/bench/session';
import { ParetoError } from '../core/errors';
import { ModelProtoSchema, type ModelProto } from '../core/formats/onnx/proto';
import { tfjsArtifacts } from '../core/formats/tfjs/write';

// Production mode: no debug checks, and no "install tfjs-node" banner on the CLI's stderr.
tf.enableProdMode();

/** TF.js itself, for tests and scripts that need its API (nothing outside src/runtimes imports it). */
export { tf };

/**
 * TF.js's in-memory artifacts for a model read from TF.js (the model's bytes are core's serialised model: see
 * formats/tfjs): the original topology, the weights manifest and the weights as they are now. Weights stored
 * quantized (uint8/uint16/float16) are dequantized by TF.js itself as it loads them, as from model.json.
 */
export function memoryArtifacts(proto: ModelProto): { kind: 'layers' | 'graph'; artifacts: tf.io.ModelArtifacts } {
  const a = tfjsArtifacts(proto);
  const weightData = a.weightData.buffer.slice(a.weightData.byteOffset, a.weightData.byteOffset + a.weightData.byteLength) as ArrayBuffer;
  const j = a.json as Record<string, unknown>;
  return {
    kind: a.kind,
    artifacts: {
      modelTopology: j.modelTopology as object,
      format: j.format as string | undefined,
      generatedBy: j.generatedBy as string | undefined,
      convertedBy: (j.convertedBy as string | null | undefined) ?? undefined,
      signature: j.signature as object | undefined,
      userDefinedMetadata: j.userDefinedMetadata as Record<string, object> | undefined,
      modelInitializer: j.modelInitializer as object | undefined,
      trainingConfig: j.trainingConfig as tf.io.TrainingConfig | undefined,
      weightSpecs: a.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData,
    },
  };
}

/** Loads a model (core's serialised model of a TF.js model) into TF.js on the current backend. */
export async function loadTfjsModel(bytes: Uint8Array): Promise<tf.LayersModel | tf.GraphModel> {
  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new ParetoError('bad-input', `The TF.js runtime was given bytes that are not a model (${e instanceof Error ? e.message : String(e)}).`);
  }
  const { kind, artifacts } = memoryArtifacts(proto);
  const handler = tf.io.fromMemory(artifacts);
  return kind === 'layers' ? tf.loadLayersModel(handler) : tf.loadGraphModel(handler);
}

const TF_DTYPES: Record<string, tf.DataType> = { float32: 'float32', int32: 'int32', bool: 'bool', int64: 'int32', uint8: 'int32' };

function toTensor(t: HostTensor): tf.Tensor {
  const dtype = TF_DTYPES[t.dtype];
  if (!dtype) throw new ParetoError('bad-input', `TF.js takes float32, int32 or bool inputs, not ${t.dtype}.`);
  const data = t.data instanceof BigInt64Array ? Int32Array.from(t.data, (x) => Number(x)) : t.data;
  return tf.tensor(data as Float32Array | Int32Array | Uint8Array, t.dims, dtype);
}

async function toHost(t: tf.Tensor): Promise<HostTensor> {
  const data = await t.data();
  const dtype = t.dtype === 'float32' ? 'float32' : t.dtype === 'bool' ? 'bool' : 'int32';
  return { dtype, dims: [...t.shape], data: data as HostTensor['data'] };
}

/** A session over a loaded TF.js model: inputs and outputs by the names core gave them, in TF.js's order. */
export function tfjsSession(m: tf.LayersModel | tf.GraphModel, inputNames: string[], outputNames: string[]): InferenceSession {
  return {
    inputNames,
    outputNames,
    async run(feeds: Feeds, wanted?: readonly string[]) {
      const given = inputNames.map((n) => {
        const t = feeds[n];
        if (!t) throw new ParetoError('bad-input', `No value for input "${n}".`);
        return toTensor(t);
      });
      try {
        let out: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
        if (m instanceof tf.GraphModel) {
          const feed = Object.fromEntries(m.inputs.map((inp, i) => [inp.name, given[i]]));
          // execute() for a static graph; executeAsync() for control flow or dynamic shapes, which execute() refuses.
          try {
            out = m.execute(feed);
          } catch {
            out = await m.executeAsync(feed);
          }
        } else {
          out = m.predict(given.length === 1 ? given[0] : given) as tf.Tensor | tf.Tensor[];
        }
        const list: tf.Tensor[] = Array.isArray(out) ? out : out instanceof tf.Tensor ? [out] : (Object.values(out) as tf.Tensor[]);
        const result: Record<string, HostTensor> = {};
        for (let i = 0; i < list.length; i++) {
          const name = outputNames[i] ?? `output_${i}`;
          if (!wanted || wanted.includes(name)) result[name] = await toHost(list[i]);
        }
        tf.dispose(list);
        return result;
      } finally {
        tf.dispose(given);
      }
    },
    async release() {
      m.dispose();
    },
  };
}

/** A TF.js runtime on one backend; `ready` selects (and, once, sets up) the backend. */
export function tfjsRuntime(backend: string, ready: () => Promise<void>): InferenceRuntime {
  return {
    info: () => ({ id: `tfjs/${backend}`, version: tf.version.tfjs, backend, threads: backend === 'wasm' ? 1 : undefined }),
    async createSession(model) {
      await ready();
      if (!(await tf.setBackend(backend))) throw new ParetoError('bad-input', `The TF.js ${backend} backend is not available here.`);
      await tf.ready();
      const proto = fromBinary(ModelProtoSchema, model);
      const m = await loadTfjsModel(model);
      const g = proto.graph!;
      // TF.js's own names where core has none that match (a Sequential model's input is named by TF.js).
      const tfIn = m.inputs.map((i) => i.name);
      const tfOut = m.outputs.map((o) => o.name);
      const ins = tfIn.map((n, i) => g.input[i]?.name ?? n);
      const outs = tfOut.map((n, i) => (tfOut.length === g.output.length ? g.output[i].name : n));
      return tfjsSession(m, ins, outs);
    },
  };
}
