import type { InferenceRuntime } from '../core/bench/session';
import { pickRuntime, type RuntimeEntry } from './registry';

/**
 * The runtimes in the browser (the app's workers). Each adapter loads only when a job needs it: the plain WASM build
 * for CPU work (calibration, comparisons), the JSEP build for WebGPU, onnxjs for WebGL.
 */
export const BROWSER_RUNTIMES: readonly RuntimeEntry[] = [
  { family: 'onnxruntime', environment: 'browser', backend: 'wasm', label: 'onnxruntime-web WASM', load: async () => (await import('./ort-web-wasm')).ortWebWasm() },
  { family: 'onnxruntime', environment: 'browser', backend: 'webgpu', label: 'onnxruntime-web WebGPU', load: async () => (await import('./ort-web')).ortWeb('webgpu') },
  { family: 'onnxruntime', environment: 'browser', backend: 'webgl', label: 'onnxruntime-web WebGL', load: async () => (await import('./ort-web-webgl')).ortWebWebgl() },
  { family: 'tfjs', environment: 'browser', backend: 'tfjs-wasm', label: 'TF.js WASM', load: async () => (await import('./tfjs-web')).tfjsWeb('wasm') },
  { family: 'tfjs', environment: 'browser', backend: 'tfjs-webgl', label: 'TF.js WebGL', load: async () => (await import('./tfjs-web')).tfjsWeb('webgl') },
  { family: 'tfjs', environment: 'browser', backend: 'tfjs-webgpu', label: 'TF.js WebGPU', load: async () => (await import('./tfjs-web')).tfjsWeb('webgpu') },
  { family: 'tfjs', environment: 'browser', backend: 'tfjs-cpu', label: 'TF.js CPU (JavaScript)', load: async () => (await import('./tfjs-web')).tfjsWeb('cpu') },
];

export type BrowserBackend = 'wasm' | 'webgpu' | 'webgl' | 'tfjs-wasm' | 'tfjs-webgl' | 'tfjs-cpu' | 'tfjs-webgpu';

export const browserRuntime = (backend: BrowserBackend): Promise<InferenceRuntime> => pickRuntime(BROWSER_RUNTIMES, backend);
