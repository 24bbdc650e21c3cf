import { ParetoError } from '../errors';
import type { ModelProto } from '../formats/onnx/proto';
import type { OnnxModel } from '../formats/onnx/read';
import { partsLength, writeOnnxParts } from '../formats/onnx/write';
import { convert } from './convert/index';
import { prune } from './prune/index';
import { calibrate, type CalibrationBatch, type CalibrationRunner } from './quantize/calibrate';
import { quantize } from './quantize/index';
import { validateRecipe, type Recipe } from './recipe';
import type { TransformContext, TransformReport } from './types';

/** Runs a recipe's steps in order (the heavy half of recipe.ts: workers and the CLI import it, the page does not). */
export interface RecipeDeps {
  /** Runs calibration models, for static quantization (a runtime adapter, injected: core runs no models). */
  calibrationRunner?: CalibrationRunner;
  calibrationBatches?: () => Iterable<CalibrationBatch> | AsyncIterable<CalibrationBatch>;
}

export interface RecipeResult {
  model: ModelProto;
  /** The serialised variant as parts (no extra copy of the weights). */
  parts: Uint8Array[];
  bytes: number;
  reports: TransformReport[];
}

export async function applyRecipe(
  input: OnnxModel,
  recipeIn: Recipe,
  ctx: TransformContext = {},
  deps: RecipeDeps = {},
): Promise<RecipeResult> {
  const recipe = validateRecipe(recipeIn);
  const reports: TransformReport[] = [];
  let current: OnnxModel = input;
  const n = recipe.steps.length;
  for (let i = 0; i < n; i++) {
    const step = recipe.steps[i];
    // Every step may write into the input when the caller owns it: later steps read the earlier steps' outputs, which
    // hold only fresh copies and the input's own bytes.
    const sub: TransformContext = {
      signal: ctx.signal,
      ownsModel: ctx.ownsModel,
      onProgress: (p) => ctx.onProgress?.({ fraction: (i + p.fraction) / n, stage: p.stage }),
    };
    let proto: ModelProto;
    if (step.transform === 'convert') {
      const r = await convert.apply(current, convert.validate(step.options), sub);
      proto = r.model;
      reports.push(r.report);
    } else if (step.transform === 'prune') {
      const r = await prune.apply(current, prune.validate(step.options), sub);
      proto = r.model;
      reports.push(r.report);
    } else {
      let options = step.options;
      if (options.mode === 'static' && !options.activationRanges) {
        if (!deps.calibrationRunner || !deps.calibrationBatches) {
          throw new ParetoError('bad-input', 'Static quantization needs calibration data: give sample inputs (an .npy file).');
        }
        const cal = await calibrate(current, deps.calibrationBatches(), deps.calibrationRunner, options, {
          signal: ctx.signal,
          onProgress: (p) => sub.onProgress?.({ fraction: p.fraction * 0.5, stage: p.stage }),
        });
        options = { ...options, activationRanges: cal.ranges };
      }
      const r = await quantize.apply(current, quantize.validate(options), sub);
      proto = r.model;
      reports.push(r.report);
    }
    current = { proto, external: current.external, byteLength: 0 };
  }
  const parts = writeOnnxParts(current.proto);
  const bytes = partsLength(parts);
  ctx.onProgress?.({ fraction: 1, stage: 'done' });
  return { model: current.proto, parts, bytes, reports };
}
