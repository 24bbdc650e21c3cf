import type { LatencyOptions } from '../core/bench/harness';
import { benchInWorker, checkBenchData, compiledModules, referenceInWorker, supportInWorker, warmInWorker } from '../workers/client';
import type { BenchBackend, DataSource, InputChoice, OpenSource } from '../workers/protocol';
import type { ReferenceOutputs } from '../core/bench/accuracy';
import type { BenchCell, BenchRun } from './bench';
import { studio } from './store';
import { unusedId } from './ids';
import { syncScenariosWithBenchmark } from './cost-actions';

export interface BenchRequest {
  modelId: string;
  /** 'original' and/or variant ids */
  targets: string[];
  backends: { backend: BenchBackend; threads: number }[];
  latency: Required<Pick<LatencyOptions, 'batchSizes' | 'warmupRuns' | 'timeBudgetMs'>> & { runs: number | 'adaptive' };
  data: DataSource;
  dataName: string;
  labels: DataSource | null;
  /** Whether the data carries labels (npy labels, image folders, CSV label columns). */
  labelled: boolean;
  maxItems?: number;
  /** The user's dims and values for the input spec (the form's fields). */
  inputs?: InputChoice;
}

let seq = 0;
let current: AbortController | null = null;
/** Runtimes (ONNX Runtime or TF.js, by backend) a benchmark on this page has loaded, with the time it took. */
const loadedRuntimes = new Map<string, number>();

const patchCell = (runId: string, index: number, patch: Partial<BenchCell>) =>
  studio.setState((s) => ({
    benchRuns: s.benchRuns.map((r) => (r.id === runId ? { ...r, cells: r.cells.map((c, i) => (i === index ? { ...c, ...patch } : c)) } : r)),
  }));

/**
 * Runs every (target × backend) cell one after another, each in a fresh worker, so cells do not disturb each other's
 * timings and every cold start is really cold. Cancel stops the running cell and skips the rest.
 */
export async function runBenchmark(req: BenchRequest): Promise<string | null> {
  const state = studio.getState();
  const model = state.models.find((m) => m.id === req.modelId);
  if (!model || req.targets.length === 0 || req.backends.length === 0) return null;
  const sourceOf = (targetId: string): { source: OpenSource; name: string } | null => {
    if (targetId === 'original') return { source: model.origin, name: 'original' };
    const v = state.variants.find((x) => x.id === targetId && x.blob);
    return v?.blob ? { source: { kind: 'files', files: [new File([v.blob], `${v.name}.onnx`)] }, name: v.name } : null;
  };
  const targets = req.targets.map((t) => ({ id: t, ...sourceOf(t)! })).filter((t) => t.source);
  const cells: BenchCell[] = targets.flatMap((t) =>
    req.backends.map((b) => ({ targetId: t.id, targetName: t.name, backend: b.backend, threads: b.threads, status: 'queued' as const, progress: { fraction: 0, stage: 'queued' } })),
  );
  const run: BenchRun = {
    id: unusedId('b', () => ++seq, studio.getState().benchRuns),
    modelId: req.modelId,
    startedAt: Date.now(),
    cells,
    settings: { ...req.latency, batchSizes: [...req.latency.batchSizes], dataName: req.dataName, labelled: req.labelled },
  };
  studio.setState((s) => ({ benchRuns: [...s.benchRuns, run] }));
  const patchRun = (patch: Partial<BenchRun>) =>
    studio.setState((s) => ({ benchRuns: s.benchRuns.map((r) => (r.id === run.id ? { ...r, ...patch } : r)) }));
  // The dataset is checked once against the model before anything runs: a bad one stops the whole run.
  const base = { model: model.origin, backend: 'wasm' as const, threads: 1, latency: req.latency, data: req.data, labels: req.labels, reference: null, maxItems: req.maxItems, inputs: req.inputs };
  const check = await checkBenchData(base);
  if (!check.ok) {
    patchRun({ error: check.error, cells: cells.map((c) => ({ ...c, status: 'cancelled' as const })) });
    return run.id;
  }
  patchRun({ data: { items: check.items, task: check.task, source: check.source, notes: check.notes }, inputSpec: check.inputSpec });
  current?.abort();
  const ctrl = new AbortController();
  current = ctrl;
  // Without labels, every variant is compared with the original's outputs on the same data: run it once, here.
  const needsReference = !check.labelled && targets.some((t) => t.id !== 'original');
  // onnxruntime-web's WebAssembly for each backend (and WASM for the reference), compiled once for this page: every
  // worker of the run instantiates it instead of downloading and compiling its own (TF.js models load TF.js's own;
  // WebGL uses none; WebGPU's only where the browser has WebGPU).
  const gpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
  const wanted = [...(needsReference ? ['wasm' as const] : []), ...cells.map((c) => c.backend)].filter((b): b is 'wasm' | 'webgpu' => b === 'wasm' || (b === 'webgpu' && gpu));
  // A backend left out (not compiled, or the wait cancelled): its workers fetch and compile it themselves.
  const { modules: runtimeModules, backends: shared } = await compiledModules(model.summary.format === 'tfjs' ? [] : wanted, ctrl.signal);
  patchRun({ sharedWasm: shared });
  let reference: ReferenceOutputs | null = null;
  if (needsReference) {
    const r = await referenceInWorker({ ...base, runtimeModules });
    if (r.ok) reference = r.reference;
    patchRun({ reference: r.ok ? { runs: 1, backend: r.backend, items: r.reference.items } : { runs: 1, backend: 'wasm', items: 0, error: r.error } });
  }
  // Each backend's runtime started once before the first cell, in a throw-away worker (a session of the original and
  // one run of it, so the kernels it calls are compiled in the page's shared module too), so the first cell's cold start
  // is measured as every other's; once loaded on this page (by an earlier benchmark), it is not loaded again.
  const warmed: NonNullable<BenchRun['warmed']> = [];
  for (const b of [...new Map(cells.map((c) => [c.backend, c])).values()]) {
    if (ctrl.signal.aborted) break;
    const runtime = `${model.summary.format === 'tfjs' ? 'tfjs-' : ''}${b.backend}`;
    const earlier = loadedRuntimes.get(runtime);
    if (earlier !== undefined) {
      warmed.push({ backend: b.backend, ms: earlier, earlier: true });
      continue;
    }
    const w = await warmInWorker({ ...base, backend: b.backend, threads: b.threads, runtimeModules });
    if (w.ok) loadedRuntimes.set(runtime, w.ms);
    warmed.push(w.ok ? { backend: b.backend, ms: w.ms } : { backend: b.backend, ms: null, error: w.error.message });
  }
  patchRun({ warmed });
  for (let i = 0; i < cells.length; i++) {
    if (ctrl.signal.aborted) {
      patchCell(run.id, i, { status: 'cancelled' });
      continue;
    }
    const cell = cells[i];
    const target = targets.find((t) => t.id === cell.targetId)!;
    patchCell(run.id, i, { status: 'running', progress: { fraction: 0, stage: 'starting' } });
    let lastPct = -1;
    const result = await benchInWorker(
      {
        model: target.source,
        backend: cell.backend,
        threads: cell.threads,
        latency: req.latency,
        data: req.data,
        labels: req.labels,
        reference: cell.targetId === 'original' ? null : reference,
        maxItems: req.maxItems,
        inputs: req.inputs,
        runtimeModules,
      },
      (p) => {
        const pct = Math.floor(p.fraction * 100);
        if (pct !== lastPct) {
          lastPct = pct;
          patchCell(run.id, i, { progress: p });
        }
      },
      ctrl.signal,
    );
    if (result.ok) patchCell(run.id, i, { status: 'done', outcome: result.outcome, progress: { fraction: 1, stage: 'done' } });
    else patchCell(run.id, i, { status: result.error.code === 'aborted' ? 'cancelled' : 'failed', error: result.error });
  }
  if (current === ctrl) current = null;
  // The workspace's scenarios that follow the benchmark take its figures: Costs and Trade-off cost the same ones.
  syncScenariosWithBenchmark();
  return run.id;
}

export function cancelBenchmark(): void {
  current?.abort();
}

export const benchRunsOf = (modelId: string | null) => (s: ReturnType<typeof studio.getState>) =>
  s.benchRuns.filter((r) => r.modelId === modelId);

/** Computes (once) which nodes each backend runs natively for the original model or a variant. */
export async function loadSupport(modelId: string, targetId: string): Promise<void> {
  const key = targetId === 'original' ? `${modelId}:original` : targetId;
  const state = studio.getState();
  if (state.support[key]) return;
  const model = state.models.find((m) => m.id === modelId);
  const variant = state.variants.find((v) => v.id === targetId);
  const source: OpenSource | null =
    targetId === 'original' ? (model?.origin ?? null) : variant?.blob ? { kind: 'files', files: [new File([variant.blob], `${variant.name}.onnx`)] } : null;
  if (!source) return;
  studio.setState((s) => ({ support: { ...s.support, [key]: { status: 'loading' } } }));
  const r = await supportInWorker(source);
  studio.setState((s) => ({
    support: { ...s.support, [key]: r.ok ? { status: 'done', backends: r.support } : { status: 'failed', error: r.error } },
  }));
}

export const supportKey = (modelId: string, targetId: string) => (targetId === 'original' ? `${modelId}:original` : targetId);
