import { ParetoError } from '../../errors';
import { dict } from '../../own';

/**
 * Options of the quantize transform: types, defaults and validation of untrusted input (UI, CLI, share links).
 *
 * Modes (what each writes is documented in apply.ts):
 * - `dynamic`: int8 weights, activations quantized at run time (DynamicQuantizeLinear + MatMulInteger/ConvInteger).
 * - `static`: QDQ (QuantizeLinear/DequantizeLinear) around each quantized op, activation ranges from calibration.
 * - `weight-only`: int8 weights with a DequantizeLinear feeding the float op.
 * - `fp16`: float16 weights with a Cast to float32 after each.
 */
export const QUANTIZE_MODES = ['dynamic', 'static', 'weight-only', 'fp16'] as const;
export type QuantizeMode = (typeof QUANTIZE_MODES)[number];

/** Op types the transform knows how to quantize. */
export const QUANTIZABLE_OPS = ['MatMul', 'Gemm', 'Conv'] as const;
export type QuantizableOp = (typeof QUANTIZABLE_OPS)[number];

export const CALIBRATION_METHODS = ['minmax', 'percentile', 'mse'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

export type ActivationType = 'uint8' | 'int8';

/** Calibrated [min, max] of float activations, by tensor name. */
export type ActivationRanges = Record<string, readonly [number, number]>;

/**
 * Channel equalization of a depthwise Conv's input (by tensor name): channel c is quantized as x_c / scales[c] with
 * the one [min, max] range of the equalized tensor, and the Conv's weights for channel c are multiplied by scales[c].
 */
export type EqualizedActivations = Record<string, { scales: readonly number[]; range: readonly [number, number] }>;

export interface QuantizeOptions {
  mode: QuantizeMode;
  /** One scale per output channel of each weight (more accurate); per-tensor when false. */
  perChannel: boolean;
  /** Symmetric int8 weights (zero point 0, range [-127, 127]); asymmetric [-128, 127] when false. */
  symmetric: boolean;
  /** Element type of quantized activations in `static` mode (asymmetric). `dynamic` always uses uint8 (the op's only type). */
  activationType: ActivationType;
  /** Which op types to quantize. */
  opTypes: QuantizableOp[];
  /** Node names to leave float. */
  excludeNodes: string[];
  /** Op types to leave float (wins over `opTypes`). */
  excludeOpTypes: string[];
  /** Leave the first quantizable node (topological order, subgraphs included) float. */
  keepFirstLayerFloat: boolean;
  /** Leave the last quantizable node float. */
  keepLastLayerFloat: boolean;
  /** How `calibrate()` turns observed activations into ranges. */
  calibrationMethod: CalibrationMethod;
  /** Percentile (of values, each tail) kept by the `percentile` method, in (50, 100]. */
  percentile: number;
  /**
   * `static` mode: equalize the channels of each depthwise Conv's input (as cross-layer equalization does): each
   * channel gets the whole 8-bit range (a Mul by 1 / scale per channel before its QuantizeLinear), the scales folded into
   * the depthwise weights (quantized per channel, so at no cost in their precision); the Conv stays a QLinearConv.
   * `calibrate()` measures the scales; nodes without them are quantized as usual.
   */
  equalizeChannels: boolean;
  /** `static` mode: activation ranges from `calibrate()` (or given by hand). Required in that mode. */
  activationRanges?: ActivationRanges;
  /** `static` mode with `equalizeChannels`: the equalization `calibrate()` measured. */
  equalizedActivations?: EqualizedActivations;
}

export const defaultQuantizeOptions: QuantizeOptions = Object.freeze({
  mode: 'dynamic',
  perChannel: true,
  symmetric: true,
  activationType: 'uint8',
  opTypes: ['MatMul', 'Gemm', 'Conv'],
  excludeNodes: [],
  excludeOpTypes: [],
  keepFirstLayerFloat: false,
  keepLastLayerFloat: false,
  calibrationMethod: 'minmax',
  percentile: 99.99,
  equalizeChannels: false,
}) as QuantizeOptions;

const KEYS: readonly string[] = [
  'mode',
  'perChannel',
  'symmetric',
  'activationType',
  'opTypes',
  'excludeNodes',
  'excludeOpTypes',
  'keepFirstLayerFloat',
  'keepLastLayerFloat',
  'calibrationMethod',
  'percentile',
  'equalizeChannels',
  'activationRanges',
  'equalizedActivations',
];

const bad = (msg: string) => new ParetoError('bad-input', msg);
const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw bad(`Quantize option ${name} must be one of ${list(allowed)}; got ${JSON.stringify(v)}.`);
  }
  return v as T;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw bad(`Quantize option ${name} must be true or false; got ${JSON.stringify(v)}.`);
  return v;
}

function strings(name: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw bad(`Quantize option ${name} must be a list of names; got ${JSON.stringify(v)}.`);
  }
  return [...(v as string[])];
}

/**
 * Checks untrusted options and fills defaults. Throws ParetoError('bad-input') naming the option and what is
 * allowed: unknown keys, unknown mode or op types, a percentile outside (50, 100], `static` without ranges.
 */
export function validateQuantizeOptions(input: unknown): QuantizeOptions {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw bad('Quantize options must be an object.');
  const o = input as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k) && o[k] !== undefined);
  if (unknown.length > 0) throw bad(`Unknown quantize option${unknown.length > 1 ? 's' : ''} ${list(unknown)}; known: ${list(KEYS)}.`);
  const d = defaultQuantizeOptions;
  const get = (k: string) => (o[k] === undefined ? undefined : o[k]);

  const mode = get('mode') === undefined ? d.mode : oneOf('mode', get('mode'), QUANTIZE_MODES);
  const opTypesRaw = get('opTypes') === undefined ? [...d.opTypes] : strings('opTypes', get('opTypes'));
  const unsupported = opTypesRaw.filter((t) => !(QUANTIZABLE_OPS as readonly string[]).includes(t));
  if (unsupported.length > 0) {
    throw bad(
      `Cannot quantize op type${unsupported.length > 1 ? 's' : ''} ${list(unsupported)}: supported op types are ${list(QUANTIZABLE_OPS)}.`,
    );
  }
  if (opTypesRaw.length === 0) throw bad(`Quantize option opTypes is empty: name at least one of ${list(QUANTIZABLE_OPS)}.`);
  const percentile = get('percentile') === undefined ? d.percentile : get('percentile');
  if (typeof percentile !== 'number' || !Number.isFinite(percentile) || percentile <= 50 || percentile > 100) {
    throw bad(`Quantize option percentile must be a number in (50, 100], e.g. 99.99; got ${JSON.stringify(percentile)}.`);
  }
  const activationRanges = get('activationRanges') === undefined ? undefined : ranges(get('activationRanges'));
  if (mode === 'static' && (!activationRanges || Object.keys(activationRanges).length === 0)) {
    throw bad(
      "Static quantization needs activationRanges (calibrated [min, max] per activation tensor): run calibrate() on " +
        "sample inputs first, or use mode 'dynamic', which needs no data.",
    );
  }
  return {
    mode,
    perChannel: get('perChannel') === undefined ? d.perChannel : bool('perChannel', get('perChannel')),
    symmetric: get('symmetric') === undefined ? d.symmetric : bool('symmetric', get('symmetric')),
    activationType:
      get('activationType') === undefined ? d.activationType : oneOf('activationType', get('activationType'), ['uint8', 'int8'] as const),
    opTypes: [...new Set(opTypesRaw)] as QuantizableOp[],
    excludeNodes: get('excludeNodes') === undefined ? [] : strings('excludeNodes', get('excludeNodes')),
    excludeOpTypes: get('excludeOpTypes') === undefined ? [] : strings('excludeOpTypes', get('excludeOpTypes')),
    keepFirstLayerFloat: get('keepFirstLayerFloat') === undefined ? false : bool('keepFirstLayerFloat', get('keepFirstLayerFloat')),
    keepLastLayerFloat: get('keepLastLayerFloat') === undefined ? false : bool('keepLastLayerFloat', get('keepLastLayerFloat')),
    calibrationMethod:
      get('calibrationMethod') === undefined ? d.calibrationMethod : oneOf('calibrationMethod', get('calibrationMethod'), CALIBRATION_METHODS),
    percentile,
    equalizeChannels: get('equalizeChannels') === undefined ? false : bool('equalizeChannels', get('equalizeChannels')),
    ...(activationRanges ? { activationRanges } : {}),
    ...(get('equalizedActivations') === undefined ? {} : { equalizedActivations: equalized(get('equalizedActivations')) }),
  };
}

function ranges(v: unknown): ActivationRanges {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw bad('Quantize option activationRanges must map tensor names to [min, max] pairs.');
  }
  const out: Record<string, readonly [number, number]> = dict();
  for (const [name, r] of Object.entries(v as Record<string, unknown>)) {
    const ok =
      Array.isArray(r) && r.length === 2 && typeof r[0] === 'number' && typeof r[1] === 'number' && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] <= r[1];
    if (!ok) throw bad(`activationRanges["${name}"] must be [min, max] with finite min <= max; got ${JSON.stringify(r)}.`);
    out[name] = [r[0], r[1]] as const;
  }
  return out;
}

function equalized(v: unknown): EqualizedActivations {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw bad('Quantize option equalizedActivations must map tensor names to {scales, range}.');
  }
  const out: Record<string, { scales: number[]; range: readonly [number, number] }> = dict();
  for (const [name, e] of Object.entries(v as Record<string, unknown>)) {
    const { scales, range } = (e ?? {}) as { scales?: unknown; range?: unknown };
    const okScales = Array.isArray(scales) && scales.length > 0 && scales.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
    if (!okScales) throw bad(`equalizedActivations["${name}"].scales must be a non-empty list of positive finite numbers.`);
    out[name] = { scales: [...(scales as number[])], range: ranges({ [name]: range })[name] };
  }
  return out;
}
