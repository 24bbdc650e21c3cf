/**
 * How close a variant's outputs are to the original's on the same inputs: no labels needed.
 * All figures accumulate in float64. Which of them matter depends on what an output holds (outputKind): for class
 * scores, whether the variant picks the same classes (top-1, top-5 agreement) and how far its distribution moved
 * (KL divergence); for dense maps and embeddings, the geometry (cosine, relative L2, SNR). verdict.ts judges them.
 */

/**
 * What an output holds: `class-scores` (one row of scores per item: probabilities, or logits of an output named
 * like them) or `dense` (maps, embeddings, regression values, anything else).
 */
export type OutputKind = 'class-scores' | 'dense';

export interface Fidelity {
  kind: OutputKind;
  /** ||a - b|| / ||a|| */
  relativeL2: number;
  /**
   * mean over rows of cos(a_row, b_row); for outputs of one value per row (a score, a voice probability [N, 1]) the
   * cosine of the whole column over the rows instead, since a one-value row's cosine only says its sign (always 1)
   */
  cosine: number;
  /** 10 log10(signal power / error power) in dB; Infinity when identical */
  snrDb: number;
  /** share of rows whose argmax agrees (classification outputs); NaN for 1-D outputs */
  top1Agreement: number;
  /** share of rows where the original's top class is among the variant's 5 highest; NaN unless class scores of 5+ */
  top5Agreement: number;
  /** mean over rows of KL(original ‖ variant) in nats, on probabilities (softmax of logits); NaN unless class scores */
  klDivergence: number;
  maxAbsError: number;
  rows: number;
}

type Num = ArrayLike<number>;

/** One row of a candidate's outputs against the reference's: the sums every fidelity figure is made of. */
export interface RowComparison {
  /** cos(a, b); 1 when both are all zero, 0 when only one is. */
  cosine: number;
  /** sum of a^2 */
  signal: number;
  /** sum of (a - b)^2 */
  error: number;
  maxAbs: number;
  /** The argmax (first on ties) of both rows is the same element. */
  sameArgmax: boolean;
  /** Candidate values that are NaN or infinite. */
  nonFinite: number;
}

/** Compares reference[refAt, refAt + width) with candidate[candAt, candAt + width), in float64. */
export function compareRow(reference: Num, refAt: number, candidate: Num, candAt: number, width: number): RowComparison {
  let dot = 0, na = 0, nb = 0, err = 0, maxAbs = 0, ia = 0, ib = 0, nonFinite = 0;
  for (let j = 0; j < width; j++) {
    const a = reference[refAt + j], b = candidate[candAt + j];
    if (!Number.isFinite(b)) nonFinite++;
    const d = a - b;
    err += d * d;
    if (Math.abs(d) > maxAbs) maxAbs = Math.abs(d);
    dot += a * b;
    na += a * a;
    nb += b * b;
    if (a > reference[refAt + ia]) ia = j;
    if (b > candidate[candAt + ib]) ib = j;
  }
  const cosine = na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
  return { cosine, signal: na, error: err, maxAbs, sameArgmax: ia === ib, nonFinite };
}

/** Names of outputs that hold logits or class scores. */
const CLASS_NAME = /logit|prob|score|class|label|pred|softmax|cls/i;

/**
 * What an output holds, from its name and the original's values: rows of at least 2 values that are each a
 * probability distribution (non-negative, summing to 1 within 1e-3), or rows of up to 100,000 values of an output
 * named like class scores (logits, probabilities, scores, classes, predictions), are class scores; the rest is dense.
 */
export function outputKind(name: string, reference: Num, rows: number): OutputKind {
  const width = rows > 0 ? reference.length / rows : reference.length;
  if (!(width >= 2) || !Number.isInteger(width)) return 'dense';
  let distributions = true;
  for (let r = 0; r < rows && distributions; r++) {
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const v = reference[r * width + j];
      if (!(v >= 0)) {
        distributions = false;
        break;
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) distributions = false;
  }
  if (distributions) return 'class-scores';
  return CLASS_NAME.test(name) && width <= 100_000 ? 'class-scores' : 'dense';
}

/** A row as probabilities: itself when it already is a distribution, else its softmax (stable, float64). */
function probabilities(v: Num, at: number, width: number, isDistribution: boolean): Float64Array {
  const p = new Float64Array(width);
  if (isDistribution) {
    for (let j = 0; j < width; j++) p[j] = v[at + j];
    return p;
  }
  let max = -Infinity;
  for (let j = 0; j < width; j++) max = Math.max(max, v[at + j]);
  let sum = 0;
  for (let j = 0; j < width; j++) sum += p[j] = Math.exp(v[at + j] - max);
  for (let j = 0; j < width; j++) p[j] /= sum;
  return p;
}

const isDistribution = (v: Num, at: number, width: number) => {
  let sum = 0;
  for (let j = 0; j < width; j++) {
    if (!(v[at + j] >= 0)) return false;
    sum += v[at + j];
  }
  return Math.abs(sum - 1) <= 1e-3;
};

/** Class-score figures of one row: the original's top class among the variant's top 5, and KL(original ‖ variant). */
export function compareClassRow(reference: Num, refAt: number, candidate: Num, candAt: number, width: number): { inTop5: boolean; kl: number } {
  let top = 0;
  for (let j = 1; j < width; j++) if (reference[refAt + j] > reference[refAt + top]) top = j;
  // The original's top class is in the variant's top 5 when fewer than 5 classes score higher in the variant
  // (ties count for the original's class).
  let higher = 0;
  const mine = candidate[candAt + top];
  for (let j = 0; j < width; j++) if (candidate[candAt + j] > mine) higher++;
  const p = probabilities(reference, refAt, width, isDistribution(reference, refAt, width));
  const q = probabilities(candidate, candAt, width, isDistribution(candidate, candAt, width));
  let kl = 0;
  for (let j = 0; j < width; j++) if (p[j] > 0) kl += p[j] * Math.log(p[j] / Math.max(q[j], 1e-30));
  return { inTop5: higher < 5, kl: Math.max(0, kl) };
}

export function fidelity(reference: Num, candidate: Num, rows = 1, name = ''): Fidelity {
  if (reference.length !== candidate.length) {
    throw new Error(`Output sizes differ: ${reference.length} vs ${candidate.length}`);
  }
  const n = reference.length;
  const width = rows > 0 ? n / rows : n;
  const kind = outputKind(name, reference, rows);
  let sig = 0, err = 0, maxAbs = 0, cosSum = 0, agree = 0, top5 = 0, kl = 0;
  for (let r = 0; r < rows; r++) {
    const c = compareRow(reference, r * width, candidate, r * width, width);
    sig += c.signal;
    err += c.error;
    if (c.maxAbs > maxAbs) maxAbs = c.maxAbs;
    cosSum += c.cosine;
    if (c.sameArgmax) agree++;
    if (kind === 'class-scores') {
      const k = compareClassRow(reference, r * width, candidate, r * width, width);
      if (k.inTop5) top5++;
      kl += k.kl;
    }
  }
  const classes = kind === 'class-scores' && rows > 0;
  return {
    kind,
    relativeL2: sig === 0 ? (err === 0 ? 0 : Infinity) : Math.sqrt(err / sig),
    cosine: rows > 1 && width === 1 ? compareRow(reference, 0, candidate, 0, n).cosine : rows > 0 ? cosSum / rows : 1,
    snrDb: err === 0 ? Infinity : 10 * Math.log10(sig / err),
    top1Agreement: width > 1 ? agree / rows : NaN,
    top5Agreement: classes && width >= 5 ? top5 / rows : NaN,
    klDivergence: classes ? kl / rows : NaN,
    maxAbsError: maxAbs,
    rows,
  };
}
