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

export function fidelity(reference: Num, candidate: Num, rows = 1): Fidelity {
  if (reference.length !== candidate.length) {
    throw new Error(`Output sizes differ: ${reference.length} vs ${candidate.length}`);
  }
  const n = reference.length;
  const width = rows > 0 ? n / rows : n;
  let sig = 0, err = 0, maxAbs = 0, cosSum = 0, agree = 0;
  for (let r = 0; r < rows; r++) {
    let dot = 0, na = 0, nb = 0, ia = 0, ib = 0;
    for (let j = 0; j < width; j++) {
      const i = r * width + j;
      const a = reference[i], b = candidate[i];
      const d = a - b;
      sig += a * a;
      err += d * d;
      if (Math.abs(d) > maxAbs) maxAbs = Math.abs(d);
      dot += a * b;
      na += a * a;
      nb += b * b;
      if (a > reference[r * width + ia]) ia = j;
      if (b > candidate[r * width + ib]) ib = j;
    }
    cosSum += na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    if (ia === ib) agree++;
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
