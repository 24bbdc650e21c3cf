/**
 * `pareto quantize` and `pareto prune` once their options are checked: core's optimize job (src/core/job/optimize.ts)
 * on onnxruntime-node, writing the output atomically (./output-file.ts). The JSON object it returns is documented in
 * docs/cli.md; this file only maps core's report onto it.
 */
import { availableParallelism } from 'node:os';
import type { Fidelity } from '../core/bench/fidelity';
import { isParetoError } from '../core/errors';
import type { OpenedModel } from '../core/model/open';
import { inputSpecJson, type InputSpec, type InputSpecJson } from '../core/bench/input-spec';
import { datasetJobData, FIDELITY_ROWS, jobData, specJobData, type DataUse, type JobData } from '../core/job/data';
import type { LayerLine } from '../core/job/layers';
import { runOptimizeJob, type OptimizeReport, type SizeFigures } from '../core/job/optimize';
import type { Recipe } from '../core/transforms/recipe';
import { nodeRuntime } from '../runtimes/node';
import { CliError } from './errors';
import { AtomicOutput, type OutputTarget } from './output-file';
import { TfjsFolderOutput } from './tfjs-output';
import { isNpz, tensorOf, type InputsFile } from './sample-inputs';

export type { LayerLine, SizeFigures };

export interface FidelityReport {
  /** Where the inputs came from: --calibration, --data, the sample's own test split, or synthetic rows. */
  inputs: 'calibration' | 'data' | 'samples' | 'synthetic';
  /** The .npy file, or null for synthetic inputs. */
  file: string | null;
  rows: number;
  /** Per output: kind, relativeL2, cosine, snrDb, top1Agreement, top5Agreement, klDivergence, maxAbsError, rows (non-finite values as null). */
  outputs: Record<string, FidelityJson>;
  /** Set when the comparison could not run (the other keys are then empty). */
  error?: string;
  /** True when --no-fidelity skipped the check. */
  skipped?: boolean;
  /** The rule the verdict applies (src/core/bench/verdict.ts), when outputs were compared. */
  rule?: string;
  /** What ran the comparison: onnxruntime-node (ONNX), or TF.js's wasm backend (a TF.js model). */
  runtime: string;
}

/** The CLI's JSON result (docs/cli.md): core's optimize report, with the files, calibration and fidelity as the CLI names them. */
export interface OptimizeResult extends Omit<OptimizeReport, 'calibration' | 'fidelity'> {
  resultVersion: 1;
  /** True when a fidelity figure crossed its threshold (degradedReasons says which), null when not measured. */
  degraded: boolean | null;
  degradedReasons: string[];
  command: 'quantize' | 'prune';
  input: string;
  output: string;
  calibration: { file: string; samples: number; batches: number; batchSize: number; method: string } | null;
  fidelity: FidelityReport;
  /** The input spec the fidelity check (and calibration) ran with: shapes, where each dim came from, values. */
  inputSpec: InputSpecJson;
}

export interface OptimizeJob {
  command: 'quantize' | 'prune';
  /** The input as given. */
  input: string;
  output: OutputTarget;
  outputArg: string;
  opened: OpenedModel;
  recipe: Recipe;
  /** Static quantization: sample inputs and how many to use. */
  calibration?: { inputs: InputsFile; samples: number; batch: number; method: string };
  /** Inputs for the fidelity check (first 64 rows); made by the input spec when absent. */
  fidelityInputs?: { inputs: InputsFile; source: 'calibration' | 'data' | 'samples' };
  /** The input spec (sample_inputs.ts resolveRunSpec): shapes and values of the inputs the files do not hold. */
  spec: InputSpec;
  /** Notes from the command line layer (e.g. options that do not apply). */
  notes?: string[];
  /** Progress lines on stderr (a TTY). */
  progress?: (fraction: number, stage: string) => void;
  /** --no-fidelity: skip the comparison with the original. */
  noFidelity?: boolean;
}

export { FIDELITY_ROWS };

const threads = () => Math.max(1, Math.min(4, availableParallelism()));

/** A Fidelity as JSON: figures that are not finite (NaN, Infinity) become null; the output's kind stays. */
export type FidelityJson = { [K in keyof Fidelity]: Fidelity[K] extends number ? number | null : Fidelity[K] };

const finiteOrNull = (f: Fidelity): FidelityJson => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) out[k] = typeof v === 'number' ? (Number.isFinite(v) ? v : null) : v;
  return out as FidelityJson;
};

/** Job data from an inputs file: an .npy's rows (one input), or an .npz's arrays with the spec making the rest. */
function fileJobData(job: OptimizeJob, f: InputsFile, use: Omit<DataUse, 'rows'>, limit: number, batch: number): JobData {
  if (isNpz(f)) return datasetJobData(f.dataset, job.spec, use, limit, batch);
  return jobData(tensorOf(f), job.opened.summary.inputs[0], use, limit, batch);
}

/** The fidelity check's data: the first rows of the sample inputs, else deterministic ones made by the input spec. */
function fidelityData(job: OptimizeJob): JobData {
  const f = job.fidelityInputs;
  if (!f) return specJobData(job.spec);
  return fileJobData(job, f.inputs, { kind: f.source, file: f.inputs.path }, FIDELITY_ROWS, FIDELITY_ROWS);
}

/** Runs the recipe, writes the output atomically, measures sizes and fidelity. */
export async function runOptimize(job: OptimizeJob): Promise<OptimizeResult> {
  const progress = job.progress ?? (() => undefined);
  const tfjs = job.opened.format === 'tfjs';
  // A TF.js model is written as a folder (model.json + shards) and checked on TF.js's wasm backend.
  const out = tfjs ? new TfjsFolderOutput(job.output) : new AtomicOutput(job.output);
  try {
    const c = job.calibration;
    const { report } = await runOptimizeJob({
      model: job.opened.model,
      fileBytes: tfjs ? undefined : job.opened.bytes, // a TF.js model's file is its model.json: the job serialises the model
      recipe: job.recipe,
      runtime: tfjs ? await nodeRuntime('tfjs-wasm') : await nodeRuntime('node'),
      threads: threads(),
      fidelity: fidelityData(job),
      skipFidelity: job.noFidelity,
      calibration: c
        ? {
            ...fileJobData(job, c.inputs, { kind: 'calibration', file: c.inputs.path }, c.samples, c.batch),
            method: c.method,
            batchSize: (isNpz(c.inputs) ? undefined : c.inputs.fixedBatch) ?? c.batch,
          }
        : undefined,
      onVariant: (parts) => {
        progress(0.9, 'writing');
        out.write(parts);
      },
      onProgress: (p) => progress(p.fraction, p.stage),
    });
    const notes = [...(job.notes ?? []), ...report.notes];
    const f = report.fidelity;
    if (f.data.kind === 'synthetic') {
      notes.push(
        `Fidelity measured on ${f.data.rows} synthetic input rows made by the input spec (inputSpec: seeded fills, fixed values); ` +
          `give real inputs with ${job.command === 'quantize' ? '--calibration or --data' : '--data'} <inputs.npy|.npz> for figures that mean more.`,
      );
    } else if (f.data.kind === 'samples') {
      notes.push(`Fidelity measured on the first ${f.data.rows} items of the sample's test split (${f.data.file}); give --data <inputs.npy> to use others.`);
    }
    out.commit();
    const fidelity: FidelityReport = { inputs: f.data.kind, file: f.data.file, rows: f.data.rows, outputs: {}, runtime: tfjs ? 'TF.js wasm' : 'onnxruntime-node' };
    if (f.skipped) fidelity.skipped = true;
    else if (f.error) fidelity.error = f.error.message;
    else for (const [k, v] of Object.entries(f.outputs)) fidelity.outputs[k] = finiteOrNull(v);
    if (f.verdict) fidelity.rule = f.verdict.rule;
    const cal = report.calibration;
    return {
      resultVersion: 1,
      degraded: f.verdict ? f.verdict.degraded : null,
      degradedReasons: f.verdict?.reasons ?? [],
      command: job.command,
      input: job.input,
      output: job.outputArg,
      recipe: report.recipe,
      recipeName: report.recipeName,
      timing: report.timing,
      size: report.size,
      weights: report.weights,
      calibration: cal ? { file: cal.data.file ?? '', samples: cal.data.rows, batches: cal.batches, batchSize: cal.batchSize, method: cal.method } : null,
      layers: report.layers,
      skipped: report.skipped,
      notes,
      fidelity,
      reports: report.reports,
      inputSpec: inputSpecJson(job.spec),
    };
  } catch (e) {
    if (isParetoError(e) && e.code === 'aborted') throw new CliError('cancelled; no output written.');
    throw e;
  } finally {
    out.close();
  }
}
