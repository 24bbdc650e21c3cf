import type { Transform } from '../types';
import { applyTfjsQuantize } from './apply';
import { DEFAULT_TFJS_QUANTIZE_OPTIONS, validateTfjsQuantizeOptions, type TfjsQuantizeOptions } from './options';

/** TF.js weight quantization (uint8 / uint16 affine, float16), per layer choosable: what TF.js reads from a manifest. */
export const tfjsQuantize: Transform<TfjsQuantizeOptions> = {
  id: 'quantize-tfjs',
  label: 'Quantize TF.js weights',
  defaults: DEFAULT_TFJS_QUANTIZE_OPTIONS,
  validate: validateTfjsQuantizeOptions,
  apply: (model, options, ctx) => applyTfjsQuantize(model, options, ctx),
};

export { applyTfjsQuantize, affineRange, quantizeWeight, type TfjsSensitivityRunner, type TfjsWeightStat } from './apply';
export * from './options';
export { tfjsSensitivityRunner } from './sensitivity';
