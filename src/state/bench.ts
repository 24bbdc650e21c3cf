import type { StateCreator } from 'zustand/vanilla';
import type { ErrorInfo } from '../core/errors';
import type { Progress } from '../core/transforms/types';
import type { BackendSupport } from '../core/bench/support';
import type { BenchBackend, BenchCellOutcome } from '../workers/protocol';

export type { BenchBackend, BenchCellOutcome };

export interface BenchCell {
  /** 'original' or a variant id */
  targetId: string;
  targetName: string;
  backend: BenchBackend;
  threads: number;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: Progress;
  outcome?: BenchCellOutcome;
  error?: ErrorInfo;
}

export interface BenchRun {
  id: string;
  modelId: string;
  startedAt: number;
  cells: BenchCell[];
  /** Set when the run was refused before any cell ran (a bad dataset). */
  error?: ErrorInfo;
  /** What the dataset check found (items, task, notes). */
  data?: { items: number; task: string | null; source: string; notes: string[] };
  /** The input spec the run resolved (before any cell ran); each cell's outcome carries the one it ran with. */
  inputSpec?: import('../core/bench/input-spec').InputSpecJson;
  /**
   * The original's reference outputs for fidelity (no labels): computed once for the whole run, on WASM, and given to
   * every variant's cell. `runs` counts how often the original was run for them (1; 0 when not needed).
   */
  reference?: { runs: number; backend: string; items: number; error?: ErrorInfo };
  /**
   * Each backend's runtime loaded once before the first cell (ms), so every cell's cold start is measured alike;
   * `earlier`: an earlier benchmark on this page loaded it already (the browser still holds it), so this run did not.
   */
  warmed?: { backend: string; ms: number | null; error?: string; earlier?: boolean }[];
  /** Backends whose workers got onnxruntime-web's WebAssembly compiled once for the page (runs saved before: absent). */
  sharedWasm?: string[];
  /** What the run measured with, shown above the results. */
  settings: { batchSizes: number[]; runs: number | 'adaptive'; warmupRuns: number; timeBudgetMs: number; dataName: string; labelled: boolean };
}

export type { BackendSupport };

export interface BenchSlice {
  benchRuns: BenchRun[];
  /** Backend support per model or variant id ('<modelId>:original' or a variant id), computed once. */
  support: Record<string, { status: 'loading' } | { status: 'done'; backends: BackendSupport[] } | { status: 'failed'; error: ErrorInfo }>;
}

export const createBenchSlice: StateCreator<BenchSlice, [], [], BenchSlice> = () => ({ benchRuns: [], support: {} });
