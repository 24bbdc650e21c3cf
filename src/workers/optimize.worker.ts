import * as Comlink from 'comlink';
import { compareSessions } from '../core/bench/compare';
import { batchesOf, inputTensorFromNpy } from '../core/bench/dataset';
import { syntheticFeeds } from '../core/bench/inputs';
import type { Feeds } from '../core/bench/session';
import { readNpy } from '../core/data/npy';
import { ParetoError, toErrorInfo } from '../core/errors';
import { inlineExternalData } from '../core/formats/onnx/read';
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

const api: OptimizeWorkerApi = {
  async run(job: OptimizeJob, onProgress): Promise<OptimizeResult> {
    try {
      onProgress({ fraction: 0, stage: 'reading the model' });
      const { model, summary } = openModelFiles(await readSource(job.model));
      inlineExternalData(model);
      const originalBytes = writeOnnx(model.proto);
      const inputs = await loadInputs(job.data, summary.inputs);
      const calibration = inputs.calibration.length > 0 ? inputs.calibration : inputs.feeds;

      // Everything about the original is measured before the recipe runs.
      const originalSize = measureSize(model.proto, new Map(), 'auto');
      const originalComposition = weightComposition(model.proto);
      const recipe = job.recipe;
      const t0 = performance.now();
      const result = await applyRecipe(
        model,
        recipe,
        { onProgress: (p) => onProgress({ fraction: p.fraction * 0.8, stage: p.stage }) },
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
      let fidelityNote = inputs.note;
      try {
        const [ref, cand] = [await runtime.createSession(originalBytes), await runtime.createSession(bytes)];
        try {
          fidelity = await compareSessions(ref, cand, inputs.feeds);
        } finally {
          await ref.release();
          await cand.release();
        }
      } catch (e) {
        fidelityNote = `could not run the variant in onnxruntime-web to compare outputs: ${e instanceof Error ? e.message : String(e)}`;
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
              bytes: originalBytes.length,
              gzipBytes: originalSize.gzipBytes,
              gzipMethod: describeMethod(originalSize.method, originalBytes.length),
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
