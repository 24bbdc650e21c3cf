import { ParetoError } from '../errors';
import { validateConvertOptions, type ConvertOptions } from './convert/options';
import { validatePruneOptions, type PruneOptions } from './prune/options';
import { validateQuantizeOptions, type QuantizeOptions } from './quantize/options';
import { validateTfjsQuantizeOptions, type TfjsQuantizeOptions } from './tfjs-quantize/options';

/**
 * A recipe is an ordered list of transform steps: quantize, prune, or prune then quantize, any of them after an opset
 * conversion ('convert'). It is plain data,
 * so it travels to workers, into reports and share links, and back.
 */
export type RecipeStep =
  | { transform: 'prune'; options: Partial<PruneOptions> }
  | { transform: 'quantize'; options: Partial<QuantizeOptions> }
  | { transform: 'convert'; options: Partial<ConvertOptions> }
  /** TF.js models: weights stored as TF.js reads them (uint8 / uint16 / float16). */
  | { transform: 'quantize-tfjs'; options: Partial<TfjsQuantizeOptions> };

export interface Recipe {
  steps: RecipeStep[];
}

/** A short human name for a recipe: "int8 dynamic per-channel", "prune 50% global → int8 static". */
export function recipeName(recipe: Recipe): string {
  return recipe.steps
    .map((s) => {
      if (s.transform === 'convert') return `opset ${s.options.opset ?? 17}`;
      if (s.transform === 'quantize-tfjs') {
        const kept = s.options.keepSensitive ? ` (${s.options.keepSensitive} kept ${s.options.keepAs ?? 'fp16'})` : '';
        return `TF.js ${s.options.mode ?? 'uint8'}${kept}`;
      }
      if (s.transform === 'prune') {
        const o = s.options;
        return o.pattern && o.pattern !== 'unstructured'
          ? `prune ${o.pattern}`
          : `prune ${Math.round((o.sparsity ?? 0.5) * 100)}% ${o.scope ?? 'global'}`;
      }
      const o = s.options;
      const mode = o.mode ?? 'dynamic';
      if (mode === 'fp16') return 'fp16';
      return `int8 ${mode}${o.perChannel === false ? ' per-tensor' : ''}`;
    })
    .join(' → ');
}

/** Validates every step before any work starts (so an impossible option fails fast, nothing half-done). */
export function validateRecipe(input: unknown): Recipe {
  if (typeof input !== 'object' || input === null || !Array.isArray((input as Recipe).steps)) {
    throw new ParetoError('bad-input', 'A recipe needs a list of steps.');
  }
  const steps = (input as Recipe).steps;
  if (steps.length === 0) throw new ParetoError('bad-input', 'A recipe needs at least one step.');
  const checked = steps.map((s): RecipeStep => {
    if (s?.transform === 'prune') return { transform: 'prune', options: validatePruneOptions(s.options ?? {}) };
    if (s?.transform === 'convert') return { transform: 'convert', options: validateConvertOptions(s.options ?? {}) };
    if (s?.transform === 'quantize-tfjs') return { transform: 'quantize-tfjs', options: validateTfjsQuantizeOptions(s.options ?? {}) };
    if (s?.transform === 'quantize') {
      const o = s.options ?? {};
      const v = validateQuantizeOptions(withPendingCalibration(o));
      return { transform: 'quantize', options: o.activationRanges ? v : { ...v, activationRanges: undefined } };
    }
    throw new ParetoError('bad-input', `Unknown recipe step "${(s as { transform?: unknown })?.transform}": use convert, prune, quantize or quantize-tfjs.`);
  });
  const q = checked.findIndex((s) => s.transform === 'quantize' || s.transform === 'quantize-tfjs');
  if (q >= 0 && checked.slice(q + 1).some((s) => s.transform === 'prune')) {
    throw new ParetoError('bad-input', 'Prune before quantizing: pruning a quantized model is not supported.');
  }
  return { steps: checked };
}

/**
 * In a recipe, static quantization without ranges is fine: they come from calibration when it runs. For checking
 * the other options now, stand in a placeholder range (removed again by validateRecipe).
 */
export function withPendingCalibration(o: Partial<QuantizeOptions>): Partial<QuantizeOptions> {
  return o.mode === 'static' && !o.activationRanges ? { ...o, activationRanges: { '(calibrated when run)': [0, 1] } } : o;
}
