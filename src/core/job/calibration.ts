import type { Feeds, HostTensor, InferenceRuntime } from '../bench/session';
import { selfContainedFromBytes } from '../formats/onnx/self-contained';
import type { CalibrationBatch, CalibrationOutput, CalibrationRunner } from '../transforms/quantize/calibrate';
import { dict } from '../own';

/**
 * calibrate()'s runner on any runtime: the calibration model (with its external data moved inside) opens as one
 * session; every run gets fresh copies of its inputs (onnxruntime-web's proxy takes ownership of input buffers).
 */
export function calibrationRunnerFor(runtime: InferenceRuntime, options: { threads?: number } = {}): CalibrationRunner {
  return async (bytes, outputNames, external) => {
    const session = await runtime.createSession(selfContainedFromBytes(bytes, external), options);
    return {
      async run(feeds) {
        const host: Feeds = dict();
        for (const [k, v] of Object.entries(feeds)) host[k] = { dtype: v.type, dims: v.dims, data: v.data.slice() as HostTensor['data'] };
        const out = await session.run(host, outputNames);
        const result: Record<string, CalibrationOutput> = dict();
        for (const [k, v] of Object.entries(out)) result[k] = { data: v.data as ArrayLike<number>, dims: v.dims };
        return result;
      },
      release: () => session.release(),
    };
  };
}

/** Feeds as calibrate() takes its batches. */
export const asCalibrationBatch = (feeds: Feeds): CalibrationBatch =>
  Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { data: t.data as Float32Array, dims: t.dims, type: t.dtype }]));
