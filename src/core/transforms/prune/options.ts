import { ParetoError } from '../../errors';
import { dict } from '../../own';

/** Op types whose weights can be pruned (default domain). */
export const PRUNABLE_OP_TYPES = ['MatMul', 'Gemm', 'Conv', 'ConvTranspose'] as const;
export type PrunableOpType = (typeof PRUNABLE_OP_TYPES)[number];

/** 'unstructured', or N:M semi-structured sparsity written as 'N:M' ('2:4' is what sparse tensor cores run). */
export type PrunePattern = 'unstructured' | `${number}:${number}`;

export type PruneScope = 'global' | 'layer';

/**
 * How the compressed (gzip level 6) size is measured. 'exact': gzip the whole serialised model (plus any
 * external data). 'estimate': gzip 64 evenly spaced 64 KiB samples of it and scale the ratio. 'auto': exact up
 * to 4 MiB (sizes.ts's EXACT_LIMIT), else the estimate. 'off' (prune's default): not measured.
 */
export type CompressedSizeMode = 'auto' | 'exact' | 'estimate' | 'off';

export interface PruneOptions {
  /**
   * Target fraction of zeros in [0, 1), for 'unstructured'. Of the n prunable weights, floor(sparsity * n) with
   * the smallest magnitudes become zero (weights already zero count among them). Ignored for N:M, whose
   * sparsity is 1 - N/M.
   */
  sparsity: number;
  pattern: PrunePattern;
  /**
   * 'global': one magnitude threshold across all prunable weights (layers end up with different sparsities);
   * 'layer': every weight tensor pruned to the target on its own. Unstructured only.
   */
  scope: PruneScope;
  /**
   * Per-node sparsity, by node name (a node without a name is called `<OpType>_<index in its graph>`).
   * Unstructured: that node's weights get their own threshold at this sparsity (also under 'global' scope, where
   * the rest share the global threshold). N:M: only 0 is accepted (keep the node dense).
   */
  overrides: Record<string, number>;
  /** Node names or op types to leave dense. */
  skip: string[];
  /** Op types whose weights are pruned. */
  opTypes: PrunableOpType[];
  /** Also prune biases (Gemm C, Conv/ConvTranspose B). Off by default; unstructured only. */
  includeBias: boolean;
  /**
   * Raw and gzip sizes in the prune report itself ('off' by default: the optimize job, the only way the app and the
   * CLI run a recipe, measures the original and every variant the same way for every transform, so a prune step that
   * measured them too gzipped each model twice).
   */
  compressedSize: CompressedSizeMode;
  /**
   * Unstructured only: the most any one weight tensor may be pruned, in (0, 1] (1: no cap). Under 'global' scope the
   * threshold is applied with per-layer caps, exactly (capped.ts): each layer the global threshold would prune past
   * the cap keeps its largest (1 - cap) share, and the rest of the budget is spread over the other layers, so the
   * overall sparsity stays the target unless the caps cannot hold it. Under 'layer' scope and for overrides, a
   * layer's target is min(target, cap).
   */
  maxLayerSparsity: number;
}

const defaults: PruneOptions = {
  sparsity: 0.5,
  pattern: 'unstructured',
  scope: 'global',
  overrides: Object.freeze({}) as Record<string, number>,
  skip: Object.freeze([]) as unknown as string[],
  opTypes: Object.freeze(['MatMul', 'Gemm', 'Conv']) as unknown as PrunableOpType[],
  includeBias: false,
  compressedSize: 'off',
  maxLayerSparsity: 1,
};
/** The defaults (frozen; validatePruneOptions returns fresh copies). */
export const DEFAULT_PRUNE_OPTIONS: Readonly<PruneOptions> = Object.freeze(defaults);

/** Largest M accepted for N:M (groups are ranked by pairwise comparisons, O(M) per weight). */
export const MAX_NM_M = 64;

export interface NMPattern {
  n: number;
  m: number;
}

/** Parses 'N:M'; undefined for 'unstructured'. Assumes a validated pattern. */
export function parsePattern(p: PrunePattern): NMPattern | undefined {
  if (p === 'unstructured') return undefined;
  const [n, m] = p.split(':').map(Number);
  return { n, m };
}

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};

const KEYS = Object.keys(DEFAULT_PRUNE_OPTIONS) as (keyof PruneOptions)[];
const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v));

function checkSparsity(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    const hint = typeof v === 'number' && v >= 1 && v < 100 ? ` (for ${v}% write ${v / 100})` : '';
    return bad(`${what} must be a number in [0, 1) (the fraction of weights set to zero), got ${describe(v)}${hint}.`);
  }
  return v;
}

function checkStrings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    return bad(`${what} must be a list of non-empty strings, got ${describe(v)}.`);
  }
  return [...(v as string[])];
}

/**
 * Checks untrusted options (UI, CLI, share link) and fills in defaults. Throws ParetoError('bad-input') with a
 * message that says what is wrong. Checks that need the model (override names, N:M divisibility) happen in apply.
 */
export function validatePruneOptions(input: unknown): PruneOptions {
  if (input === undefined || input === null) return { ...DEFAULT_PRUNE_OPTIONS, overrides: {}, skip: [], opTypes: [...DEFAULT_PRUNE_OPTIONS.opTypes] };
  if (typeof input !== 'object' || Array.isArray(input)) return bad(`Pruning options must be an object, got ${describe(input)}.`);
  const o = input as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(KEYS as string[]).includes(k));
  if (unknown.length > 0) {
    return bad(`Unknown pruning option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${KEYS.join(', ')}.`);
  }
  const get = <K extends keyof PruneOptions>(k: K): unknown => (o[k] === undefined ? DEFAULT_PRUNE_OPTIONS[k] : o[k]);

  const sparsity = checkSparsity(get('sparsity'), 'sparsity');

  const patternIn = get('pattern');
  let pattern: PrunePattern;
  let nm: NMPattern | undefined;
  if (patternIn === 'unstructured') {
    pattern = 'unstructured';
  } else {
    const m = typeof patternIn === 'string' ? /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(patternIn) : null;
    if (!m) return bad(`Unknown pruning pattern ${describe(patternIn)}: use 'unstructured' or 'N:M' such as '2:4'.`);
    nm = { n: Number(m[1]), m: Number(m[2]) };
    if (nm.n < 1) return bad(`Pattern ${patternIn}: N must be at least 1 (0:${nm.m} would zero every weight).`);
    if (nm.n >= nm.m) return bad(`Pattern ${patternIn}: N must be smaller than M (keep N of every M weights), e.g. '2:4'.`);
    if (nm.m > MAX_NM_M) return bad(`Pattern ${patternIn}: M can be at most ${MAX_NM_M}.`);
    pattern = `${nm.n}:${nm.m}`;
  }

  const scope = get('scope');
  if (scope !== 'global' && scope !== 'layer') return bad(`Unknown scope ${describe(scope)}: use 'global' or 'layer'.`);

  const overridesIn = get('overrides');
  if (typeof overridesIn !== 'object' || overridesIn === null || Array.isArray(overridesIn)) {
    return bad(`overrides must be an object mapping node names to sparsities, got ${describe(overridesIn)}.`);
  }
  const overrides: Record<string, number> = dict();
  for (const [name, v] of Object.entries(overridesIn as Record<string, unknown>)) {
    overrides[name] = checkSparsity(v, `The override for node "${name}"`);
    if (nm && overrides[name] !== 0) {
      bad(
        `The override for node "${name}" is ${overrides[name]}, but pattern ${pattern} fixes every layer's sparsity ` +
          `at ${1 - nm.n / nm.m}; use 0 to keep that node dense (or put it in skip).`,
      );
    }
  }

  const skip = checkStrings(get('skip'), 'skip');
  const opTypes = checkStrings(get('opTypes'), 'opTypes');
  for (const t of opTypes) {
    if (!(PRUNABLE_OP_TYPES as readonly string[]).includes(t)) {
      bad(`opTypes: ${JSON.stringify(t)} is not an op type that can be pruned; choose from ${PRUNABLE_OP_TYPES.join(', ')}.`);
    }
  }

  const includeBias = get('includeBias');
  if (typeof includeBias !== 'boolean') return bad(`includeBias must be true or false, got ${describe(includeBias)}.`);

  const compressedSize = get('compressedSize');
  if (compressedSize !== 'auto' && compressedSize !== 'exact' && compressedSize !== 'estimate' && compressedSize !== 'off') {
    return bad(`compressedSize must be 'auto', 'exact', 'estimate' or 'off', got ${describe(compressedSize)}.`);
  }

  const maxLayerSparsity = get('maxLayerSparsity');
  if (typeof maxLayerSparsity !== 'number' || !Number.isFinite(maxLayerSparsity) || maxLayerSparsity <= 0 || maxLayerSparsity > 1) {
    const hint = typeof maxLayerSparsity === 'number' && maxLayerSparsity > 1 && maxLayerSparsity <= 100 ? ` (for ${maxLayerSparsity}% write ${maxLayerSparsity / 100})` : '';
    return bad(`maxLayerSparsity must be a number in (0, 1] (the largest fraction of zeros any one layer may get; 1 for no cap), got ${describe(maxLayerSparsity)}${hint}.`);
  }
  if (nm && maxLayerSparsity < 1) bad(`maxLayerSparsity applies to unstructured pruning; pattern ${pattern} fixes every layer's sparsity at ${1 - nm.n / nm.m}.`);

  return {
    sparsity,
    pattern,
    scope,
    overrides,
    skip,
    opTypes: [...new Set(opTypes)] as PrunableOpType[],
    includeBias,
    compressedSize,
    maxLayerSparsity,
  };
}
