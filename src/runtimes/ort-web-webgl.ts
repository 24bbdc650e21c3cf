import * as ort from 'onnxruntime-web/webgl';
import type { InferenceRuntime } from '../core/bench/session';
import { wrapOrtSession } from './ort-common';

/** onnxruntime-web's WebGL backend (no wasm needed). Ops it lacks make session creation fail: it says which. */
export function ortWebWebgl(): InferenceRuntime {
  return {
    info: () => ({ id: 'onnxruntime-web/webgl', version: ort.env.versions.web ?? ort.env.versions.common, backend: 'webgl' }),
    async createSession(model) {
      const session = await ort.InferenceSession.create(model, { executionProviders: ['webgl'] });
      return wrapOrtSession(session, ort.Tensor as never);
    },
  };
}
