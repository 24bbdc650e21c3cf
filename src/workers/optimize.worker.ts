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
import { toErrorInfo } from '../core/errors';
import { openModelFiles } from '../core/model/open';
import { runOptimizeJob } from '../core/job/optimize';
import { describeMethod } from '../core/transforms/prune/sizes';
import { browserRuntime } from '../runtimes/browser';
import { holdRuntimeModules } from '../runtimes/wasm-modules';
import { backendFor } from '../core/formats/runnable';
import { isTfjsModel } from '../core/formats/tfjs/read';
import { recordInWorker } from './fidelity-client';
import { BATCH, loadOptimizeData } from './optimize-data';
import type { OptimizeJob, OptimizeResult, OptimizeWorkerApi } from './protocol';
import { readSource } from './read-source';

const api: OptimizeWorkerApi = {
  async run(job: OptimizeJob, onProgress): Promise<OptimizeResult> {
    try {
      onProgress({ fraction: 0, stage: 'reading the model' });
      holdRuntimeModules(job.runtimeModules);
      const opened = openModelFiles(await readSource(job.model));
      const data = await loadOptimizeData(job.data, opened.summary, job.inputs);
      // A TF.js model runs on TF.js here (the fidelity worker runs onnxruntime-web); an ONNX model's original and
      // variant each run in a fidelity worker of their own. The original first, before the recipe may write into its
      // weights.
      const tfjs = isTfjsModel(opened.model.proto);
      if (!tfjs) onProgress({ fraction: 0.01, stage: 'running the original on the comparison data' });
      const reference = tfjs ? undefined : await recordInWorker(opened.model, data.fidelity.batches);
      const { report, parts } = await runOptimizeJob({
        model: opened.model,
        recipe: job.recipe,
        runtime: await browserRuntime(backendFor(opened.model, 'wasm')),
        fidelity: data.fidelity,
        reference,
        recordVariant: tfjs ? undefined : (variant) => recordInWorker({ proto: variant, external: new Map() }, data.fidelity.batches),
        partsOnly: !tfjs,
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
