import * as ort from 'onnxruntime-web';
import type { InferenceRuntime } from '../core/bench/session';
import { wrapOrtSession } from './ort-common';
// Served from this origin (no CDN). Importing them with ?url is what works under Vite dev and build alike.
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';

let configured = false;
function configure(threads: number) {
  if (!configured) {
    ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
    configured = true;
  }
  ort.env.wasm.numThreads = threads;
}

/** onnxruntime-web in the browser or a worker: 'wasm' (SIMD, threads when cross-origin isolated) or 'webgpu'. */
export function ortWeb(backend: 'wasm' | 'webgpu' = 'wasm'): InferenceRuntime {
  return {
    info: () => ({ id: `onnxruntime-web/${backend}`, version: ort.env.versions.web ?? ort.env.versions.common, backend }),
    async createSession(model, options = {}) {
      const canThread = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
      configure(canThread ? (options.threads ?? 1) : 1);
      const session = await ort.InferenceSession.create(model, { executionProviders: [backend], graphOptimizationLevel: 'all' });
      return wrapOrtSession(session, ort.Tensor as never);
    },
  };
}
