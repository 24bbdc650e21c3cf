/**
 * The input specification of a run: for every model input its dtype, a fully resolved shape, where each dim's value
 * came from, and how its values are made. One type for the CLI, the workers and the app; every result carries it.
 *
 * Symbolic dims are resolved, in order, from: what the user set (`shapes`: a whole shape per input; `dims`: a value per
 * dim name), the data's shape, what the model implies (ops that force a dim, metadata naming a dim, the same dim name
 * resolved on another input), then declared defaults (a batch-like dim is 1, marked `default`). Nothing else: when a dim
 * is still open, resolveInputSpec refuses and names the dims that need a value. Spatial dims never become 1 silently.
 *
 * Values: the data's, a fixed value the user set, or synthetic ones that fit the input (see `ValueRule`).
 */
import type { Surface } from '../surface';
import { ParetoError } from '../errors';
import { seededRandom } from '../random';
import type { Feeds, HostTensor } from './session';
import { dict } from '../own';

/** A model input's signature (ModelSummary.inputs[i]; declared here so that inspect can use this module). */
export interface TensorSignature {
  name: string;
  dtype: string;
  shape: (number | string | null)[] | null;
}

export type DimSource = 'user' | 'data' | 'model' | 'default';

export interface SpecDim {
  /** The dim's name in the model (a symbolic dim), or null for a fixed or unnamed dim. */
  name: string | null;
  value: number;
  source: DimSource;
  /** Why (e.g. "--dim H=320", "Gather embedding", "batch-like dim, default 1"). */
  reason: string;
  /** The batch axis: runs at another batch size set this dim to it. */
  batch: boolean;
  /**
   * The batch axis, pinned by the user's whole --shape of another input (batch false: runs keep its value). Where the
   * items lie (batch-first or per sample) still follows it: see sampleAxisOf.
   */
  pinned?: true;
}

/** The axis items lie along in an input: its batch axis, or the batch axis the user pinned; -1 when none. */
export const sampleAxisOf = (e: { dims: readonly SpecDim[] }): number => e.dims.findIndex((d) => d.batch || d.pinned === true);

/** Synthetic fills. */
export type FillKind = 'uniform' | 'normal' | 'image' | 'zeros' | 'ids' | 'small-ints' | 'mask';
export const FILL_KINDS: readonly FillKind[] = ['uniform', 'normal', 'image', 'zeros', 'ids', 'small-ints', 'mask'];

export type ValueRule =
  | { kind: 'synthetic'; fill: FillKind; /** ids: values in [0, vocab). */ vocab?: number; reason: string }
  | { kind: 'fixed'; value: number; reason: string }
  | { kind: 'data'; reason: string };

export interface InputSpecEntry {
  name: string;
  dtype: string;
  /** The shape of one feed at batch 1 (batch dims at their resolved value). */
  shape: number[];
  dims: SpecDim[];
  values: ValueRule;
}

export interface InputSpec {
  inputs: InputSpecEntry[];
}

/** What the model reveals about an input (ModelSummary.inputHints). */
export interface InputHint {
  name: string;
  /** The vocabulary size of a Gather (embedding) the input indexes, when known. */
  vocabSize: number | null;
  /** Dims an op of the model forces (e.g. a Conv's input channels). */
  forcedDims: { axis: number; value: number; by: string }[];
}

/** The parts of a ModelSummary the resolver reads. */
export interface SpecModel {
  inputs: readonly TensorSignature[];
  inputHints?: readonly InputHint[];
  metadata?: readonly { key: string; value: string }[];
}

export interface InputSpecOptions {
  /** Whole shapes by input name (`--shape image=1x3x320x320`). */
  shapes?: Readonly<Record<string, readonly number[]>>;
  /** Values by dim name (`--dim H=320`). */
  dims?: Readonly<Record<string, number>>;
  /** Fixed values (`--value sr=16000`) or a fill kind (`--value x=normal`) by input name. */
  values?: Readonly<Record<string, number | FillKind>>;
  /**
   * The data's tensors by input name: batch-first (axis 0 counts the items; the default), or `feed` (the whole shape
   * of one feed: a member with a leading sample axis, less that axis, or one used for every item).
   */
  data?: Readonly<Record<string, { dims: readonly number[]; layout?: 'batch-first' | 'feed' }>>;
  /** Who reads the messages and reasons: the CLI's flags (`--dim H=320`, the default) or the app's form fields. */
  surface?: Surface;
}

export type { Surface };

const FIELDS = '"Input shapes and values"';

/** How each surface names the ways to set a dim, a shape, a value or data. */
export const SPEC_WORDS: Record<Surface, {
  /** A fixed value as set (a reason): `--value sr=16000` / `form field "sr"`. */
  value: (input: string, v: number | string) => string;
  /** How to give a scalar's value. */
  giveValue: (input: string) => string;
  /** How to give data for an input. */
  giveData: (input: string) => string;
  /** A whole shape as set (a reason, or the subject of a problem): `--shape x` / `the "x shape" field`. */
  shape: (input: string) => string;
  /** How to give a whole shape, with an example. */
  giveShape: (input: string, example: string) => string;
  /** A named dim as set (a reason). */
  dim: (name: string, v: number) => string;
  /** How to give these named dims. */
  giveDims: (names: readonly string[]) => string;
}> = {
  cli: {
    value: (input, v) => `--value ${input}=${v}`,
    giveValue: (input) => `--value ${input}=<number>`,
    giveData: () => '--data',
    shape: (input) => `--shape ${input}`,
    giveShape: (input, example) => `--shape ${input}=${example}`,
    dim: (name, v) => `--dim ${name}=${v}`,
    giveDims: (names) => names.map((n) => `--dim ${n}=320`).join(' '),
  },
  app: {
    value: (input) => `form field "${input}"`,
    giveValue: (input) => `the "${input}" field under ${FIELDS}`,
    giveData: (input) => `a data file: an .npz with an array named "${input}"`,
    shape: (input) => `the "${input} shape" field`,
    giveShape: (input, example) => `the "${input} shape" field under ${FIELDS}, e.g. ${example}`,
    dim: (name) => `form field "${name}"`,
    giveDims: (names) => `the ${names.map((n) => `"${n}"`).join(' and ')} field${names.length > 1 ? 's' : ''} under ${FIELDS}`,
  },
};

const BATCH_NAMES = /^(batch|batch_size|batchsize|bs|batches)$/i;
const BATCH_AT_0 = /^(n|b|unk__\d+|dynamic_axes_\d+|p2o\.DynamicDimension\.\d+|-1|none|\?)$/i;
const STATE_NAMES = /^(state|states|h0|c0|h|c|hx|cx|hidden|hn|cn|.*_state|state_.*|.*hidden.*|.*_h0|.*_c0)$/i;

/** Whether a symbolic (or unknown) dim at `axis` of `shape` is a batch axis by the declared rule. */
export function isBatchLikeDim(shape: readonly (number | string | null)[], axis: number): boolean {
  const d = shape[axis];
  if (typeof d === 'number' && d > 0) return false;
  if (typeof d === 'string' && BATCH_NAMES.test(d)) return true;
  if (axis === 0) return d === null || typeof d === 'number' || d === '' || BATCH_AT_0.test(d);
  // Recurrent state [layers, batch, hidden]: a lone open dim between two fixed ones.
  return shape.length === 3 && axis === 1 && typeof shape[0] === 'number' && shape[0] > 0 && typeof shape[2] === 'number' && shape[2] > 0;
}

/**
 * The batch axis of an input, found by its dim's symbol, not its position: a symbolic axis 0, else the first symbolic
 * dim that is batch-like (named like a batch, or the open middle of recurrent state [2, batch, 128]); -1 when none.
 */
export function batchAxisOf(shape: readonly (number | string | null)[]): number {
  if (shape.length > 0 && !isFixed(shape[0])) return 0;
  return shape.findIndex((d, axis) => !isFixed(d) && isBatchLikeDim(shape, axis));
}

const isFixed = (d: number | string | null | undefined): d is number => typeof d === 'number' && d > 0;
const dimLabel = (d: number | string | null, axis: number) => (typeof d === 'string' && d !== '' ? d : `axis ${axis}`);
const shapeText = (s: readonly (number | string | null)[]) => `[${s.map((d, i) => (isFixed(d) ? String(d) : typeof d === 'string' && d ? d : `?${i}`)).join(', ')}]`;

function valueRule(sig: TensorSignature, shape: readonly number[], hint: InputHint | undefined, given: number | FillKind | undefined, fromData: boolean, say: (typeof SPEC_WORDS)[Surface]): ValueRule | string {
  if (typeof given === 'number') return { kind: 'fixed', value: given, reason: say.value(sig.name, given) };
  if (fromData) return { kind: 'data', reason: 'from the data file' };
  if (given !== undefined) {
    if (given === 'ids' && !hint?.vocabSize) return `input "${sig.name}": "ids" needs a vocabulary the model reveals (a Gather); use small-ints or a fixed value.`;
    return { kind: 'synthetic', fill: given, ...(given === 'ids' ? { vocab: hint!.vocabSize! } : {}), reason: say.value(sig.name, given) };
  }
  const isInt = /^(int8|uint8|int32|int64)$/.test(sig.dtype);
  const isFloat = /^(float32|float64|double)$/.test(sig.dtype);
  if (sig.dtype === 'bool') return { kind: 'synthetic', fill: 'mask', reason: 'boolean input: a random mask' };
  if (shape.length === 0 && (isInt || isFloat)) {
    return `input "${sig.name}" is an ${sig.dtype} scalar: give its value (${say.giveValue(sig.name)})`;
  }
  if (!isInt && !isFloat) return `cannot make values for input "${sig.name}" of type ${sig.dtype}: give data for it (${say.giveData(sig.name)})`;
  if (isInt) {
    if (hint?.vocabSize) return { kind: 'synthetic', fill: 'ids', vocab: hint.vocabSize, reason: `ids within the vocabulary of ${hint.vocabSize} (a Gather of the model)` };
    return { kind: 'synthetic', fill: 'small-ints', reason: 'integers 0..3 (no vocabulary found in the model)' };
  }
  if (!isFloat) return `cannot make values for input "${sig.name}" of type ${sig.dtype}: give data for it (${say.giveData(sig.name)})`;
  const recurrent = sig.shape?.length === 3 && isBatchLikeDim(sig.shape, 1) && !isBatchLikeDim(sig.shape, 0);
  if (STATE_NAMES.test(sig.name) || recurrent) return { kind: 'synthetic', fill: 'zeros', reason: 'recurrent state: zeros' };
  const imageLike = shape.length === 4 && ([1, 3, 4].includes(shape[1]) || [1, 3, 4].includes(shape[3]));
  if (imageLike) return { kind: 'synthetic', fill: 'image', reason: 'image-like: values in [0, 1) (seeded)' };
  return { kind: 'synthetic', fill: 'uniform', reason: 'uniform [0, 1) (seeded)' };
}

/** What a run still needs from the user, per input (the app's form; the CLI's refusal names the same). */
export interface InputNeed {
  input: string;
  /** Open dims: their names, or "axis N" for unnamed ones. */
  dims: string[];
  /** A numeric scalar that needs a value. */
  value: boolean;
}

/**
 * Resolves every input's shape and values. Throws ParetoError('bad-input') naming every dim that needs a value (and
 * every scalar that needs one) when something is still open; its `details` hold one line per problem.
 */
export function resolveInputSpec(model: SpecModel, options: InputSpecOptions = {}): InputSpec {
  const r = resolve(model, options);
  if (r.problems.length > 0) throw new ParetoError('bad-input', `The inputs are not fully specified: ${r.problems.join('; ')}.`, r.problems);
  return r.spec;
}

/** What is still open with these options (empty when resolveInputSpec would succeed, other problems aside). */
export function inputSpecNeeds(model: SpecModel, options: InputSpecOptions = {}): InputNeed[] {
  return resolve(model, options).needs;
}

function resolve(model: SpecModel, options: InputSpecOptions): { spec: InputSpec; problems: string[]; needs: InputNeed[] } {
  const problems: string[] = [];
  const needs: InputNeed[] = [];
  const surface = options.surface ?? 'cli';
  const say = SPEC_WORDS[surface];
  const known = new Set(model.inputs.map((i) => i.name));
  for (const k of [...Object.keys(options.shapes ?? {}), ...Object.keys(options.values ?? {})]) {
    if (!known.has(k)) problems.push(`the model has no input "${k}" (its inputs: ${[...known].join(', ')})`);
  }
  const namedDims = new Set(model.inputs.flatMap((i) => (i.shape ?? []).filter((d): d is string => typeof d === 'string')));
  for (const k of Object.keys(options.dims ?? {})) if (!namedDims.has(k)) problems.push(`the model has no dim named "${k}" (its named dims: ${[...namedDims].join(', ') || 'none'})`);
  const metaDims = new Map<string, number>();
  for (const m of model.metadata ?? []) if (namedDims.has(m.key) && /^\d+$/.test(m.value.trim()) && Number(m.value) > 0) metaDims.set(m.key, Number(m.value));

  // Pass 1: every dim from user, data and model; named dims learnt here apply to the same name elsewhere.
  type Open = { d: number | string | null; axis: number };
  const partial = model.inputs.map((sig) => {
    const dims: (SpecDim | Open)[] = [];
    if (!sig.shape) {
      if (!/^(bool|u?int\d+|float\d*|double|bfloat16|string)$/.test(sig.dtype)) {
        problems.push(`cannot make values for input "${sig.name}" of type ${sig.dtype}: give data for it (${say.giveData(sig.name)})`);
        return { sig, dims: [], skip: true };
      }
      const s = options.shapes?.[sig.name] ?? (options.data?.[sig.name] ? [1, ...options.data[sig.name].dims.slice(1)] : undefined);
      if (!s) problems.push(`input "${sig.name}" has no declared shape: give it (${say.giveShape(sig.name, '1x...')})`);
      return { sig, dims: (s ?? []).map((v) => ({ name: null, value: v, source: options.shapes?.[sig.name] ? 'user' : 'data', reason: 'given', batch: false }) as SpecDim) };
    }
    const userShape = options.shapes?.[sig.name];
    if (userShape && userShape.length !== sig.shape.length) {
      problems.push(`${say.shape(sig.name)} has ${userShape.length} dims, but the input is ${shapeText(sig.shape)} (${sig.shape.length} dims)`);
    }
    const data = options.data?.[sig.name];
    const hint = model.inputHints?.find((h) => h.name === sig.name);
    sig.shape.forEach((d, axis) => {
      const name = typeof d === 'string' && d !== '' ? d : null;
      if (userShape && userShape.length === sig.shape!.length) {
        const v = userShape[axis];
        if (isFixed(d) && d !== v) problems.push(`${say.shape(sig.name)}: dim ${axis} is fixed at ${d} in the model, not ${v}`);
        if (isFixed(d)) dims.push({ name: null, value: d, source: 'model', reason: 'declared', batch: false });
        else dims.push({ name, value: v, source: 'user', reason: say.shape(sig.name), batch: false });
      } else if (isFixed(d)) dims.push({ name: null, value: d, source: 'model', reason: 'declared', batch: false });
      else if (name !== null && options.dims?.[name] !== undefined) dims.push({ name, value: options.dims[name], source: 'user', reason: say.dim(name, options.dims[name]), batch: false });
      else if (data?.layout === 'feed') dims.push({ name, value: data.dims[axis], source: 'data', reason: 'the data\'s shape', batch: false });
      else if (data && axis === 0) dims.push({ name, value: 1, source: 'data', reason: 'the data\'s item axis', batch: true });
      else if (data && data.dims.length === sig.shape!.length) dims.push({ name, value: data.dims[axis], source: 'data', reason: 'the data\'s shape', batch: false });
      else {
        const forced = hint?.forcedDims.find((f) => f.axis === axis);
        if (forced) dims.push({ name, value: forced.value, source: 'model', reason: forced.by, batch: false });
        else if (name !== null && metaDims.has(name)) dims.push({ name, value: metaDims.get(name)!, source: 'model', reason: `metadata ${name}`, batch: false });
        else dims.push({ d, axis });
      }
    });
    return { sig, dims, skip: false };
  });
  const byName = new Map<string, SpecDim>();
  for (const p of partial) for (const x of p.dims) if ('value' in x && x.name !== null && !byName.has(x.name)) byName.set(x.name, x);

  // Pass 2: shared names, then declared defaults; whatever is left is refused.
  const inputs: InputSpecEntry[] = [];
  for (const { sig, dims, skip } of partial) {
    if (skip) continue;
    const open: string[] = [];
    const resolved = dims.map((x): SpecDim => {
      if ('value' in x) return x;
      const name = typeof x.d === 'string' && x.d !== '' ? x.d : null;
      const shared = name !== null ? byName.get(name) : undefined;
      if (shared) return { ...shared, reason: shared.reason };
      if (sig.shape && isBatchLikeDim(sig.shape, x.axis)) return { name, value: 1, source: 'default', reason: 'a batch-like dim', batch: true };
      open.push(dimLabel(x.d, x.axis));
      return { name, value: 0, source: 'default', reason: 'open', batch: false };
    });
    if (open.length > 0) {
      const example = sig.shape!.map((d, i) => (isFixed(d) ? d : isBatchLikeDim(sig.shape!, i) ? 1 : 320)).join('x');
      const named = open.filter((o) => !o.startsWith('axis '));
      // The app's form has a field per named dim, and a whole-shape field only for inputs with unnamed open dims.
      const how = [named.length > 0 ? say.giveDims(named) : null, surface === 'app' && named.length === open.length ? null : say.giveShape(sig.name, example)].filter(Boolean).join(' or ');
      problems.push(`input "${sig.name}" ${shapeText(sig.shape!)}: give ${open.join(' and ')} (${how})`);
      needs.push({ input: sig.name, dims: open, value: false });
      continue;
    }
    const shape = resolved.map((d) => d.value);
    const hint = model.inputHints?.find((h) => h.name === sig.name);
    const rule = valueRule(sig, shape, hint, options.values?.[sig.name], options.data?.[sig.name] !== undefined, say);
    if (typeof rule === 'string') {
      problems.push(rule);
      if (shape.length === 0 && / scalar: /.test(rule)) needs.push({ input: sig.name, dims: [], value: true });
      continue;
    }
    inputs.push({ name: sig.name, dtype: sig.dtype, shape, dims: resolved, values: rule });
  }
  // A dim shared by name takes one value: when one input fixes it (a data member shaped [2, 1, 128]), it is no batch.
  const fixedNames = new Set(inputs.flatMap((e) => e.dims.filter((d) => d.name !== null && !d.batch).map((d) => d.name!)));
  // A whole --shape that sets an input's batch-like axis sets the batch of every input: unnamed batch dims (Silero's
  // input [?, ?] and state [2, ?, 128]) cannot be matched by name, and must not run at another batch than it.
  const userBatch = partial.flatMap(({ sig }) => {
    const s = options.shapes?.[sig.name];
    return s && sig.shape && s.length === sig.shape.length ? sig.shape.flatMap((d, axis) => (!isFixed(d) && isBatchLikeDim(sig.shape!, axis) ? [{ input: sig.name, value: s[axis] }] : [])) : [];
  })[0];
  for (const e of inputs) {
    e.dims = e.dims.map((d) =>
      d.batch && d.name !== null && fixedNames.has(d.name)
        ? { ...d, batch: false }
        : d.batch && userBatch
          ? { ...d, value: userBatch.value, source: 'user', reason: `the batch of --shape ${userBatch.input}`, batch: false, pinned: true as const }
          : d,
    );
    e.shape = e.dims.map((d) => d.value);
  }
  return { spec: { inputs }, problems, needs };
}

/**
 * The shapes to count MACs at (`pareto inspect --shape/--dim`, the app's inspect view): --shape, else declared dims,
 * --dim values, batch-like dims 1; anything else stays null (unknown, never 1). Unknown input or dim names are refused.
 */
export function macsShapes(model: SpecModel, options: Pick<InputSpecOptions, 'shapes' | 'dims' | 'surface'> = {}): Record<string, (number | null)[] | null> {
  const problems: string[] = [];
  const names = new Set(model.inputs.map((i) => i.name));
  for (const k of Object.keys(options.shapes ?? {})) if (!names.has(k)) problems.push(`the model has no input "${k}" (its inputs: ${[...names].join(', ')})`);
  const dimNames = new Set(model.inputs.flatMap((i) => (i.shape ?? []).filter((d): d is string => typeof d === 'string')));
  for (const k of Object.keys(options.dims ?? {})) if (!dimNames.has(k)) problems.push(`the model has no dim named "${k}" (its named dims: ${[...dimNames].join(', ') || 'none'})`);
  const out: Record<string, (number | null)[] | null> = dict();
  for (const sig of model.inputs) {
    const given = options.shapes?.[sig.name];
    if (given && sig.shape && given.length !== sig.shape.length) problems.push(`${SPEC_WORDS[options.surface ?? 'cli'].shape(sig.name)} has ${given.length} dims, but the input is ${shapeText(sig.shape)}`);
    out[sig.name] = given
      ? [...given]
      : sig.shape?.map((d, i) => (isFixed(d) ? d : typeof d === 'string' && options.dims?.[d] !== undefined ? options.dims[d] : isBatchLikeDim(sig.shape!, i) ? 1 : null)) ?? null;
  }
  if (problems.length > 0) throw new ParetoError('bad-input', `${problems.join('; ')}.`);
  return out;
}

/** The spec as signatures: batch dims stay symbolic ("batch"), every other dim is its resolved number. */
export function specSignatures(spec: InputSpec): TensorSignature[] {
  return spec.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.dims.map((d) => (d.batch ? d.name ?? 'batch' : d.value)) }));
}

/** The feed shape of an input at a batch size. */
export function shapeAtBatch(entry: InputSpecEntry, batch: number): number[] {
  return entry.dims.map((d) => (d.batch ? batch : d.value));
}

/**
 * One line per input, for reports: `image float32 [1, 3, 320, 320]: batch=1 default (batch-like dim, default 1),
 * H=320 user (--dim H=320), W=320 user (--dim W=320); values image-like: values in [0, 1) (seeded)`. Declared dims
 * are not repeated.
 */
export function describeSpecEntry(e: Pick<InputSpecEntry, 'name' | 'dtype' | 'shape' | 'dims' | 'values'>): string {
  const dims = e.dims
    .map((d, axis) => ({ d, axis }))
    .filter(({ d }) => !(d.source === 'model' && d.reason === 'declared'))
    .map(({ d, axis }) => `${d.name ?? `axis ${axis}`}=${d.value} ${d.source} (${d.reason})`);
  const v = e.values;
  const values = v.kind === 'fixed' ? `${v.value} (${v.reason})` : v.reason;
  return `${e.name} ${e.dtype} [${e.shape.join(', ')}]${dims.length ? `: ${dims.join(', ')}` : ''}; values ${values}`;
}

/* ------------------------------------------------------------------ values ------------------------------------------------------------------ */

/**
 * `a` with a[i] = f(i), i = 0, 1, … in order (the seeded sequence as TypedArray.from would draw it): a plain loop, ~4×
 * faster than TypedArray.from on an array-like, which synthetic inputs of millions of values felt.
 */
function filled<T extends { length: number; [i: number]: unknown }>(a: T, f: (i: number) => T[number]): T {
  for (let i = 0; i < a.length; i++) a[i] = f(i);
  return a;
}

function fill(e: InputSpecEntry, dims: number[], rand: () => number): HostTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const v = e.values;
  const num = (i: number): number => {
    if (v.kind === 'fixed') return v.value;
    switch (v.kind === 'synthetic' ? v.fill : 'uniform') {
      case 'zeros':
        return 0;
      case 'normal': {
        const u = Math.max(rand(), 1e-12);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      }
      case 'ids':
        return Math.floor(rand() * (v.kind === 'synthetic' && v.vocab ? v.vocab : 4));
      case 'small-ints':
        return Math.floor(rand() * 4);
      case 'mask':
        return rand() < 0.5 ? 0 : 1;
      default:
        void i;
        return rand();
    }
  };
  switch (e.dtype) {
    case 'float32':
      return { dtype: 'float32', dims, data: filled(new Float32Array(n), num) };
    case 'float64':
    case 'double':
      return { dtype: 'float64', dims, data: filled(new Float64Array(n), num) } as HostTensor;
    case 'int64':
      return { dtype: 'int64', dims, data: filled(new BigInt64Array(n), (i) => BigInt(Math.round(num(i)))) };
    case 'int32':
      return { dtype: 'int32', dims, data: filled(new Int32Array(n), (i) => Math.round(num(i))) };
    case 'bool':
      return { dtype: 'bool', dims, data: filled(new Uint8Array(n), (i) => (num(i) ? 1 : 0)) };
    case 'int8':
      return { dtype: 'int8', dims, data: filled(new Int8Array(n), (i) => Math.round(num(i))) };
    case 'uint8':
      return { dtype: 'uint8', dims, data: filled(new Uint8Array(n), (i) => Math.round(num(i))) };
    default:
      throw new ParetoError('bad-input', `Cannot make values for input "${e.name}" of type ${e.dtype}; give data for it.`);
  }
}

/**
 * Feeds for the inputs the spec makes (synthetic and fixed; inputs fed from data are left out), at a batch size,
 * deterministic for a seed. Floats drawn uniform/image-like use the same sequence as before the spec existed.
 */
export function specFeeds(spec: InputSpec, options: { batch?: number; seed?: number } = {}): Feeds {
  const rand = seededRandom(options.seed ?? 1234);
  const feeds: Feeds = dict();
  for (const e of spec.inputs) {
    if (e.values.kind === 'data') continue;
    const dims = shapeAtBatch(e, options.batch ?? 1);
    feeds[e.name] = fill(e, dims, rand);
  }
  return feeds;
}

/** The spec as JSON results carry it (`inputSpec` in docs/cli.md). */
export interface InputSpecJson {
  inputs: {
    name: string;
    dtype: string;
    shape: number[];
    dims: { name: string | null; value: number; source: DimSource; reason: string; batch: boolean }[];
    values: ValueRule;
  }[];
}

export const inputSpecJson = (spec: InputSpec): InputSpecJson => JSON.parse(JSON.stringify(spec)) as InputSpecJson;
