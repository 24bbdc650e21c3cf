/**
 * The app's optimize worker: reads the model and the data the page chose, runs core's optimize job
 * (src/core/job/optimize.ts) and hands the variant's bytes back (transferred).
 *
 * Memory (issue 10: a job peaks at ≤ 3× the model): the original and the variant are each run for the fidelity check
 * in a worker of their own (./fidelity-client.ts), terminated afterwards, so onnxruntime-web's WebAssembly memory
 * (which never shrinks) is never alive beside the transform's buffers or the variant's bytes; the buffers under the
 * model (the file's, which pruning writes into, and the transform's) are lent to it and come back, never copied.
 * onnxruntime-web runs here only to calibrate static quantization.
 */
import * as Comlink from 'comlink';
import { inputTensorFromNpy } from '../core/bench/dataset';
import { readNpy } from '../core/data/npy';
import { ParetoError, toErrorInfo } from '../core/errors';
import { openModelFiles } from '../core/model/open';
import { resolveInputSpec, type InputSpec } from '../core/bench/input-spec';
import type { ModelSummary } from '../core/inspect/summary';
import { FIDELITY_ROWS, jobData, specJobData, type JobData } from '../core/job/data';
import { runOptimizeJob } from '../core/job/optimize';
import { describeMethod } from '../core/transforms/prune/sizes';
import { browserRuntime } from '../runtimes/browser';
import { dataFile } from './data-source';
import { recordInWorker } from './fidelity-client';
import type { DataSource, InputChoice, OptimizeJob, OptimizeResult, OptimizeWorkerApi } from './protocol';
import { readSource } from './read-source';

const CALIBRATION_ITEMS = 256;

/** "image [1, 3, 320, 320] image-like: values in [0, 1) (seeded); sr [] = 16000": the shapes (batch 1) and values. */
function syntheticNote(spec: InputSpec): string {
  return spec.inputs.map((e) => `${e.name} [${e.shape.join(', ')}] ${e.values.kind === 'fixed' ? `= ${e.values.value}` : e.values.reason}`).join('; ');
}
const BATCH = 16;

/** The comparison's and the calibration's data: the first items of the chosen .npy, or synthetic inputs. */
async function loadData(data: DataSource, model: ModelSummary, choice: InputChoice | undefined): Promise<{ fidelity: JobData; calibration: JobData; note: string }> {
  const inputs = model.inputs;
  if (data.kind === 'synthetic') {
    // The input spec resolves every dim (the user's, the model's, declared defaults) or refuses naming the open ones.
    const spec = resolveInputSpec(model, choice ?? {});
    const fidelity = specJobData(spec, FIDELITY_ROWS);
    return { fidelity, calibration: fidelity, note: `${fidelity.use.rows} synthetic inputs: no dataset given; ${syntheticNote(spec)}` };
  }
  const file = await dataFile(data);
  if (!file || data.kind === 'csv') throw new ParetoError('bad-input', 'Calibration and comparisons take an .npy file of inputs.');
  if (inputs.length !== 1) throw new ParetoError('bad-input', `An .npy file feeds one input; this model has ${inputs.length}.`);
  const tensor = inputTensorFromNpy(readNpy(file.bytes), inputs[0], `"${file.fileName}"`);
  const use = { kind: data.kind === 'url' ? ('samples' as const) : ('data' as const), file: file.fileName };
  const fidelity = jobData(tensor, inputs[0], use, FIDELITY_ROWS, BATCH);
  return {
    fidelity,
    calibration: jobData(tensor, inputs[0], use, CALIBRATION_ITEMS, BATCH),
    note: `the first ${fidelity.use.rows} inputs of ${file.fileName}`,
  };
}

const api: OptimizeWorkerApi = {
  async run(job: OptimizeJob, onProgress): Promise<OptimizeResult> {
    try {
      onProgress({ fraction: 0, stage: 'reading the model' });
      const opened = openModelFiles(await readSource(job.model));
      const data = await loadData(job.data, opened.summary, job.inputs);
      // The original's outputs, before the recipe may write into its weights, in a worker of its own.
      onProgress({ fraction: 0.01, stage: 'running the original on the comparison data' });
      const reference = await recordInWorker(opened.model, data.fidelity.batches);
      const { report, parts } = await runOptimizeJob({
        model: opened.model,
        recipe: job.recipe,
        runtime: await browserRuntime('wasm'),
        fidelity: data.fidelity,
        reference,
        recordVariant: (variant) => recordInWorker({ proto: variant, external: new Map() }, data.fidelity.batches),
        partsOnly: true,
        calibration: { ...data.calibration, method: 'minmax', batchSize: BATCH },
        onProgress,
      });
      const f = report.fidelity;
      const fidelityNote = f.error
        ? `could not run ${f.error.model === 'original' ? 'the original' : 'the variant'} in onnxruntime-web to compare outputs: ${f.error.message}`
        : data.note;
      const s = report.size;
      // A Blob made here, of the variant's parts (no joined copy first): building it from the bytes on the page took
      // 0.1–0.5 s of its main thread for a 100–400 MB variant (a long task the bench saw); a Blob reaches the page as a
      // handle, copying nothing.
      const blob = new Blob(parts as Uint8Array<ArrayBuffer>[], { type: 'application/octet-stream' });
      return {
        ok: true as const,
        blob,
        metrics: {
          name: report.recipeName,
          size: { bytes: blob.size, gzipBytes: s.after.gzipBytes, gzipMethod: describeMethod(s.gzipMethod, blob.size) },
          original: { ...s.before, gzipMethod: s.gzipNote, composition: report.weights.before },
          composition: report.weights.after,
          fidelity: f.error ? null : f.outputs,
          fidelityNote,
          verdict: f.verdict,
          durationMs: report.timing.transformMs + report.timing.calibrationMs,
          reports: report.reports,
        },
      };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
};

Comlink.expose(api);
