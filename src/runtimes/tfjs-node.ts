import { createRequire } from 'node:module';
import path from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { InferenceRuntime } from '../core/bench/session';
import { tfjsRuntime } from './tfjs-common';

let wasmSet = false;

/** TF.js under Node: 'wasm' (the WebAssembly backend, its .wasm files read from node_modules) or 'cpu' (plain JS). */
export function tfjsNode(backend: 'wasm' | 'cpu'): InferenceRuntime {
  return tfjsRuntime(backend, async () => {
    if (backend === 'wasm' && !wasmSet) {
      const require = createRequire(import.meta.url);
      setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
      wasmSet = true;
    }
  });
}
