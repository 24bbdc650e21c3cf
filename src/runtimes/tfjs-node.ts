import { createRequire } from 'node:module';
import path from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { InferenceRuntime } from '../core/bench/session';
import { tf, tfjsRuntime } from './tfjs-common';

let wasmSet = false;

function setupWasm() {
  if (wasmSet) return;
  const require = createRequire(import.meta.url);
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  wasmSet = true;
}

/** Selects a TF.js backend in Node (for tests and scripts that call TF.js directly). */
export async function useTfjsNodeBackend(backend: 'wasm' | 'cpu'): Promise<void> {
  if (backend === 'wasm') setupWasm();
  await tf.setBackend(backend);
  await tf.ready();
}

/** TF.js under Node: 'wasm' (the WebAssembly backend, its .wasm files read from node_modules) or 'cpu' (plain JS). */
export function tfjsNode(backend: 'wasm' | 'cpu'): InferenceRuntime {
  return tfjsRuntime(backend, async () => {
    if (backend === 'wasm') setupWasm();
  });
}
