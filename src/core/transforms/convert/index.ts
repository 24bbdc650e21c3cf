import type { Transform } from '../types';
import { applyConvert } from './apply';
import { defaultConvertOptions, validateConvertOptions, type ConvertOptions } from './options';

/** The convert transform: raises a model's default ONNX opset, rewriting the ops whose signature or meaning changed. */
export const convert: Transform<ConvertOptions> = {
  id: 'convert',
  label: 'Convert opset',
  defaults: defaultConvertOptions,
  validate: validateConvertOptions,
  apply: applyConvert,
};

export { applyConvert, convertOpset, type Change, type ConvertResult } from './apply';
export { MAX_TARGET_OPSET, MIN_SOURCE_OPSET, defaultConvertOptions, validateConvertOptions, type ConvertOptions } from './options';
