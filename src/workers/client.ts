import * as Comlink from 'comlink';
import { ParetoError } from '../core/errors';
import { pickModelFile } from '../core/formats/files';
import { MAX_PROTOBUF_BYTES } from '../core/formats/limits';
import type { Progress } from '../core/transforms/types';
import type { BenchCellJob, BenchCellResult, BenchWorkerApi, DatasetCheck, SupportResult, ModelWorkerApi, OpenResult, OpenSource, OptimizeJob, OptimizeResult, OptimizeWorkerApi } from './protocol';

/** Browsers cap a single ArrayBuffer (Chrome: 4 GiB on 64-bit; others lower). */
export const MAX_BROWSER_FILE_BYTES = 4 * 2 ** 30;

/**
 * Opens a model in a fresh module worker, which is terminated afterwards (or on cancel: terminating is the
 * only way to stop work already running). Checks what can be checked before any byte is read.
 */
export async function openInWorker(source: OpenSource, signal?: AbortSignal): Promise<OpenResult> {
  if (source.kind === 'files') {
    const pre = precheck(source.files);
    if (pre) return pre;
  }
  const worker = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'model' });
  const remote = Comlink.wrap<ModelWorkerApi>(worker);
  const onAbort = () => worker.terminate();
  signal?.addEventListener('abort', onAbort);
  try {
    const result = await Promise.race([
      remote.open(source),
      new Promise<OpenResult>((resolve) => {
        worker.addEventListener('error', (e) =>
          resolve({ ok: false, error: { code: 'internal', message: `The model worker failed: ${e.message || 'unknown error'}` } }),
        );
        signal?.addEventListener('abort', () =>
          resolve({ ok: false, error: { code: 'aborted', message: 'Loading was cancelled.' } }),
        );
      }),
    ]);
    return result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }
}

function precheck(files: File[]): OpenResult | undefined {
  try {
    const main = files[pickModelFile(files)];
    if (main.size > MAX_PROTOBUF_BYTES) {
      throw new ParetoError(
        'too-large',
        `"${main.name}" is ${(main.size / 2 ** 30).toFixed(2)} GiB; an ONNX protobuf file cannot exceed 2 GiB ` +
          '(larger models keep their weights in external data files, which can be dropped alongside).',
      );
    }
    const big = files.find((f) => f.size > MAX_BROWSER_FILE_BYTES);
    if (big) {
      throw new ParetoError(
        'too-large',
        `"${big.name}" is ${(big.size / 2 ** 30).toFixed(2)} GiB, more than the browser can hold in one buffer ` +
          `(${MAX_BROWSER_FILE_BYTES / 2 ** 30} GiB). Use the pareto CLI for models this large.`,
      );
    }
    return undefined;
  } catch (e) {
    const err = e as ParetoError;
    return { ok: false, error: { code: err.code ?? 'internal', message: err.message } };
  }
}

/** Runs a recipe in its own worker; cancelling terminates it at once (nothing half-written survives). */
export async function optimizeInWorker(
  job: OptimizeJob,
  onProgress: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<OptimizeResult> {
  const worker = new Worker(new URL('./optimize.worker.ts', import.meta.url), { type: 'module', name: 'optimize' });
  const remote = Comlink.wrap<OptimizeWorkerApi>(worker);
  try {
    return await Promise.race([
      remote.run(job, Comlink.proxy(onProgress)),
      new Promise<OptimizeResult>((resolve) => {
        worker.addEventListener('error', (e) =>
          resolve({ ok: false, error: { code: 'internal', message: `The optimize worker failed: ${e.message || 'unknown error'}` } }),
        );
        if (signal?.aborted) resolve({ ok: false, error: { code: 'aborted', message: 'Cancelled.' } });
        signal?.addEventListener('abort', () => resolve({ ok: false, error: { code: 'aborted', message: 'Cancelled.' } }));
      }),
    ]);
  } finally {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }
}

/** One benchmark cell in a fresh worker: a clean runtime, a real cold start; cancel terminates it. */
export async function benchInWorker(
  job: BenchCellJob,
  onProgress: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<BenchCellResult> {
  if (signal?.aborted) return { ok: false, error: { code: 'aborted', message: 'Cancelled.' } };
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: `bench-${job.backend}` });
  const remote = Comlink.wrap<BenchWorkerApi>(worker);
  try {
    return await Promise.race([
      remote.run(job, Comlink.proxy(onProgress)),
      new Promise<BenchCellResult>((resolve) => {
        worker.addEventListener('error', (e) =>
          resolve({ ok: false, error: { code: 'internal', message: `The benchmark worker failed: ${e.message || 'unknown error'}` } }),
        );
        signal?.addEventListener('abort', () => resolve({ ok: false, error: { code: 'aborted', message: 'Cancelled.' } }));
      }),
    ]);
  } finally {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }
}

/** Validates a benchmark's dataset against the model in a worker (no page work), before any cell runs. */
export async function checkBenchData(job: BenchCellJob): Promise<DatasetCheck> {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'bench-check' });
  const remote = Comlink.wrap<BenchWorkerApi>(worker);
  try {
    return await remote.check(job);
  } finally {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }
}

/** Backend support for a model (parsed in a worker). */
export async function supportInWorker(source: OpenSource): Promise<SupportResult> {
  const worker = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'support' });
  const remote = Comlink.wrap<ModelWorkerApi>(worker);
  try {
    return await remote.support(source);
  } finally {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }
}
