/**
 * How close a variant's outputs are to the original's on the same inputs: no labels needed.
 * All figures accumulate in float64.
 */
export interface Fidelity {
  /** ||a - b|| / ||a|| */
  relativeL2: number;
  /** mean over rows of cos(a_row, b_row) */
  cosine: number;
  /** 10 log10(signal power / error power) in dB; Infinity when identical */
  snrDb: number;
  /** share of rows whose argmax agrees (classification outputs); NaN for 1-D outputs */
  top1Agreement: number;
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

export function fidelity(reference: Num, candidate: Num, rows = 1): Fidelity {
  if (reference.length !== candidate.length) {
    throw new Error(`Output sizes differ: ${reference.length} vs ${candidate.length}`);
  }
  const n = reference.length;
  const width = rows > 0 ? n / rows : n;
  let sig = 0, err = 0, maxAbs = 0, cosSum = 0, agree = 0;
  for (let r = 0; r < rows; r++) {
    const c = compareRow(reference, r * width, candidate, r * width, width);
    sig += c.signal;
    err += c.error;
    if (c.maxAbs > maxAbs) maxAbs = c.maxAbs;
    cosSum += c.cosine;
    if (c.sameArgmax) agree++;
  }
  return {
    relativeL2: sig === 0 ? (err === 0 ? 0 : Infinity) : Math.sqrt(err / sig),
    cosine: rows > 0 ? cosSum / rows : 1,
    snrDb: err === 0 ? Infinity : 10 * Math.log10(sig / err),
    top1Agreement: width > 1 ? agree / rows : NaN,
    maxAbsError: maxAbs,
    rows,
  };
}
