import type { InferenceRuntime } from '../core/bench/session';
import { pickRuntime, type RuntimeEntry } from './registry';

/** The runtimes under Node (the CLI, scripts, tests). Adapters load on first use. */
export const NODE_RUNTIMES: readonly RuntimeEntry[] = [
  { family: 'onnxruntime', environment: 'node', backend: 'node', label: 'onnxruntime-node, CPU', load: async () => (await import('./ort-node')).ortNode },
  { family: 'onnxruntime', environment: 'node', backend: 'wasm', label: 'onnxruntime-web WASM under Node', load: async () => (await import('./ort-web-node')).ortWebNode() },
  { family: 'tfjs', environment: 'node', backend: 'tfjs-wasm', label: 'TF.js WASM backend under Node', load: async () => (await import('./tfjs-node')).tfjsNode('wasm') },
  { family: 'tfjs', environment: 'node', backend: 'tfjs-cpu', label: 'TF.js CPU (plain JavaScript) backend under Node', load: async () => (await import('./tfjs-node')).tfjsNode('cpu') },
];

export type NodeBackend = 'node' | 'wasm' | 'tfjs-wasm' | 'tfjs-cpu';

/** The Node runtime for a backend ('node' is onnxruntime-node's CPU execution provider). */
export const nodeRuntime = (backend: NodeBackend = 'node'): Promise<InferenceRuntime> => pickRuntime(NODE_RUNTIMES, backend);
