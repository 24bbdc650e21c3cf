import * as Comlink from 'comlink';
import { compareRecorded, recordOnce, type RecordedOutputs } from '../core/bench/compare';
import { batchesOf, inputTensorFromNpy } from '../core/bench/dataset';
import { syntheticFeeds } from '../core/bench/inputs';
import type { Feeds } from '../core/bench/session';
import { readNpy } from '../core/data/npy';
import { ParetoError, toErrorInfo } from '../core/errors';
import { externalLocations, inlineExternalData } from '../core/formats/onnx/read';
import { writeOnnx } from '../core/formats/onnx/write';
import { openModelFiles } from '../core/formats/open';
import { weightComposition } from '../core/inspect/composition';
import type { TensorSignature } from '../core/inspect/summary';
import { describeMethod, measureSize } from '../core/transforms/prune/sizes';
import { applyRecipe } from '../core/transforms/apply-recipe';
import { recipeName } from '../core/transforms/recipe';
import { ortWebWasm } from '../runtimes/ort-web-wasm';
import type { CalibrationRunner } from '../core/transforms/quantize/calibrate';
import type { DataSource, OptimizeJob, OptimizeResult, OptimizeWorkerApi } from './protocol';
import { fetchBytes, readSource } from './read-source';

const FIDELITY_ITEMS = 64;
const CALIBRATION_ITEMS = 256;
const BATCH = 16;

async function loadInputs(data: DataSource, inputs: TensorSignature[]): Promise<{ feeds: Feeds[]; calibration: Feeds[]; note: string }> {
  if (data.kind === 'synthetic') {
    const feeds = [0, 1, 2, 3].map((seed) => syntheticFeeds(inputs, { batch: BATCH, seed: seed + 1 }));
    return { feeds, calibration: [], note: `${4 * BATCH} synthetic inputs (uniform [0, 1)): no dataset given` };
  }
  if (data.kind !== 'url' && data.kind !== 'file') {
    throw new ParetoError('bad-input', 'Calibration and comparisons take an .npy file of inputs.');
  }
  if (inputs.length !== 1) {
    throw new ParetoError('bad-input', `An .npy file feeds one input; this model has ${inputs.length}.`);
  }
  const name = data.kind === 'url' ? data.name : data.file.name;
  const bytes = data.kind === 'url' ? await fetchBytes(data.url, name) : new Uint8Array(await data.file.arrayBuffer());
  const tensor = inputTensorFromNpy(readNpy(bytes), inputs[0], `"${name}"`);
  const items = Math.min(FIDELITY_ITEMS, tensor.dims[0]);
  return {
    feeds: batchesOf(tensor, inputs[0].name, BATCH, FIDELITY_ITEMS),
    calibration: batchesOf(tensor, inputs[0].name, BATCH, CALIBRATION_ITEMS),
    note: `the first ${items} inputs of ${name}`,
  };
}

const runtime = ortWebWasm();

const calibrationRunner: CalibrationRunner = async (model, outputNames) => {
  const session = await runtime.createSession(model);
  return {
    async run(feeds) {
      const host = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { dtype: t.type, dims: t.dims, data: t.data.slice() }])) as Feeds;
      const out = await session.run(host, outputNames);
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as ArrayLike<number>]));
    },
    release: () => session.release(),
  };
};

/** The model's outputs on the inputs, its session released right after: one model in the runtime at a time. */
const outputsOf = (bytes: Uint8Array, feeds: Feeds[]): Promise<RecordedOutputs> => recordOnce(() => runtime.createSession(bytes), feeds);

const runtimeError = (what: string, e: unknown) => `could not run ${what} in onnxruntime-web to compare outputs: ${e instanceof Error ? e.message : String(e)}`;

const api: OptimizeWorkerApi = {
  async run(job: OptimizeJob, onProgress): Promise<OptimizeResult> {
    try {
      onProgress({ fraction: 0, stage: 'reading the model' });
      const files = await readSource(job.model);
      const opened = openModelFiles(files);
      const { model, summary } = opened;
      // A self-contained .onnx is its own reference for the comparison; weights in external files are moved inside.
      const selfContained = externalLocations(model.proto).length === 0 ? files.find((f) => f.name === opened.fileName)?.bytes : undefined;
      inlineExternalData(model);
      const inputs = await loadInputs(job.data, summary.inputs);
      const calibration = inputs.calibration.length > 0 ? inputs.calibration : inputs.feeds;

      // Everything about the original is measured before the recipe runs (which may change this copy's weights).
      const originalSize = measureSize(model.proto, new Map(), 'auto');
      const originalComposition = weightComposition(model.proto);
      onProgress({ fraction: 0.02, stage: 'running the original on the comparison inputs' });
      let reference: RecordedOutputs | undefined;
      let fidelityNote = inputs.note;
      try {
        reference = await outputsOf(selfContained ?? writeOnnx(model.proto), inputs.feeds);
      } catch (e) {
        fidelityNote = runtimeError('the original', e);
      }
      const t0 = performance.now();
      const result = await applyRecipe(
        model,
        job.recipe,
        // This worker reads its own copy of the model for each job: prune may write into it (ownsModel).
        { onProgress: (p) => onProgress({ fraction: 0.05 + p.fraction * 0.75, stage: p.stage }), ownsModel: true },
        {
          calibrationRunner,
          calibrationBatches: () => calibration.map((f) => Object.fromEntries(Object.entries(f).map(([k, t]) => [k, { data: t.data, dims: t.dims, type: t.dtype }]))),
        },
      );
      const durationMs = performance.now() - t0;
      const bytes = new Uint8Array(result.bytes);
      let off = 0;
      for (const p of result.parts) {
        bytes.set(p, off);
        off += p.length;
      }

      onProgress({ fraction: 0.85, stage: 'measuring size' });
      const size = measureSize(result.model, new Map(), 'auto');

      onProgress({ fraction: 0.9, stage: 'comparing outputs with the original' });
      let fidelity = null;
      if (reference) {
        try {
          fidelity = compareRecorded(reference, await outputsOf(bytes, inputs.feeds));
        } catch (e) {
          fidelityNote = runtimeError('the variant', e);
        }
      }
      onProgress({ fraction: 1, stage: 'done' });
      return Comlink.transfer(
        {
          ok: true as const,
          buffer: bytes.buffer,
          metrics: {
            name: recipeName(job.recipe),
            size: { bytes: bytes.length, gzipBytes: size.gzipBytes, gzipMethod: describeMethod(size.method, bytes.length) },
            original: {
              bytes: originalSize.bytes,
              gzipBytes: originalSize.gzipBytes,
              gzipMethod: describeMethod(originalSize.method, originalSize.bytes),
              composition: originalComposition,
            },
            composition: weightComposition(result.model),
            fidelity,
            fidelityNote,
            durationMs,
            reports: result.reports,
          },
        },
        [bytes.buffer],
      );
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
};

Comlink.expose(api);
