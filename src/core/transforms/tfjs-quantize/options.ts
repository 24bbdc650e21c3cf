import { ParetoError } from '../../errors';

/** What TF.js itself reads back (its weights manifest's `quantization.dtype`), or 'float32': left as it is. */
export type TfjsWeightMode = 'uint8' | 'uint16' | 'fp16';
export type TfjsLayerChoice = TfjsWeightMode | 'float32';

export interface TfjsQuantizeOptions {
  /** uint8 / uint16: affine per tensor (value = q * scale + min, zero exact); fp16: IEEE half. */
  mode: TfjsWeightMode;
  /**
   * Which float32 weights `mode` applies to: wildcards on the weight name or on the layer (node) that reads it, as
   * tfjs-converter's --quantize_uint8 'conv1/*' ('*' matches anything, '/' included). Default: every one.
   */
  weights: string[];
  /** Per-layer choices that win over `mode`, by the same wildcards: { 'dense_1/*': 'fp16', 'conv1': 'float32' }. */
  layers: Record<string, TfjsLayerChoice>;
  /**
   * Mixed precision: the `keepSensitive` weights whose quantization hurts the outputs most, measured one weight at a
   * time on the calibration data (needs a runner: see apply.ts), stay in `keepAs`. 0: off.
   */
  keepSensitive: number;
  keepAs: 'fp16' | 'float32';
}

export const DEFAULT_TFJS_QUANTIZE_OPTIONS: Readonly<TfjsQuantizeOptions> = Object.freeze({
  mode: 'uint8',
  weights: Object.freeze(['*']) as unknown as string[],
  layers: Object.freeze({}) as Record<string, TfjsLayerChoice>,
  keepSensitive: 0,
  keepAs: 'fp16',
});

export const TFJS_MODES: readonly TfjsWeightMode[] = ['uint8', 'uint16', 'fp16'];
const CHOICES: readonly TfjsLayerChoice[] = [...TFJS_MODES, 'float32'];
const KEYS = Object.keys(DEFAULT_TFJS_QUANTIZE_OPTIONS);

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'a list' : String(v));

/** Checks untrusted options (UI, CLI, recipe) and fills in defaults. */
export function validateTfjsQuantizeOptions(input: unknown): TfjsQuantizeOptions {
  const o = (input ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) return bad(`TF.js quantization options must be an object, got ${show(input)}.`);
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k));
  if (unknown.length) return bad(`Unknown TF.js quantization option${unknown.length > 1 ? 's' : ''} ${unknown.map(show).join(', ')}; known: ${KEYS.join(', ')}.`);
  const d = DEFAULT_TFJS_QUANTIZE_OPTIONS;
  const mode = o.mode ?? d.mode;
  if (!TFJS_MODES.includes(mode as TfjsWeightMode)) return bad(`Unknown TF.js quantization mode ${show(mode)}: use ${TFJS_MODES.join(', ')}.`);
  const weights = o.weights ?? d.weights;
  if (!Array.isArray(weights) || weights.length === 0 || weights.some((w) => typeof w !== 'string' || w === '')) {
    return bad(`weights must be a non-empty list of weight or layer name wildcards (e.g. ["*"] or ["conv1/*"]), got ${show(weights)}.`);
  }
  const layers = o.layers ?? d.layers;
  if (typeof layers !== 'object' || layers === null || Array.isArray(layers)) return bad(`layers must map name wildcards to ${CHOICES.join(', ')}.`);
  for (const [k, v] of Object.entries(layers)) {
    if (!CHOICES.includes(v as TfjsLayerChoice)) return bad(`layers[${show(k)}] is ${show(v)}: use ${CHOICES.join(', ')}.`);
  }
  const keepSensitive = o.keepSensitive ?? d.keepSensitive;
  if (typeof keepSensitive !== 'number' || !Number.isInteger(keepSensitive) || keepSensitive < 0) {
    return bad(`keepSensitive must be a whole number of weights (0 or more), got ${show(keepSensitive)}.`);
  }
  const keepAs = o.keepAs ?? d.keepAs;
  if (keepAs !== 'fp16' && keepAs !== 'float32') return bad(`keepAs must be fp16 or float32, got ${show(keepAs)}.`);
  return { mode: mode as TfjsWeightMode, weights: [...(weights as string[])], layers: { ...(layers as Record<string, TfjsLayerChoice>) }, keepSensitive, keepAs };
}

/** A tfjs-converter style wildcard ('*' anything, '?' one character) as a whole-name test. */
export function wildcard(p: string): (name: string) => boolean {
  const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => re.test(name);
}
