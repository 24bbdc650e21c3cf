import * as ort from 'onnxruntime-web/wasm';
import type { InferenceRuntime } from '../core/bench/session';
import { ortWebExtras, wrapOrtSession } from './ort-common';
// The plain (non-JSEP) wasm build: half the size of the WebGPU-capable one, so it starts faster. Served from
// this origin; importing with ?url is what works under Vite dev and build alike.
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { compiledWasmBinary, ORT_WASM_URL } from './wasm-modules';

const wasmUrl = ORT_WASM_URL.wasm;

/** onnxruntime-web's CPU (WASM, SIMD) backend, for work that needs no GPU: calibration, output comparisons. */
export function ortWebWasm(): InferenceRuntime {
  let threadsUsed: number | undefined;
  return {
    info: () => ({ id: 'onnxruntime-web/wasm', version: ort.env.versions.web ?? ort.env.versions.common, backend: 'wasm', threads: threadsUsed }),
    async createSession(model, options = {}) {
      ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
      // The page's compiled module when the job brought one (./wasm-modules.ts), else fetched and compiled here.
      ort.env.wasm.wasmBinary = compiledWasmBinary(wasmUrl);
      const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
      ort.env.wasm.numThreads = isolated ? (options.threads ?? 1) : 1;
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', ...ortWebExtras(options) });
      threadsUsed = ort.env.wasm.numThreads ?? 1;
      return wrapOrtSession(session, ort.Tensor as never);
    },
  };
}
