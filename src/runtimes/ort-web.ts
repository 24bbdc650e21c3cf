import * as ort from 'onnxruntime-web';
import type { InferenceRuntime } from '../core/bench/session';
import { ortWebExtras, wrapOrtSession } from './ort-common';
// Served from this origin (no CDN). Importing it with ?url is what works under Vite dev and build alike.
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import { compiledWasmBinary, ORT_WASM_URL } from './wasm-modules';

const wasmUrl = ORT_WASM_URL.webgpu;

let configured = false;
function configure(threads: number) {
  if (!configured) {
    ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
    // The page's compiled module when the job brought one (./wasm-modules.ts), else fetched and compiled here.
    ort.env.wasm.wasmBinary = compiledWasmBinary(wasmUrl);
    configured = true;
  }
  ort.env.wasm.numThreads = threads;
}

/**
 * onnxruntime-web's JSEP build in the browser or a worker: 'webgpu' (nodes without a WebGPU kernel fall back to the
 * CPU EP) or 'wasm'. For CPU-only work prefer ortWebWasm (a smaller wasm that starts faster).
 */
export function ortWeb(backend: 'wasm' | 'webgpu' = 'wasm'): InferenceRuntime {
  let threadsUsed: number | undefined;
  return {
    info: () => ({ id: `onnxruntime-web/${backend}`, version: ort.env.versions.web ?? ort.env.versions.common, backend, threads: threadsUsed }),
    async createSession(model, options = {}) {
      const canThread = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
      configure(canThread ? (options.threads ?? 1) : 1);
      const session = await ort.InferenceSession.create(model, { executionProviders: [backend], graphOptimizationLevel: 'all', ...ortWebExtras(options) });
      threadsUsed = ort.env.wasm.numThreads ?? 1;
      return wrapOrtSession(session, ort.Tensor as never);
    },
  };
}
