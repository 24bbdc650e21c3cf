/**
 * Test harness (a `.testkit.ts` file, like a test file kept out of the core build, so that it may import onnxruntime:
 * src/core itself stays runtime-free; not a test file, so importing it registers no tests): runs models in
 * onnxruntime-node and onnxruntime-web (wasm, one thread, under Node), and a calibration runner for calibrate().
 */
import { ort, ortNode } from '../../../runtimes/ort-node';
import { ortWebApi as ortWeb } from '../../../runtimes/ort-web-node';
import type { ModelProto } from '../../formats/onnx/proto';
import { readOnnx, type OnnxModel } from '../../formats/onnx/read';
import { writeOnnx } from '../../formats/onnx/write';
import { calibrationRunnerFor } from '../../job/calibration';
import type { CalibrationRunner, FeedTensor } from './calibrate';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
ort.env.logLevel = 'error';

export type Runtime = 'node' | 'web';
export type Feeds = Record<string, FeedTensor>;

const libs = { node: ort, web: ortWeb } as const;

/** Opens a model once and runs it on several feeds. */
export async function openSession(model: ModelProto | Uint8Array, runtime: Runtime) {
  const bytes = model instanceof Uint8Array ? model : writeOnnx(model);
  const lib = libs[runtime] as typeof ort;
  const session = await lib.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3 });
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Feeds, outputs?: string[]): Promise<Record<string, Float32Array>> {
      const f: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) f[k] = new lib.Tensor(v.type as 'float32', v.data as Float32Array, v.dims);
      const r = outputs ? await session.run(f, outputs) : await session.run(f);
      const out: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(r)) out[k] = v.data as Float32Array;
      return out;
    },
    release: () => session.release(),
  };
}

/** Runs a model once; returns the first output (or the named one). */
export async function runOnce(model: ModelProto | Uint8Array, feeds: Feeds, runtime: Runtime, output?: string): Promise<Float32Array> {
  const s = await openSession(model, runtime);
  try {
    const r = await s.run(feeds);
    return r[output ?? s.outputNames[0]];
  } finally {
    await s.release();
  }
}

/** calibrate()'s runner on onnxruntime-node: the shells' own (core/job/calibration.ts), on the reference runtime. */
export const ortNodeRunner: CalibrationRunner = calibrationRunnerFor(ortNode);

export function relL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i] - want[i]) ** 2;
    den += want[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}

/** Serialise and read back (the way a user gets the model): checks the graph with readOnnx. */
export function roundTrip(model: ModelProto): OnnxModel {
  return readOnnx(writeOnnx(model));
}

export const asModel = (proto: ModelProto): OnnxModel => ({ proto, external: new Map(), byteLength: 0 });

export function floatFeed(data: Float32Array, dims: number[]): FeedTensor {
  return { type: 'float32', data, dims };
}
