import { ParetoError } from '../../errors';

/** Oldest default-domain opset the converter reads. */
export const MIN_SOURCE_OPSET = 1;
/** Newest default-domain opset it writes: what onnxruntime(-web) 1.30 runs. */
export const MAX_TARGET_OPSET = 21;

export interface ConvertOptions {
  /** The default-domain opset the model is converted to, in [2, MAX_TARGET_OPSET]. */
  opset: number;
}

export const defaultConvertOptions: ConvertOptions = Object.freeze({ opset: 17 });

const KEYS = ['opset'];

/** Checks untrusted options (UI, CLI, share links) and fills defaults; throws ParetoError('bad-input'). */
export function validateConvertOptions(input: unknown): ConvertOptions {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new ParetoError('bad-input', 'Convert options must be an object.');
  const o = input as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k) && o[k] !== undefined);
  if (unknown.length > 0) {
    throw new ParetoError('bad-input', `Unknown convert option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; known: 'opset'.`);
  }
  const opset = o.opset === undefined ? defaultConvertOptions.opset : o.opset;
  if (typeof opset !== 'number' || !Number.isInteger(opset) || opset < 2 || opset > MAX_TARGET_OPSET) {
    throw new ParetoError(
      'bad-input',
      `Convert option opset must be a whole number from 2 to ${MAX_TARGET_OPSET} (the newest onnxruntime runs); got ${JSON.stringify(opset)}.`,
    );
  }
  return { opset };
}
