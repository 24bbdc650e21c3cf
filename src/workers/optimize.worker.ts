/**
 * The app's optimize worker: reads the model and the data the page chose, runs core's optimize job
 * (src/core/job/optimize.ts) on onnxruntime-web's WASM backend and hands the variant's bytes back (transferred).
 */
import * as Comlink from 'comlink';
import { toErrorInfo } from '../core/errors';
import { openModelFiles } from '../core/model/open';
import { runOptimizeJob } from '../core/job/optimize';
import { describeMethod } from '../core/transforms/prune/sizes';
import { browserRuntime } from '../runtimes/browser';
import { backendFor } from '../core/formats/runnable';
import { isTfjsModel } from '../core/formats/tfjs/read';
import { BATCH, loadOptimizeData } from './optimize-data';
import type { OptimizeJob, OptimizeResult, OptimizeWorkerApi } from './protocol';
import { readSource } from './read-source';

const api: OptimizeWorkerApi = {
  async run(job: OptimizeJob, onProgress): Promise<OptimizeResult> {
    try {
      onProgress({ fraction: 0, stage: 'reading the model' });
      const opened = openModelFiles(await readSource(job.model));
      const data = await loadOptimizeData(job.data, opened.summary, job.inputs);
      const { report, bytes } = await runOptimizeJob({
        model: opened.model,
        fileBytes: isTfjsModel(opened.model.proto) ? undefined : opened.bytes, // a TF.js model's file is its model.json
        recipe: job.recipe,
        runtime: await browserRuntime(backendFor(opened.model, 'wasm')),
        fidelity: data.fidelity,
        calibration: { ...data.calibration, method: 'minmax', batchSize: BATCH },
        onProgress,
      });
      const f = report.fidelity;
      const fidelityNote = f.error
        ? `could not run ${f.error.model === 'original' ? 'the original' : 'the variant'} in onnxruntime-web to compare outputs: ${f.error.message}`
        : data.note;
      const s = report.size;
      return Comlink.transfer(
        {
          ok: true as const,
          buffer: bytes.buffer as ArrayBuffer,
          metrics: {
            name: report.recipeName,
            size: { bytes: bytes.length, gzipBytes: s.after.gzipBytes, gzipMethod: describeMethod(s.gzipMethod, bytes.length) },
            original: { ...s.before, gzipMethod: s.gzipNote, composition: report.weights.before },
            composition: report.weights.after,
            fidelity: f.error ? null : f.outputs,
            fidelityNote,
            verdict: f.verdict,
            durationMs: report.timing.transformMs + report.timing.calibrationMs,
            reports: report.reports,
          },
        },
        [bytes.buffer as ArrayBuffer],
      );
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
};

Comlink.expose(api);
