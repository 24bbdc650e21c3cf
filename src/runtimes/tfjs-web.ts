import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { InferenceRuntime } from '../core/bench/session';
import { tf, tfjsRuntime } from './tfjs-common';
// Served from this origin (no CDN); ?url works under Vite dev and build alike.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let wasmSet = false;

/**
 * TF.js in the browser or a worker: 'wasm' (single-threaded SIMD, as under Node), 'webgl' (WebGL2 through an
 * OffscreenCanvas in a worker), 'webgpu' (@tensorflow/tfjs-backend-webgpu, loaded only when asked for), 'cpu' (plain
 * JavaScript).
 */
export function tfjsWeb(backend: 'wasm' | 'webgl' | 'webgpu' | 'cpu'): InferenceRuntime {
  return tfjsRuntime(backend, async () => {
    // Importing the package registers the backend with TF.js.
    if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    if (backend === 'wasm' && !wasmSet) {
      // One thread: TF.js's threaded build would start its own workers; results match the Node adapter's.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': simdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl });
      wasmSet = true;
    }
  });
}
