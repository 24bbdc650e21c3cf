/**
 * One optimize job, the same for every shell (the app's optimize worker, the CLI): measure the original, record its
 * outputs on the comparison data, apply the recipe (calibrating on the job's data for static quantization), move
 * weights left in external files inside the variant, measure it, run it on the same data and compare. The runtime
 * comes in through core's runtime-neutral InferenceRuntime; the shells only read inputs and write or show results.
 *
 * Memory: the job's model is read for this job alone, so pruning writes its zeros into that copy (ownsModel)
 * instead of copying every weight; that is why the original's outputs are recorded before the recipe runs. The two
 * models run one after the other, never both at once. A shell may run the two itself (the app does, each in a worker
 * of its own that it then terminates: `reference`, `recordVariant`), so that the runtime's memory is never alive
 * beside the transform's buffers or the variant's bytes.
 */
import { compareRecorded, recordOnce, type RecordedOutputs } from '../bench/compare';
import type { Fidelity } from '../bench/fidelity';
import { judgeFidelity, type Verdict } from '../bench/verdict';
import type { InferenceRuntime } from '../bench/session';
import { ParetoError } from '../errors';
import type { ModelProto } from '../formats/onnx/proto';
import type { OnnxModel } from '../formats/onnx/read';
import { concatParts, externalTensors, inlineExternalTensors, selfContainedBytes } from '../formats/onnx/self-contained';
import { writeOnnxParts } from '../formats/onnx/write';
import { weightComposition, type WeightComposition } from '../inspect/composition';
import { applyRecipe, type RecipeDeps } from '../transforms/apply-recipe';
import { describeMethod, measurePieces, modelPieces, type SizeMethod } from '../transforms/prune/sizes';
import { recipeName, validateRecipe, type Recipe } from '../transforms/recipe';
import type { CalibrationBatch } from '../transforms/quantize/calibrate';
import type { Progress, TransformReport } from '../transforms/types';
import { asCalibrationBatch, calibrationRunnerFor } from './calibration';
import type { DataUse, JobData } from './data';
import { layerLines, type LayerLine } from './layers';
import { dict } from '../own';
import { tfjsSensitivityRunner } from '../transforms/tfjs-quantize/sensitivity';

export interface SizeFigures {
  bytes: number;
  /** Absent when not measured. */
  gzipBytes?: number;
}

export interface OptimizeJob {
  /** The model, read for this job alone: pruning may write into its bytes. */
  model: OnnxModel;
  /** The .onnx file as read, when at hand: the original's bytes for the comparison if it keeps nothing outside. */
  fileBytes?: Uint8Array;
  recipe: Recipe;
  /** Runs the original and the variant for the comparison, and the calibration model. */
  runtime: InferenceRuntime;
  threads?: number;
  /** The comparison's data (see ./data.ts: the given data, the sample's test split, or synthetic). */
  fidelity: JobData;
  /** Skip the fidelity check (the shells' --no-fidelity): nothing is run; the report says it was not measured. */
  skipFidelity?: boolean;
  /** Static quantization's calibration batches; `method` as the report shows it. */
  calibration?: JobData & { method: string; batchSize: number };
  /** The original's outputs on `fidelity`, recorded by the caller before the job (then `runtime` does not run it). */
  reference?: { outputs: RecordedOutputs } | { error: string };
  /**
   * Runs the variant on `fidelity` instead of `runtime`, before it is joined into one buffer (so that buffer and the
   * runtime's memory are never alive together). It may lend the model's buffers to a worker and point its tensors at
   * what comes back: the job serialises the variant again afterwards. Resolves with the outputs or the runtime's
   * message; rejects (and the job fails) when the model could not be given back.
   */
  recordVariant?: (model: ModelProto) => Promise<{ outputs: RecordedOutputs } | { error: string }>;
  /**
   * With `recordVariant`: the caller takes the variant as the outcome's `parts` (the app makes a Blob of them) and
   * `bytes` stays empty, which saves a copy of the whole variant.
   */
  partsOnly?: boolean;
  /** Called with the variant's parts before the comparison runs (the CLI writes its file here). */
  onVariant?: (parts: readonly Uint8Array[]) => void | Promise<void>;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface FidelityFigures {
  data: DataUse;
  /** Per output of the model. Empty when the comparison could not run. */
  outputs: Record<string, Fidelity>;
  /** Why the comparison could not run (the first line of the runtime's message), and on which model. */
  error?: { model: 'original' | 'variant'; message: string };
  /** Is the variant degraded (verdict.ts: thresholds per output kind)? Null when nothing could be compared. */
  verdict: Verdict | null;
  /** Set when the caller asked for no fidelity check. */
  skipped?: true;
}

export interface OptimizeReport {
  recipe: Recipe;
  recipeName: string;
  timing: { totalMs: number; transformMs: number; calibrationMs: number; fidelityMs: number };
  size: {
    before: SizeFigures;
    after: SizeFigures;
    /** before.bytes / after.bytes */
    ratio: number;
    /** before.gzipBytes / after.gzipBytes, null when not measured */
    gzipRatio: number | null;
    gzipMethod: SizeMethod;
    gzipNote: string;
  };
  weights: { before: WeightComposition; after: WeightComposition };
  calibration: { data: DataUse; batches: number; batchSize: number; method: string } | null;
  layers: LayerLine[];
  skipped: TransformReport['skipped'];
  notes: string[];
  fidelity: FidelityFigures;
  reports: TransformReport[];
}

export interface OptimizeOutcome {
  report: OptimizeReport;
  /** The variant. */
  model: ModelProto;
  /** The variant serialised as parts, and as one buffer of its own (what the comparison ran; empty with partsOnly). */
  parts: Uint8Array[];
  bytes: Uint8Array;
}

const sizeFigures = (s: { bytes: number; gzipBytes?: number }): SizeFigures =>
  s.gzipBytes === undefined ? { bytes: s.bytes } : { bytes: s.bytes, gzipBytes: s.gzipBytes };

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Runs the job; throws ParetoError 'aborted' when cancelled, 'bad-input' for a recipe that cannot run. */
export async function runOptimizeJob(job: OptimizeJob): Promise<OptimizeOutcome> {
  const t0 = performance.now();
  const { model, runtime } = job;
  const progress = (fraction: number, stage: string) => job.onProgress?.({ fraction, stage });
  const checkAborted = () => {
    if (job.signal?.aborted) throw new ParetoError('aborted', 'Cancelled.');
  };
  const threads = job.threads;

  // 1. The original: sizes (gzip exactly up to the core's limit, else estimated; the same method after) and weights.
  progress(0, 'measuring the original');
  // Serialised once: 'auto' picks the method from its size (kept for the variant), and measures it.
  const measuredBefore = measurePieces(modelPieces(model.proto, model.external), 'auto');
  const method: SizeMethod = measuredBefore.method;
  const before = sizeFigures(measuredBefore);
  const compositionBefore = weightComposition(model.proto, model.external);

  // 2. Its outputs on the comparison data, before the recipe may write into its weights. External weights are moved
  // inside the model here (views, no copy), so the variant stands alone as well.
  progress(0.02, 'running the original on the comparison data');
  let fidelityMs = 0;
  let reference: RecordedOutputs | undefined;
  let fidelityError: FidelityFigures['error'];
  const tr = performance.now();
  if (!job.skipFidelity && job.reference) {
    if ('outputs' in job.reference) reference = job.reference.outputs;
    else fidelityError = { model: 'original', message: job.reference.error };
  } else if (!job.skipFidelity) {
    try {
      const bytes = selfContainedBytes(model, job.fileBytes);
      reference = await recordOnce(() => runtime.createSession(bytes, { threads }), job.fidelity.batches);
    } catch (e) {
      fidelityError = { model: 'original', message: firstLine(e) };
    }
  }
  fidelityMs += performance.now() - tr;
  checkAborted();

  // 3. The recipe, calibrating on the job's data (time spent calibrating counted apart).
  let calibrationMs = 0;
  const deps: RecipeDeps = {};
  // TF.js mixed precision measures each weight on the comparison's data.
  if (job.recipe.steps.some((s) => s.transform === 'quantize-tfjs' && s.options.keepSensitive)) {
    deps.tfjsSensitivity = tfjsSensitivityRunner(runtime, job.model.proto, job.fidelity.batches.slice(0, 4));
  }
  const cal = job.calibration;
  if (cal) {
    const runner = calibrationRunnerFor(runtime, { threads });
    deps.calibrationRunner = async (bytes, names, external) => {
      const tc = performance.now();
      try {
        return await runner(bytes, names, external);
      } finally {
        calibrationMs += performance.now() - tc;
      }
    };
    deps.calibrationBatches = async function* (): AsyncGenerator<CalibrationBatch> {
      for (const feeds of cal.batches) {
        const tc = performance.now();
        yield asCalibrationBatch(feeds);
        calibrationMs += performance.now() - tc; // the consumer's run happens while we are suspended
      }
    };
  }
  const tt = performance.now();
  const result = await applyRecipe(
    model,
    job.recipe,
    { signal: job.signal, onProgress: (p) => progress(0.05 + p.fraction * 0.8, p.stage), ownsModel: true },
    deps,
  );
  const transformMs = performance.now() - tt - calibrationMs;
  const notes = result.reports.flatMap((r) => r.notes);

  // 4. Weights still in external data files (the comparison could not run the original) go inside the variant.
  let parts = result.parts;
  const moved = externalTensors(result.model).length > 0 ? inlineExternalTensors(result.model, model.external, result.bytes) : 0;
  if (moved > 0) {
    parts = writeOnnxParts(result.model);
    notes.push(`${moved} weight tensor${moved === 1 ? '' : 's'} kept in external data by the input ${moved === 1 ? 'is' : 'are'} stored inside the output .onnx.`);
  }

  progress(0.87, 'measuring the variant');
  // The variant as it is written (its weights all inside it by now): the parts the file gets.
  const after = sizeFigures(measurePieces(parts, method));
  const compositionAfter = weightComposition(result.model, model.external);
  await job.onVariant?.(parts);
  checkAborted();

  // 5. The variant on the same data, compared.
  progress(0.92, 'comparing outputs with the original');
  let outputs: Record<string, Fidelity> = dict();
  let bytes: Uint8Array;
  const tf = performance.now();
  if (job.recordVariant) {
    if (reference) {
      const r = await job.recordVariant(result.model);
      if ('error' in r) fidelityError = { model: 'variant', message: r.error };
      else outputs = compareRecorded(reference, r.outputs);
    }
    parts = writeOnnxParts(result.model); // the variant's buffers may have been lent out and given back
    bytes = job.partsOnly ? new Uint8Array(0) : concatParts(parts);
  } else {
    bytes = concatParts(parts);
    if (reference) {
      try {
        outputs = compareRecorded(reference, await recordOnce(() => runtime.createSession(bytes, { threads }), job.fidelity.batches));
      } catch (e) {
        fidelityError = { model: 'variant', message: firstLine(e) };
      }
    }
  }
  if (reference) fidelityMs += performance.now() - tf;
  progress(1, 'done');

  const report: OptimizeReport = {
    recipe: validateRecipe(job.recipe),
    recipeName: recipeName(job.recipe),
    timing: { totalMs: performance.now() - t0, transformMs, calibrationMs, fidelityMs },
    size: {
      before,
      after,
      ratio: after.bytes ? before.bytes / after.bytes : 0,
      gzipRatio: before.gzipBytes !== undefined && after.gzipBytes ? before.gzipBytes / after.gzipBytes : null,
      gzipMethod: method,
      gzipNote: describeMethod(method, before.bytes),
    },
    weights: { before: compositionBefore, after: compositionAfter },
    calibration: cal ? { data: cal.use, batches: cal.batches.length, batchSize: cal.batchSize, method: cal.method } : null,
    layers: layerLines(result.reports),
    skipped: result.reports.flatMap((r) => r.skipped),
    notes,
    fidelity: job.skipFidelity
      ? { data: job.fidelity.use, outputs: {}, verdict: null, skipped: true }
      : fidelityError
      ? { data: job.fidelity.use, outputs: {}, error: fidelityError, verdict: null }
      : { data: job.fidelity.use, outputs, verdict: Object.keys(outputs).length > 0 ? judgeFidelity(outputs) : null },
    reports: result.reports,
  };
  return { report, model: result.model, parts, bytes };
}
