import * as ort from 'onnxruntime-node';
import type { InferenceRuntime } from '../core/bench/session';
import { wrapOrtSession } from './ort-common';

// Warnings only as errors: onnxruntime's own colour-coded log lines must never reach the CLI's stderr.
ort.env.logLevel = 'error';

/** onnxruntime-node itself, for tests and scripts that need its API (nothing outside src/runtimes imports it). */
export { ort };

/** onnxruntime-node (CPU execution provider): the CLI's and the tests' reference runtime. */
export const ortNode: InferenceRuntime = {
  info: () => ({ id: 'onnxruntime-node', version: ort.env.versions.node ?? ort.env.versions.common, backend: 'cpu' }),
  async createSession(model, options = {}) {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    return wrapOrtSession(session, ort.Tensor as never);
  },
};
