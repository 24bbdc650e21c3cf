import type { Recipe } from '../core/transforms/recipe';
import { recipeName, validateRecipe } from '../core/transforms/recipe';
import { toErrorInfo, type ErrorInfo } from '../core/errors';
import { forSurface } from '../core/surface';
import type { VariantMetrics } from '../workers/protocol';
import { compiledModules, optimizeInWorker } from '../workers/client';
import type { DataSource, InputChoice } from '../workers/protocol';
import { studio } from './store';
import { unusedId } from './ids';
import type { Variant } from './variants';

/** Running jobs, by variant id: cancelling aborts (and so terminates) that job's worker only. */
const running = new Map<string, AbortController>();
let seq = 0;

/** Core's reports name a setting as "--flag / Field"; the app shows the field (src/core/surface.ts). */
const forApp = (t: string) => forSurface(t, 'app');
export function appWording(m: VariantMetrics): VariantMetrics {
  return {
    ...m,
    fidelityNote: forApp(m.fidelityNote),
    verdict: m.verdict ? { ...m.verdict, reasons: m.verdict.reasons.map(forApp) } : m.verdict,
    reports: m.reports.map((r) => ({ ...r, notes: r.notes.map(forApp), skipped: r.skipped.map((x) => ({ ...x, reason: forApp(x.reason) })) })),
  };
}
const appError = (e: ErrorInfo): ErrorInfo => ({ ...e, message: forApp(e.message) });

const update = (id: string, patch: Partial<Variant>) =>
  studio.setState((s) => ({ variants: s.variants.map((v) => (v.id === id ? { ...v, ...patch } : v)) }));

/**
 * Makes a variant of a loaded model in a worker. Bad options are refused before a worker starts; a failure or
 * a cancel marks only this variant, every other variant stays as it was.
 */
export async function createVariant(modelId: string, recipeIn: Recipe, data: DataSource, inputs?: InputChoice): Promise<string | null> {
  const model = studio.getState().models.find((m) => m.id === modelId);
  if (!model) return null;
  const id = unusedId('v', () => ++seq, studio.getState().variants);
  let recipe: Recipe;
  try {
    recipe = validateRecipe(recipeIn);
  } catch (e) {
    studio.setState((s) => ({
      variants: [...s.variants, { id, modelId, name: recipeName(recipeIn), recipe: recipeIn, data, status: 'failed', progress: { fraction: 0, stage: '' }, startedAt: Date.now(), error: appError(toErrorInfo(e)) }],
    }));
    return id;
  }
  const variant: Variant = {
    id,
    modelId,
    name: recipeName(recipe),
    recipe: recipeIn,
    data,
    status: 'running',
    progress: { fraction: 0, stage: 'starting' },
    startedAt: Date.now(),
  };
  studio.setState((s) => ({ variants: [...s.variants, variant] }));
  const ctrl = new AbortController();
  running.set(id, ctrl);
  // Progress arrives often; the store only hears about whole percents or a new stage.
  let last = { pct: -1, stage: '' };
  // onnxruntime-web's WASM module, compiled once for the page, for the job's calibration and fidelity runs (TF.js
  // models run on TF.js).
  const runtimeModules = model.summary.format === 'tfjs' ? undefined : (await compiledModules(['wasm'], ctrl.signal)).modules;
  const result = await optimizeInWorker(
    { model: model.origin, recipe: recipeIn, data, inputs, runtimeModules },
    (p) => {
      const pct = Math.floor(p.fraction * 100);
      if (pct !== last.pct || p.stage !== last.stage) {
        last = { pct, stage: p.stage };
        update(id, { progress: p });
      }
    },
    ctrl.signal,
  );
  running.delete(id);
  if (result.ok) {
    update(id, {
      status: 'done',
      metrics: appWording(result.metrics),
      blob: result.blob,
      progress: { fraction: 1, stage: 'done' },
    });
  } else if (result.error.code === 'aborted') {
    update(id, { status: 'cancelled', error: result.error });
  } else {
    update(id, { status: 'failed', error: appError(result.error) });
  }
  return id;
}

export function cancelVariant(id: string): void {
  running.get(id)?.abort();
}

export function removeVariant(id: string): void {
  cancelVariant(id);
  studio.setState((s) => ({ variants: s.variants.filter((v) => v.id !== id) }));
}

export const variantsOf = (modelId: string | null) => (s: ReturnType<typeof studio.getState>) =>
  s.variants.filter((v) => v.modelId === modelId);
