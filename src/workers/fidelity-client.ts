import * as Comlink from 'comlink';
import type { RecordedOutputs } from '../core/bench/compare';
import type { Feeds } from '../core/bench/session';
import type { ModelProto } from '../core/formats/onnx/proto';
import type { ExternalData } from '../core/formats/onnx/tensor';
import { sessionParts, tensorBuffers } from '../core/job/session-parts';
import { heldRuntimeModules } from '../runtimes/wasm-modules';
import type { FidelityRecord, FidelityWorkerApi } from './protocol';

/** A batch with each tensor's values in an array of its own, so that cloning it does not copy a whole dataset. */
const compact = (feeds: Feeds): Feeds =>
  Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { ...t, data: t.data.slice() as typeof t.data }]));

/**
 * Runs `batches` through `model` in a fresh fidelity worker (./fidelity.worker.ts) and terminates it. The buffers
 * under the model's tensors are lent to it (transferred, not copied) and come back; meanwhile the model must not be
 * used. Resolves with the outputs or the runtime's message; rejects only when the worker died with the buffers (the
 * model is then unusable).
 */
export async function recordInWorker(
  model: { proto: ModelProto; external: ExternalData },
  batches: readonly Feeds[],
  threads?: number,
): Promise<{ outputs: RecordedOutputs } | { error: string }> {
  const parts = sessionParts(model);
  const lent = tensorBuffers(model.proto, model.external);
  const worker = new Worker(new URL('./fidelity.worker.ts', import.meta.url), { type: 'module', name: 'fidelity' });
  const remote = Comlink.wrap<FidelityWorkerApi>(worker);
  let r: FidelityRecord | { died: string };
  try {
    r = await Promise.race([
      // The compiled onnxruntime-web module this worker was given, if any, goes on (shared, not copied).
      remote.record(Comlink.transfer({ parts, buffers: lent.buffers }, lent.buffers), batches.map(compact), threads, heldRuntimeModules()),
      new Promise<{ died: string }>((resolve) => worker.addEventListener('error', (e) => resolve({ died: e.message || 'unknown error' }))),
    ]);
  } finally {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }
  if ('died' in r) throw new Error(`The fidelity worker failed (${r.died}) and the model's weights went with it.`);
  lent.reattach(r.buffers);
  return r.ok ? { outputs: r.outputs } : { error: r.message };
}
