import * as Comlink from 'comlink';
import { ParetoError, toErrorInfo } from '../core/errors';
import { pickModelFile } from '../core/formats/files';
import { MAX_PROTOBUF_BYTES } from '../core/formats/limits';
import type { Progress } from '../core/transforms/types';
import type { CompiledBackend, RuntimeModules } from '../runtimes/wasm-modules';
import type { BenchCellJob, BenchCellResult, BenchWorkerApi, CompiledRuntime, DatasetCheck, MacsResult, SupportResult, ModelWorkerApi, OpenResult, OpenSource, OptimizeJob, OptimizeResult, OptimizeWorkerApi, ReferenceResult } from './protocol';

/** Browsers cap a single ArrayBuffer (Chrome: 4 GiB on 64-bit; others lower). */
const MAX_BROWSER_FILE_BYTES = 4 * 2 ** 30;

type Failure = { ok: false; error: { code: 'aborted' | 'internal'; message: string } };

/**
 * Runs one call in a fresh module worker and terminates it afterwards: a clean runtime every time, and
 * cancelling terminates the worker (the only way to stop wasm mid-run). A worker that crashes, or a cancel,
 * resolves to { ok: false } rather than hanging.
 */
async function inWorker<Api, R>(
  spawn: () => Worker,
  call: (remote: Comlink.Remote<Api>) => Promise<R>,
  what: string,
  signal?: AbortSignal,
): Promise<R | Failure> {
  const cancelled: Failure = { ok: false, error: { code: 'aborted', message: 'Cancelled.' } };
  if (signal?.aborted) return cancelled;
  const worker = spawn();
  const remote = Comlink.wrap<Api>(worker);
  try {
    return await Promise.race([
      call(remote),
      new Promise<Failure>((resolve) => {
        worker.addEventListener('error', (e) =>
          resolve({ ok: false, error: { code: 'internal', message: `The ${what} worker failed: ${e.message || 'unknown error'}` } }),
        );
        signal?.addEventListener('abort', () => resolve(cancelled));
      }),
    ]);
  } finally {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }
}

// Each `new Worker(new URL(...))` stays literal so that Vite bundles the worker.
const modelWorker = (name: string) => new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name });
const optimizeWorker = () => new Worker(new URL('./optimize.worker.ts', import.meta.url), { type: 'module', name: 'optimize' });
const benchWorker = (name: string) => new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name });

/** Opens a model in a worker. Checks what can be checked (sizes, which file is the model) before any byte is read. */
export async function openInWorker(source: OpenSource, signal?: AbortSignal): Promise<OpenResult> {
  if (source.kind === 'files') {
    const pre = precheck(source.files);
    if (pre) return pre;
  }
  return inWorker<ModelWorkerApi, OpenResult>(() => modelWorker('model'), (r) => r.open(source), 'model', signal);
}

const compiled = new Map<CompiledBackend, Promise<CompiledRuntime>>();

/**
 * onnxruntime-web's WebAssembly for a backend, compiled once per page (in a worker; the page only holds the
 * WebAssembly.Module) and handed to every worker that runs it (src/runtimes/wasm-modules.ts). No failure is kept: the
 * next job tries again, and meanwhile workers fetch and compile it themselves. A cancelled caller stops waiting (the
 * compile goes on for the others) and gets `{ ok: false }`.
 */
function compiledRuntime(backend: CompiledBackend, signal?: AbortSignal): Promise<CompiledRuntime> {
  let compiling = compiled.get(backend);
  if (!compiling) {
    compiling = inWorker<ModelWorkerApi, CompiledRuntime>(() => modelWorker(`compile-${backend}`), (r) => r.compileRuntime(backend), 'model')
      .catch((e: unknown): CompiledRuntime => ({ ok: false, error: toErrorInfo(e) }))
      .then((r) => {
        if (!r.ok) compiled.delete(backend);
        return r;
      });
    compiled.set(backend, compiling);
  }
  const cancelled = new Promise<CompiledRuntime>((resolve) => {
    if (signal?.aborted) resolve({ ok: false, error: { code: 'aborted', message: 'Cancelled.' } });
    signal?.addEventListener('abort', () => resolve({ ok: false, error: { code: 'aborted', message: 'Cancelled.' } }), { once: true });
  });
  return Promise.race([compiling, cancelled]);
}

/**
 * The compiled modules for these backends, as a job carries them, and the backends they are for (those that could not
 * be compiled, or whose wait was cancelled, left out).
 */
export async function compiledModules(backends: readonly CompiledBackend[], signal?: AbortSignal): Promise<{ modules: RuntimeModules; backends: CompiledBackend[] }> {
  const out = { modules: {} as RuntimeModules, backends: [] as CompiledBackend[] };
  for (const b of new Set(backends)) {
    const r = await compiledRuntime(b, signal);
    if (!r.ok) continue;
    out.modules[r.url] = r.module;
    out.backends.push(b);
  }
  return out;
}

/** A model's MACs at given input shapes (re-read and counted in a worker). */
export function macsInWorker(
  source: OpenSource,
  inputShapes: Record<string, (number | null)[] | null>,
  inputValues: Record<string, number> | undefined,
  signal?: AbortSignal,
): Promise<MacsResult> {
  return inWorker<ModelWorkerApi, MacsResult>(() => modelWorker('macs'), (r) => r.macs(source, inputShapes, inputValues), 'model', signal);
}

/** Which nodes each backend runs natively for a model (parsed in a worker). */
export function supportInWorker(source: OpenSource): Promise<SupportResult> {
  return inWorker<ModelWorkerApi, SupportResult>(() => modelWorker('support'), (r) => r.support(source), 'model');
}

/** Runs a recipe in its own worker; cancelling terminates it at once (nothing half-written survives). */
export function optimizeInWorker(job: OptimizeJob, onProgress: (p: Progress) => void, signal?: AbortSignal): Promise<OptimizeResult> {
  return inWorker<OptimizeWorkerApi, OptimizeResult>(optimizeWorker, (r) => r.run(job, Comlink.proxy(onProgress)), 'optimize', signal);
}

/** One benchmark cell in a fresh worker: a clean runtime, a real cold start; cancel terminates it. */
export function benchInWorker(job: BenchCellJob, onProgress: (p: Progress) => void, signal?: AbortSignal): Promise<BenchCellResult> {
  return inWorker<BenchWorkerApi, BenchCellResult>(() => benchWorker(`bench-${job.backend}`), (r) => r.run(job, Comlink.proxy(onProgress)), 'benchmark', signal);
}

/** The original's outputs on the benchmark's data, once, in a worker of its own (WASM). */
export function referenceInWorker(job: BenchCellJob): Promise<ReferenceResult> {
  return inWorker<BenchWorkerApi, ReferenceResult>(() => benchWorker('bench-reference'), (r) => r.reference(job), 'benchmark');
}

/** Loads a backend's runtime once in a throw-away worker, so that the first cell's cold start is not the only cold one. */
export function warmInWorker(job: BenchCellJob): ReturnType<BenchWorkerApi['warm']> {
  return inWorker<BenchWorkerApi, Awaited<ReturnType<BenchWorkerApi['warm']>>>(() => benchWorker(`bench-warm-${job.backend}`), (r) => r.warm(job), 'benchmark');
}

/** Validates a benchmark's dataset against the model in a worker (no page work), before any cell runs. */
export function checkBenchData(job: BenchCellJob): Promise<DatasetCheck> {
  return inWorker<BenchWorkerApi, DatasetCheck>(() => benchWorker('bench-check'), (r) => r.check(job), 'benchmark');
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
