import type { InferenceRuntime } from '../core/bench/session';
import { ParetoError } from '../core/errors';

/**
 * Which runtime runs a model, for a backend and an environment. Each environment lists its runtimes once
 * (./node.ts for the CLI, scripts and tests; ./browser.ts for the app's workers), each entry loading its adapter
 * lazily, so that `pareto --help` loads no runtime and a browser bundle never sees a Node one. A second runtime
 * family (TF.js) is a new adapter file here plus one entry per environment it runs in; no shell changes.
 */
export type RuntimeEnvironment = 'node' | 'browser';

export interface RuntimeEntry {
  /** e.g. 'onnxruntime' */
  family: string;
  environment: RuntimeEnvironment;
  /** What a shell asks for: 'node' (onnxruntime-node's CPU EP), 'wasm', 'webgpu', 'webgl'. */
  backend: string;
  /** For messages and help texts. */
  label: string;
  load(): Promise<InferenceRuntime>;
}

/** The runtime for `backend` among `entries` (an environment's list); an unknown backend names the known ones. */
export async function pickRuntime(entries: readonly RuntimeEntry[], backend: string): Promise<InferenceRuntime> {
  const entry = entries.find((e) => e.backend === backend);
  if (!entry) {
    const known = entries.map((e) => `${e.backend} (${e.label})`).join(', ');
    throw new ParetoError('bad-input', `No runtime for backend "${backend}" here; the backends are ${known}.`);
  }
  return entry.load();
}
