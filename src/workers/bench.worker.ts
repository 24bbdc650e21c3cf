import * as Comlink from 'comlink';
import { collectOutputs, evaluateAccuracy } from '../core/bench/accuracy';
import { specDataOf, specFeedsMaker, type Dataset, type ModelIO } from '../core/bench/dataset';
import { datasetFromFile, datasetFromImageFolder, specDataset, type ImageFile } from '../core/bench/dataset-files';
import { inputSpecJson, resolveInputSpec, specFeeds, specSignatures, type InputSpec } from '../core/bench/input-spec';
import { benchmarkModel, feedsFromTensors, resolveBatchSizes } from '../core/bench/harness';
import { ParetoError, toErrorInfo } from '../core/errors';
import { backendFor, runnableBytes } from '../core/formats/runnable';
import { macsOptionsOf, summarize } from '../core/inspect/summary';
import { backendSupport } from '../core/bench/support';
import { isTfjsModel } from '../core/formats/tfjs/read';
import { openModelFiles } from '../core/model/open';
import { browserRuntime } from '../runtimes/browser';
import { readEnvironment } from '../runtimes/environment';
import { holdRuntimeModules } from '../runtimes/wasm-modules';
import { dataFile } from './data-source';
import type { BenchCellJob, BenchCellOutcome, BenchCellResult, BenchWorkerApi, ReferenceResult } from './protocol';
import { readSource } from './read-source';

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

/** The data the user gave (a file, the sample split, an image folder); undefined for synthetic inputs. */
async function loadDataset(job: BenchCellJob, io: ModelIO): Promise<Dataset | undefined> {
  if (job.data.kind === 'images') {
    const d = job.data;
    const images = await Promise.all(d.files.filter((f) => !f.name.startsWith('.')).map(decodeImage));
    return datasetFromImageFolder(io, images, { layout: d.layout, normalization: d.normalization, size: d.size });
  }
  const inputs = await dataFile(job.data);
  if (!inputs) return undefined;
  const labels = job.labels && job.data.kind !== 'csv' ? ((await dataFile(job.labels)) ?? undefined) : undefined;
  return datasetFromFile(io, inputs, labels, job.data.kind === 'csv' ? { labelColumn: job.data.labelColumn, format: 'csv' } : { partialInputs: true });
}

/** What every call of a run works from: the model, the user's data, the input spec and the items quality is measured on. */
interface Prepared {
  bytes: () => Uint8Array;
  io: ModelIO;
  spec: InputSpec;
  /** The user's data, when given. */
  given?: Dataset;
  /** Whether the spec makes some input the data does not hold (then only latency runs on it). */
  partial: boolean;
  /** The items accuracy or fidelity runs on, or why there are none. */
  evalSet: Dataset | string;
  /** With the user's data, the spec makes the inputs it leaves out (accuracy.ts EvaluateOptions.spec); the spec's own items feed every input. */
  evalSpec?: InputSpec;
  /** MACs per item at the spec's shapes. */
  macsAt: () => { total: number; nodesUnknown: number };
  /** The runtime backend for a backend choice: TF.js models run on TF.js's ('tfjs-wasm', ...). */
  backend: (b: BenchCellJob['backend']) => Parameters<typeof browserRuntime>[0];
  /** Where onnxruntime-web's WebGPU build places the nodes (ONNX models; TF.js models run on TF.js). */
  placement: () => BenchCellOutcome['placement'];
}

async function prepare(job: BenchCellJob): Promise<Prepared> {
  const opened = openModelFiles(await readSource(job.model));
  const io: ModelIO = { inputs: opened.summary.inputs, outputs: opened.summary.outputs };
  const given = await loadDataset(job, io);
  const spec = resolveInputSpec(opened.summary, { ...job.inputs, data: given ? specDataOf(given) : undefined, surface: 'app' });
  const partial = given !== undefined && spec.inputs.some((e) => !(e.values.kind === 'data' && e.name in given.inputs));
  // The user's data (inputs it leaves out made by the spec), else the spec's synthetic items.
  const evalSet: Dataset | string = given ?? specDataset(spec, io.outputs);
  const macsAt = () => summarize(opened.model, opened.summary.fileName, macsOptionsOf(spec)).macs;
  const placement = (): BenchCellOutcome['placement'] => {
    if (isTfjsModel(opened.model.proto)) return undefined;
    const s = backendSupport(opened.model.proto, 'webgpu');
    return { nodes: s.summary.nodes, onCpu: s.summary.fallback, ...(s.gpuUnused ? { gpuUnused: s.gpuUnused } : {}) };
  };
  return { bytes: () => runnableBytes(opened.model, opened.bytes), io, spec, given, partial, evalSet, evalSpec: given ? spec : undefined, macsAt, backend: (b) => backendFor(opened.model, b), placement };
}

const api: BenchWorkerApi = {
  async check(job) {
    try {
      const p = await prepare(job);
      const d = typeof p.evalSet === 'string' ? null : p.evalSet;
      const made = p.given ? p.spec.inputs.filter((e) => e.values.kind !== 'data').map((e) => `"${e.name}"`) : [];
      const notes = [
        ...(p.given?.notes ?? []),
        ...(typeof p.evalSet === 'string' ? [`No accuracy or fidelity: ${p.evalSet}.`] : []),
        ...(made.length > 0 ? [`Accuracy and fidelity feed ${made.join(', ')} as the input spec makes ${made.length > 1 ? 'them' : 'it'}.`] : []),
      ];
      const source = p.given?.source ?? (d ? d.source : 'synthetic inputs made by the input spec');
      return { ok: true, items: d?.count ?? 0, task: d?.task ?? null, labelled: Boolean(d?.labels), source, notes, inputSpec: inputSpecJson(p.spec) };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
  async reference(job): Promise<ReferenceResult> {
    try {
      holdRuntimeModules(job.runtimeModules);
      const p = await prepare(job);
      if (typeof p.evalSet === 'string') throw new ParetoError('bad-input', `No fidelity: ${p.evalSet}.`);
      const runtime = await browserRuntime(p.backend('wasm'));
      const session = await runtime.createSession(p.bytes(), { threads: job.threads });
      try {
        // Every output the items allow (a state too), computed once per run and handed to every variant's cell.
        const reference = await collectOutputs(session, p.evalSet, { model: p.io, maxItems: job.maxItems, spec: p.evalSpec, allOutputs: true });
        const buffers = [reference, ...(reference.others ?? [])].map((r) => r.data.buffer as ArrayBuffer);
        return Comlink.transfer({ ok: true as const, reference, backend: 'wasm' as const }, buffers);
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
      holdRuntimeModules(job.runtimeModules);
      const opened = openModelFiles(await readSource(job.model));
      const bytes = runnableBytes(opened.model, opened.bytes);
      const runtime = await browserRuntime(backendFor(opened.model, job.backend));
      const session = await runtime.createSession(bytes, { threads: job.threads });
      try {
        // One run on synthetic inputs at the smallest batch, so that the kernels the model calls are compiled (in the
        // WebAssembly module the page shares with every worker) before the first cell. Inputs the spec cannot make
        // without the user's data: no run, the session alone; a run that fails is the cells' to report.
        let feeds: ReturnType<typeof specFeeds> | undefined;
        try {
          const spec = resolveInputSpec(opened.summary, { ...job.inputs, surface: 'app' });
          feeds = specFeeds(spec, { batch: resolveBatchSizes(specSignatures(spec), [1]).sizes[0] ?? 1, seed: 1 });
        } catch {
          feeds = undefined;
        }
        if (feeds) await session.run(feeds).catch(() => undefined);
      } finally {
        await session.release();
      }
      return { ok: true, ms: performance.now() - t0 };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
  async run(job: BenchCellJob, onProgress): Promise<BenchCellResult> {
    let tried = ''; // the shapes it ran at, for a runtime's message
    try {
      onProgress({ fraction: 0, stage: 'reading the model and data' });
      holdRuntimeModules(job.runtimeModules);
      const environment = await readEnvironment();
      if (job.backend === 'webgpu' && !environment.webgpu) {
        throw new ParetoError('bad-input', `WebGPU cannot run here: ${environment.webgpuUnavailableReason}.`);
      }
      const p = await prepare(job);
      const { io, spec, given } = p;
      tried = ` at ${spec.inputs.map((e) => `${e.name} [${e.shape.join(', ')}]`).join(' · ')}`;
      const runtime = await browserRuntime(p.backend(job.backend));
      const evalSet = typeof p.evalSet === 'string' ? null : p.evalSet;

      // Without labels, quality is fidelity to the original model's outputs on the same data (computed once per run).
      const reference = evalSet && !evalSet.labels && job.reference ? job.reference : undefined;
      const signatures = specSignatures(spec);
      const { sizes } = resolveBatchSizes(signatures, job.latency.batchSizes);
      const perf = (globalThis as { performance: Performance & { memory?: { usedJSHeapSize: number } } }).performance;
      const benchmark = await benchmarkModel(
        runtime,
        p.bytes(),
        {
          ...job.latency,
          batchSizes: sizes,
          threads: job.threads,
          inputs: signatures,
          // The user's items when they feed every input; else the spec makes what the data does not hold.
          makeFeeds: given && !p.partial ? feedsFromTensors(given.inputs) : specFeedsMaker(spec, given),
          memory: () => ({ jsHeapBytes: perf.memory?.usedJSHeapSize }),
          after: async (session) =>
            evalSet && (evalSet.labels || reference)
              ? evaluateAccuracy(session, evalSet, { model: io, reference, maxItems: job.maxItems, spec: p.evalSpec }, {
                  onProgress: (q) => onProgress({ fraction: 0.9 + q.fraction * 0.1, stage: `quality: ${q.stage}` }),
                })
              : null,
        },
        { onProgress: (q) => onProgress({ fraction: 0.05 + q.fraction * 0.85, stage: q.stage }) },
      );
      onProgress({ fraction: 1, stage: 'done' });
      const { total, nodesUnknown } = p.macsAt();
      const placement = job.backend === 'webgpu' ? p.placement() : undefined;
      return { ok: true, outcome: { benchmark, environment, inputSpec: inputSpecJson(spec), macs: { total, nodesUnknown }, ...(placement ? { placement } : {}) } };
    } catch (e) {
      const info = toErrorInfo(e);
      // A backend that cannot run a model says why (an op it lacks, no adapter, a shape too small for a kernel), and at
      // which input shapes it tried.
      if (info.code === 'internal') info.message = `${job.backend} could not run this model${tried}: ${info.message}`;
      return { ok: false, error: info };
    }
  },
};

Comlink.expose(api);
