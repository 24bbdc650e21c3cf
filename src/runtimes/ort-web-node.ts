import * as ort from 'onnxruntime-web';
import type { InferenceRuntime } from '../core/bench/session';
import { ortWebExtras, wrapOrtSession } from './ort-common';

/**
 * onnxruntime-web's WASM backend under Node (the CLI's `--backend wasm`): the same engine the browser runs, so
 * `pareto bench` can compare it with onnxruntime-node on one machine. Under Node, `onnxruntime-web` resolves to its
 * Node build, which loads the .wasm from node_modules and runs threads as worker_threads.
 *
 * The WASM module is initialised once per process, with the thread count of the first session; later sessions
 * share it. `info().threads` is the count actually in use (read back from ort.env after initialisation).
 */
let initialisedThreads: number | undefined;

/** onnxruntime-web's own API under Node, for tests that need it (nothing outside src/runtimes imports it). */
export { ort as ortWebApi };

export function ortWebNode(): InferenceRuntime {
  return {
    info: () => ({
      id: 'onnxruntime-web/wasm',
      version: ort.env.versions.web ?? ort.env.versions.common,
      backend: 'wasm',
      threads: initialisedThreads ?? (typeof ort.env.wasm.numThreads === 'number' ? ort.env.wasm.numThreads : undefined),
    }),
    async createSession(model, options = {}) {
      if (initialisedThreads === undefined) {
        ort.env.wasm.numThreads = Math.max(1, options.threads ?? 1);
        ort.env.logLevel = 'error';
      }
      const session = await ort.InferenceSession.create(model, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        ...ortWebExtras(options),
      });
      initialisedThreads ??= ort.env.wasm.numThreads ?? 1;
      return wrapOrtSession(session, ort.Tensor as never);
    },
  };
}
