import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { Feeds, HostTensor, InferenceSession, SessionOptions } from '../core/bench/session';

/** onnxruntime-web's session options for core's `externalData` and `lowMemory`. */
export function ortWebExtras(options: SessionOptions): Pick<OrtSession.SessionOptions, 'externalData' | 'extra'> {
  return {
    ...(options.externalData ? { externalData: options.externalData } : {}),
    ...(options.lowMemory ? { extra: { session: { disable_prepacking: '1' } } } : {}),
  };
}

type TensorCtor = new (type: OrtTensor.Type, data: HostTensor['data'], dims: readonly number[]) => OrtTensor;

/**
 * onnxruntime-web and onnxruntime-node share one API (onnxruntime-common); this wraps either session.
 * Fresh tensors are made for every run: with wasm proxying, ORT transfers input buffers.
 */
export function wrapOrtSession(session: OrtSession, Tensor: TensorCtor): InferenceSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Feeds, outputNames?: readonly string[]) {
      // Object.fromEntries defines own properties: an input named `__proto__` stays an input (ORT wants a plain object).
      const ortFeeds: Record<string, OrtTensor> = Object.fromEntries(
        Object.entries(feeds).map(([name, t]) => [name, new Tensor(t.dtype === 'bool' ? 'bool' : (t.dtype as OrtTensor.Type), t.data, t.dims)]),
      );
      const out = outputNames ? await session.run(ortFeeds, outputNames as string[]) : await session.run(ortFeeds);
      return Object.fromEntries(
        Object.entries(out).map(([name, t]) => [name, { dtype: t.type, dims: [...t.dims], data: t.data as HostTensor['data'] } as HostTensor]),
      );
    },
    release: () => session.release(),
  };
}
