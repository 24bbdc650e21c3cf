import { ParetoError } from '../errors';
import type { ModelProto } from '../formats/onnx/proto';
import type { OnnxModel } from '../formats/onnx/read';
import { partsLength, writeOnnxParts } from '../formats/onnx/write';
import { convert } from './convert/index';
import { prune } from './prune/index';
import { calibrate, type CalibrationBatch, type CalibrationRunner } from './quantize/calibrate';
import { quantize } from './quantize/index';
import { isTfjsModel } from '../formats/tfjs/read';
import { applyTfjsQuantize, type TfjsSensitivityRunner } from './tfjs-quantize/apply';
import { validateTfjsQuantizeOptions } from './tfjs-quantize/options';
import { validateRecipe, type Recipe } from './recipe';
import type { TransformContext, TransformReport } from './types';

/** Runs a recipe's steps in order (the heavy half of recipe.ts: workers and the CLI import it, the page does not). */
export interface RecipeDeps {
  /** Runs calibration models, for static quantization (a runtime adapter, injected: core runs no models). */
  calibrationRunner?: CalibrationRunner;
  calibrationBatches?: () => Iterable<CalibrationBatch> | AsyncIterable<CalibrationBatch>;
  /** TF.js mixed precision: the fidelity of a model with one weight quantized, on calibration data (a runtime, injected). */
  tfjsSensitivity?: TfjsSensitivityRunner;
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
  const tfjs = isTfjsModel(input.proto);
  for (const s of recipe.steps) {
    if (tfjs && (s.transform === 'quantize' || s.transform === 'convert')) {
      throw new ParetoError(
        'bad-input',
        s.transform === 'convert'
          ? 'This is a TF.js model: it has no ONNX opset to convert.'
          : 'This is a TF.js model: quantize it with the TF.js modes uint8, uint16 or fp16 (weights stored as TF.js reads them), not the ONNX modes.',
      );
    }
    if (!tfjs && s.transform === 'quantize-tfjs') {
      throw new ParetoError('bad-input', 'The uint8 / uint16 TF.js quantization applies to TF.js models; for an ONNX model use dynamic, static, weight-only or fp16.');
    }
  }
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
    } else if (step.transform === 'quantize-tfjs') {
      const r = await applyTfjsQuantize(current, validateTfjsQuantizeOptions(step.options), sub, { sensitivity: deps.tfjsSensitivity });
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
        options = { ...options, activationRanges: cal.ranges, ...(cal.equalized ? { equalizedActivations: cal.equalized } : {}) };
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
