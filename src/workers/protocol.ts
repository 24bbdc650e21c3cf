import type { ErrorInfo } from '../core/errors';
import type { ModelSummary } from '../core/inspect/summary';

/**
 * Messages between the page and the model worker. Files travel as File/Blob handles (the browser shares
 * their bytes; nothing is cloned); ArrayBuffers are transferred, never copied.
 */
export type OpenSource =
  | { kind: 'files'; files: File[] }
  | { kind: 'url'; url: string; name: string }
  | { kind: 'buffers'; files: { name: string; buffer: ArrayBuffer }[] };

export type OpenResult =
  | { ok: true; summary: ModelSummary; parseMs: number; readMs: number }
  | { ok: false; error: ErrorInfo };

export type SupportResult =
  | { ok: true; support: import('../core/bench/support').BackendSupport[] }
  | { ok: false; error: ErrorInfo };

/** MACs recounted at given input shapes: the model's total, the shapes used, and each layer's (in summary.layers order). */
export type MacsResult =
  | { ok: true; macs: ModelSummary['macs']; macsAt: ModelSummary['macsAt']; layerMacs: (number | null)[] }
  | { ok: false; error: ErrorInfo };

/** A runtime's WebAssembly compiled once for the page (src/runtimes/wasm-modules.ts), by the URL it came from. */
export type CompiledRuntime =
  | { ok: true; url: string; module: WebAssembly.Module }
  | { ok: false; error: ErrorInfo };

export interface ModelWorkerApi {
  open(source: OpenSource): Promise<OpenResult>;
  /** Fetches and compiles onnxruntime-web's .wasm for a backend, for the page to hand to the workers that run it. */
  compileRuntime(backend: import('../runtimes/wasm-modules').CompiledBackend): Promise<CompiledRuntime>;
  /** The model's MACs at these input shapes (null dims unknown), as the inspect view shows them for the shape set. */
  macs(source: OpenSource, inputShapes: Record<string, (number | null)[] | null>, inputValues?: Record<string, number>): Promise<MacsResult>;
  /** Which nodes each backend runs natively, falls back on, or cannot run. */
  support(source: OpenSource): Promise<SupportResult>;
}

/** Inputs for fidelity checks and calibration: an .npy of inputs (a file or a URL on this origin), or synthetic. */
export type DataSource =
  | { kind: 'url'; url: string; name: string }
  /** .npy inputs, or an .npz holding inputs (and labels) */
  | { kind: 'file'; file: File }
  | { kind: 'synthetic' }
  /** a folder of images, one sub-folder per class (labels from the folder names) */
  | {
      kind: 'images';
      files: File[];
      layout?: 'NCHW' | 'NHWC';
      normalization: import('../core/data/images').NormalizationPreset;
      size?: { width: number; height: number };
    }
  /** a CSV of features with a label column */
  | { kind: 'csv'; file: File; labelColumn?: string };

/**
 * What the user set about the model's inputs (the forms' dim and value fields): core's input spec resolves every
 * input from it (src/core/bench/input-spec.ts), and refuses naming the dims still open.
 */
export interface InputChoice {
  /** Whole shapes by input name. */
  shapes?: Record<string, number[]>;
  /** Values by symbolic dim name ("H": 320). */
  dims?: Record<string, number>;
  /** Fixed values by input name ("sr": 16000). */
  values?: Record<string, number>;
}

export interface OptimizeJob {
  model: OpenSource;
  recipe: import('../core/transforms/recipe').Recipe;
  data: DataSource;
  inputs?: InputChoice;
  /** onnxruntime-web's compiled WebAssembly, when the page holds it (the worker and its fidelity workers use it). */
  runtimeModules?: import('../runtimes/wasm-modules').RuntimeModules;
}

export interface SizeInfo {
  bytes: number;
  gzipBytes?: number;
  gzipMethod: string;
}

export interface VariantMetrics {
  name: string;
  size: SizeInfo;
  original: SizeInfo & { composition: import('../core/inspect/composition').WeightComposition };
  composition: import('../core/inspect/composition').WeightComposition;
  /** Output error against the original model, by output name; null if it could not be run. */
  fidelity: Record<string, import('../core/bench/fidelity').Fidelity> | null;
  fidelityNote: string;
  /** Degraded or not against the stated thresholds; null when nothing could be compared. */
  verdict: import('../core/bench/verdict').Verdict | null;
  durationMs: number;
  reports: import('../core/transforms/types').TransformReport[];
}

export type OptimizeResult =
  /** The variant as a Blob made in the worker: the page gets a handle, and never copies the bytes on its thread. */
  | { ok: true; blob: Blob; metrics: VariantMetrics }
  | { ok: false; error: ErrorInfo };

export interface OptimizeWorkerApi {
  run(job: OptimizeJob, onProgress: (p: import('../core/transforms/types').Progress) => void): Promise<OptimizeResult>;
}

/**
 * The optimize worker's fidelity runs, each in a worker of its own that is terminated afterwards (its WebAssembly
 * memory goes with it). The model travels as core/job/session-parts.ts's graph and weight views; the buffers under
 * them are transferred there and back, never copied.
 */
export type FidelityRecord = { buffers: ArrayBuffer[] } & (
  | { ok: true; outputs: import('../core/bench/compare').RecordedOutputs }
  | { ok: false; message: string }
);

export interface FidelityWorkerApi {
  record(
    lent: { parts: import('../core/job/session-parts').SessionParts; buffers: ArrayBuffer[] },
    batches: import('../core/bench/session').Feeds[],
    threads?: number,
    runtimeModules?: import('../runtimes/wasm-modules').RuntimeModules,
  ): Promise<FidelityRecord>;
}

/* ------------------------------------------------------------ benchmarks ------------------------------------------------------------ */

export type BenchBackend = 'wasm' | 'webgpu' | 'webgl';

/** One cell of the results table: a model (original or variant) on one backend with one thread count. */
export interface BenchCellJob {
  model: OpenSource;
  backend: BenchBackend;
  threads: number;
  latency: import('../core/bench/harness').LatencyOptions;
  /** Inputs for latency runs and accuracy; labels turn fidelity into accuracy. */
  data: DataSource;
  labels: DataSource | null;
  /**
   * The original model's outputs on the same data, for fidelity when there are no labels: computed once per run
   * (BenchWorkerApi.reference) and handed to every variant's cell; null for the original's own cell or with labels.
   */
  reference: import('../core/bench/accuracy').ReferenceOutputs | null;
  /** Evaluate quality on at most this many items (software GPU adapters are slow). */
  maxItems?: number;
  /** The user's dims and values: the input spec every call of the run (check, reference, warm-up, cells) resolves. */
  inputs?: InputChoice;
  /** onnxruntime-web's compiled WebAssembly, by .wasm URL, when the page holds it: the worker instantiates it. */
  runtimeModules?: import('../runtimes/wasm-modules').RuntimeModules;
}

export interface BenchCellOutcome {
  benchmark: import('../core/bench/harness').BenchmarkResult<import('../core/bench/accuracy').AccuracyResult | null>;
  environment: import('../runtimes/environment').BrowserEnvironment;
  /** The input spec the cell ran with: every input's shape, where each dim came from, how its values were made. */
  inputSpec: import('../core/bench/input-spec').InputSpecJson;
  /** Multiply-accumulates per item at the spec's shapes (batch dims 1); nodesUnknown > 0: some could not be counted. */
  macs: { total: number; nodesUnknown: number };
  /**
   * WebGPU cells of ONNX models: where onnxruntime-web places the model's nodes (core/bench/support.ts, the support
   * table's rules): how many run on its CPU EP, and why WebGPU takes none when it takes none.
   */
  placement?: { nodes: number; onCpu: number; gpuUnused?: string };
}

export type BenchCellResult = { ok: true; outcome: BenchCellOutcome } | { ok: false; error: ErrorInfo };

export type DatasetCheck =
  | { ok: true; items: number; task: string | null; labelled: boolean; source: string; notes: string[]; inputSpec: import('../core/bench/input-spec').InputSpecJson }
  | { ok: false; error: ErrorInfo };

export type ReferenceResult =
  | { ok: true; reference: import('../core/bench/accuracy').ReferenceOutputs; backend: BenchBackend }
  | { ok: false; error: ErrorInfo };

export interface BenchWorkerApi {
  /** Loads and validates the dataset against the model once, before any cell runs. */
  check(job: BenchCellJob): Promise<DatasetCheck>;
  /** Runs the original once on the data (WASM) and returns its outputs: every variant's cell compares with them. */
  reference(job: BenchCellJob): Promise<ReferenceResult>;
  /**
   * Loads the backend's runtime, creates one session of the model and runs it once on synthetic inputs, then the worker
   * is thrown away: the runtime's first start (its JavaScript; its WebAssembly where the page holds none; the kernels
   * the model calls, compiled in the module the page shares) is paid here, not by the first cell.
   */
  warm(job: BenchCellJob): Promise<{ ok: true; ms: number } | { ok: false; error: ErrorInfo }>;
  run(job: BenchCellJob, onProgress: (p: import('../core/transforms/types').Progress) => void): Promise<BenchCellResult>;
}
