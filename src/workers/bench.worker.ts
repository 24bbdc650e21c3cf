import * as Comlink from 'comlink';
import { collectOutputs, evaluateAccuracy } from '../core/bench/accuracy';
import type { Dataset, ModelIO } from '../core/bench/dataset';
import { datasetFromFile, datasetFromImageFolder, syntheticDataset, type ImageFile } from '../core/bench/dataset-files';
import { benchmarkModel, feedsFromTensors, resolveBatchSizes } from '../core/bench/harness';
import { ParetoError, toErrorInfo } from '../core/errors';
import { selfContainedBytes } from '../core/formats/onnx/self-contained';
import { openModelFiles } from '../core/model/open';
import { browserRuntime } from '../runtimes/browser';
import { readEnvironment } from '../runtimes/environment';
import { dataFile } from './data-source';
import type { BenchCellJob, BenchCellResult, BenchWorkerApi, OpenSource, ReferenceResult } from './protocol';
import { readSource } from './read-source';

async function modelBytes(source: OpenSource): Promise<{ bytes: Uint8Array; io: ModelIO }> {
  const opened = openModelFiles(await readSource(source));
  return { bytes: selfContainedBytes(opened.model, opened.bytes), io: { inputs: opened.summary.inputs, outputs: opened.summary.outputs } };
}

/** Decodes an image file to RGBA here in the worker; a file that is not an image is reported, not skipped. */
async function decodeImage(file: File): Promise<ImageFile> {
  const path = file.webkitRelativePath || file.name;
  try {
    const bitmap = await createImageBitmap(file);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return { path, image: { width, height, data } };
  } catch (e) {
    return { path, error: `cannot be read as an image (${e instanceof Error ? e.message : String(e)})` };
  }
}

async function loadDataset(job: BenchCellJob, io: ModelIO): Promise<Dataset> {
  if (job.data.kind === 'images') {
    const d = job.data;
    const images = await Promise.all(d.files.filter((f) => !f.name.startsWith('.')).map(decodeImage));
    return datasetFromImageFolder(io, images, { layout: d.layout, normalization: d.normalization, size: d.size });
  }
  const inputs = await dataFile(job.data);
  if (!inputs) return syntheticDataset(io, 64, 7);
  const labels = job.labels && job.data.kind !== 'csv' ? ((await dataFile(job.labels)) ?? undefined) : undefined;
  return datasetFromFile(io, inputs, labels, job.data.kind === 'csv' ? { labelColumn: job.data.labelColumn, format: 'csv' } : {});
}

const api: BenchWorkerApi = {
  async check(job) {
    try {
      const { io } = await modelBytes(job.model);
      const d = await loadDataset(job, io);
      return { ok: true, items: d.count, task: d.task, labelled: Boolean(d.labels), source: d.source, notes: d.notes };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
  async reference(job): Promise<ReferenceResult> {
    try {
      const { bytes, io } = await modelBytes(job.model);
      const dataset = await loadDataset(job, io);
      const runtime = await browserRuntime('wasm');
      const session = await runtime.createSession(bytes, { threads: job.threads });
      try {
        const reference = await collectOutputs(session, dataset, { model: io, maxItems: job.maxItems });
        return Comlink.transfer({ ok: true as const, reference, backend: 'wasm' as const }, [reference.data.buffer as ArrayBuffer]);
      } finally {
        await session.release();
      }
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
  async warm(job) {
    try {
      const t0 = performance.now();
      const { bytes } = await modelBytes(job.model);
      const runtime = await browserRuntime(job.backend);
      const session = await runtime.createSession(bytes, { threads: job.threads });
      await session.release();
      return { ok: true, ms: performance.now() - t0 };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
  async run(job: BenchCellJob, onProgress): Promise<BenchCellResult> {
    try {
      onProgress({ fraction: 0, stage: 'reading the model and data' });
      const environment = await readEnvironment();
      if (job.backend === 'webgpu' && !environment.webgpu) {
        throw new ParetoError('bad-input', `WebGPU cannot run here: ${environment.webgpuUnavailableReason}.`);
      }
      const { bytes, io } = await modelBytes(job.model);
      const dataset = await loadDataset(job, io);
      const runtime = await browserRuntime(job.backend);

      // Without labels, quality is fidelity to the original model's outputs on the same data (computed once per run).
      const reference = !dataset.labels && job.reference ? job.reference : undefined;
      const { sizes } = resolveBatchSizes(io.inputs, job.latency.batchSizes);
      const perf = (globalThis as { performance: Performance & { memory?: { usedJSHeapSize: number } } }).performance;
      const benchmark = await benchmarkModel(
        runtime,
        bytes,
        {
          ...job.latency,
          batchSizes: sizes,
          threads: job.threads,
          inputs: io.inputs,
          makeFeeds: feedsFromTensors(dataset.inputs),
          memory: () => ({ jsHeapBytes: perf.memory?.usedJSHeapSize }),
          after: async (session) =>
            dataset.labels || reference
              ? evaluateAccuracy(session, dataset, { model: io, reference, maxItems: job.maxItems }, {
                  onProgress: (p) => onProgress({ fraction: 0.9 + p.fraction * 0.1, stage: `quality: ${p.stage}` }),
                })
              : null,
        },
        { onProgress: (p) => onProgress({ fraction: 0.05 + p.fraction * 0.85, stage: p.stage }) },
      );
      onProgress({ fraction: 1, stage: 'done' });
      return { ok: true, outcome: { benchmark, environment } };
    } catch (e) {
      const info = toErrorInfo(e);
      // A backend that cannot run a model says why (an op it lacks, no adapter...).
      if (info.code === 'internal') info.message = `${job.backend} could not run this model: ${info.message}`;
      return { ok: false, error: info };
    }
  },
};

Comlink.expose(api);
