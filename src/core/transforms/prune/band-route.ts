/**
 * The band route of the exact magnitude selection (threshold.ts explains it): one pass that copies the sources and
 * zeroes below a sampled guess while recording the keys of a narrow band around it, then a fix-up of the few entries
 * between the guess and the exact threshold; and its two-pass variant for in-place outputs. A route returns undefined
 * when the band misses the threshold (the caller then runs the exact route).
 */

import { BAND_CHUNK, bandScan, WASM_MIN, type BandScan } from './band';
import { bitsAt, keysAtRanks, type Float32Bytes } from './magnitude-kernels';
import type { Selection, ZeroSmallestResult } from './selection';

/** Band route: weights between progress/cancellation checks. */
const BAND_TICK = 1 << 24;

/* The per-chunk steps after the pass (small functions called per chunk: V8 optimises them early). */

/**
 * Counts in `low` the offsets (key - lo) & (low.length - 1) of the keys in bin `bin`, for the entries ent[from, to)
 * of a chunk starting at element `off` of `src` (entries: (index in chunk) << 16 | bin).
 */
function binHistogram(ent: Int32Array, from: number, to: number, bin: number, src: Float32Bytes, off: number, lo: number, low: Uint32Array): void {
  const mask = low.length - 1;
  for (let j = from; j < to; j++) {
    const x = ent[j];
    if ((x & 0xffff) === bin) low[((bitsAt(src, off + (x >>> 16)) & 0x7fffffff) - lo) & mask]++;
  }
}

/**
 * Fixes the output d of a chunk (entries ent[from, to), starting at element `off`; src: its input) for the threshold
 * t in bin `bin`, after the pass zeroed exactly the bins below cutBin: keys below t, and the first st.ties keys equal
 * to t, are selected (zero), the others keep their value. Only bins between cutBin and bin can be wrong. Returns the
 * change in the number of zeros.
 */
function fixBand(ent: Int32Array, from: number, to: number, bin: number, cutBin: number, t: number, d: Uint32Array, src: Float32Bytes, off: number, st: { ties: number }): number {
  const first = Math.min(bin, cutBin);
  const span = Math.max(bin, cutBin) - first;
  let z = 0;
  for (let j = from; j < to; j++) {
    const x = ent[j];
    const b = x & 0xffff;
    if (b - first > span || b < first) continue;
    const i = off + (x >>> 16);
    let selected = b < bin;
    if (b === bin) {
      const kk = bitsAt(src, i) & 0x7fffffff;
      selected = kk < t || (kk === t && st.ties > 0);
      if (selected && kk === t) st.ties--;
    }
    const cutZeroed = b < cutBin;
    if (selected && !cutZeroed) {
      d[i] = 0;
      z++;
    } else if (!selected && cutZeroed) {
      d[i] = bitsAt(src, i);
      z--;
    }
  }
  return z;
}

/** Band route bookkeeping, per chunk of the pass: its array, its first element, and where its entries start. */
interface BandChunks {
  array: number[];
  offset: number[];
  /** One more than the chunks: entry[c + 1] ends chunk c. */
  entry: number[];
}

/**
 * After the band pass (band.ts): the outputs hold zeros for keys below the cut (a bin boundary at the sample's guess
 * of the threshold); the entries list the band's keys in position order, chunk c (array chunks.array[c], from
 * element chunks.offset[c]) holding entries [chunks.entry[c], chunks.entry[c + 1]). Selects the `need` smallest
 * band keys (ties by position) from the histogram, then fixes the outputs between the cut and the threshold: zeroes
 * keys that the cut kept, restores (from the sources) keys that it zeroed. Returns the threshold key and how many
 * band keys are below it; `zeroed` goes from counting the keys below the cut to counting the selected ones.
 */
function resolveBand(sel: Selection, scan: BandScan, lo: number, chunks: BandChunks, need: number, zeroed: number[]): [number, number] {
  const [t, cum, bin] = bandThreshold(sel, scan, lo, chunks, need);
  const ent = scan.entries();
  const nChunks = chunks.array.length;
  const cutBin = scan.cutBin;
  // Selected: the keys below t, then the first `ties` keys equal to t, in position order.
  const st = { ties: need - cum };
  for (let c = 0; c < nChunks; c++) {
    const ai = chunks.array[c];
    zeroed[ai] += fixBand(ent, chunks.entry[c], chunks.entry[c + 1], bin, cutBin, t, sel.dstOf(ai), sel.sources[ai], chunks.offset[c], st);
  }
  return [t, cum];
}

/** After the band pass: the `need`-th smallest band key t, how many band keys are below it, and its bin. */
function bandThreshold(sel: Selection, scan: BandScan, lo: number, chunks: BandChunks, need: number): [number, number, number] {
  const hist = scan.hist;
  const shift = scan.shift;
  let bin = 0;
  let cum = 0;
  for (; bin < hist.length; bin++) {
    if (cum + hist[bin] >= need) break;
    cum += hist[bin];
  }
  const ent = scan.entries();
  const nChunks = chunks.array.length;
  let t = lo + bin;
  if (shift > 0) {
    // The bin spans 2^shift keys: a histogram of the offsets inside it (its few keys read back from the sources).
    const low = new Uint32Array(1 << shift);
    for (let c = 0; c < nChunks; c++) {
      const ai = chunks.array[c];
      binHistogram(ent, chunks.entry[c], chunks.entry[c + 1], bin, sel.sources[ai], chunks.offset[c], lo, low);
    }
    let j = 0;
    for (; cum + low[j] < need; j++) cum += low[j];
    t = lo + (bin << shift) + j;
  }
  return [t, cum, bin];
}

/**
 * The band pass (band.ts) over every chunk of the sources, in order, writing chunk s of source ai at
 * output(ai)[s...], or into the one-chunk output(0) when `scratch`. Returns per source the keys it zeroed below the cut and the exact
 * zeros before, the keys below the band's low end overall, the chunks' bookkeeping, and whether the k-th smallest
 * missed the band (or the band overflowed: the pass then stops early). Progress and cancellation every 2^24
 * weights (tens of ms: each check may yield to the event loop, which costs about a millisecond), up to half.
 */
async function bandPass(
  sel: Selection,
  scan: BandScan,
  capacity: number,
  k: number,
  scratch: boolean,
): Promise<{ cut: number[]; below: number; zerosBefore: number[]; chunks: BandChunks; missed: boolean }> {
  const cut = sel.sources.map(() => 0);
  const zerosBefore = sel.sources.map(() => 0);
  const chunks: BandChunks = { array: [], offset: [], entry: [0] };
  let overflow = false;
  let done = 0;
  let nextTick = BAND_TICK;
  for (let ai = 0; ai < sel.sources.length && !overflow; ai++) {
    const len = sel.lengths[ai];
    const src = sel.sources[ai];
    for (let s = 0; s < len; s += BAND_CHUNK) {
      const e = Math.min(len, s + BAND_CHUNK);
      cut[ai] += scan.run(new Uint8Array(src.buffer, src.byteOffset + s * 4, (e - s) * 4), scratch ? 0 : ai, scratch ? 0 : s, e - s);
      zerosBefore[ai] += scan.zeros;
      chunks.array.push(ai);
      chunks.offset.push(s);
      chunks.entry.push(scan.count);
      if (scan.count > capacity) {
        overflow = true;
        break;
      }
      done += e - s;
      if (done >= nextTick) {
        nextTick += BAND_TICK;
        await sel.tick((0.5 * done) / sel.n);
      }
    }
  }
  // Keys below lo: those below the cut, less the band's keys below it.
  let below = cut.reduce((x, y) => x + y, 0);
  for (let b = 0; b < scan.cutBin; b++) below -= scan.hist[b];
  return { cut, below, zerosBefore, chunks, missed: overflow || below >= k || below + scan.count < k };
}

/**
 * The band route for in-place outputs (two passes, the input untouched until the threshold is known): the band pass
 * (band.ts) runs over each chunk into a one-chunk scratch output, only to count and to record the band; if the
 * threshold is in the band, a second pass writes the zeros into the sources (keys below it and the first ties).
 * Undefined on a miss, with the sources untouched (the caller runs the exact route).
 */
export async function bandRouteInPlace(sel: Selection, k: number, sampleSize: number): Promise<ZeroSmallestResult | undefined> {
  sel.checkK(k);
  const n = sel.n;
  const [lo, hi, guess, expected] = sampleBand(sel, k, sampleSize);
  const capacity = sel.options.bandCapacity ?? Math.min(n, Math.max(1 << 16, Math.ceil(2 * expected + 64)));
  const kernel = sel.options.kernel ?? 'auto';
  const scan = bandScan(lo, hi - lo, guess, [BAND_CHUNK], capacity, kernel === 'auto' ? (n >= WASM_MIN ? 'wasm' : 'js') : kernel);

  // The pass into a one-chunk scratch output: the sources stay untouched.
  const { below, zerosBefore, chunks, missed } = await bandPass(sel, scan, capacity, k, true);
  if (missed) return undefined;
  await sel.tick(0.5);
  const [t, cum] = bandThreshold(sel, scan, lo, chunks, k - below);
  // Second pass, the same kernel with the band [t, t + 1) into the scratch chunk: keys below t zeroed, the keys
  // equal to t listed (the first `ties` of them, in position order, are zeroed too); then back into the source.
  const zeroed = sel.sources.map(() => 0);
  let ties = k - below - cum;
  const write = bandScan(t, 1, t, [BAND_CHUNK], BAND_CHUNK, scan.kernel);
  const out = write.output(0);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let done = 0;
  let nextTick = BAND_TICK;
  for (let ai = 0; ai < sel.sources.length; ai++) {
    const len = sel.lengths[ai];
    const src = sel.sources[ai];
    for (let s = 0; s < len; s += BAND_CHUNK) {
      const e = Math.min(len, s + BAND_CHUNK);
      let z = write.run(new Uint8Array(src.buffer, src.byteOffset + s * 4, (e - s) * 4), 0, 0, e - s);
      if (ties > 0 && write.count > 0) {
        const ent = write.entries();
        const m = Math.min(ties, ent.length);
        for (let j = 0; j < m; j++) out[ent[j] >>> 16] = 0;
        ties -= m;
        z += m;
      }
      write.clearEntries();
      zeroed[ai] += z;
      if (sel.inPlace[ai]) src.set(outBytes.subarray(0, (e - s) * 4), s * 4);
      else sel.dstOf(ai).set(out.subarray(0, e - s), s);
      done += e - s;
      if (done >= nextTick) {
        nextTick += BAND_TICK;
        await sel.tick(0.5 + (0.5 * done) / n);
      }
    }
  }
  await sel.tick(1);
  const zerosAfter = t === 0 ? zerosBefore.slice() : zeroed.slice();
  return { k, key: t, below: below + cum, zeroed, zerosBefore, zerosAfter, route: 'band', kernel: scan.kernel };
}

/**
 * One pass: a sample of the keys (evenly spaced blocks of consecutive elements: cheap to read) brackets the k-th
 * smallest in a band [lo, hi) of ±7 standard errors of the sample quantile and guesses it; the pass writes the
 * outputs with keys below the guess zeroed, counts them, and records the band's keys and their histogram (band.ts).
 * If the counts show the k-th smallest inside the band it is resolved exactly among the band (resolveBand);
 * otherwise (a rare miss) undefined is returned and the caller runs the exact route.
 */
export async function bandRoute(sel: Selection, k: number, sampleSize: number): Promise<ZeroSmallestResult | undefined> {
  sel.checkK(k);
  const n = sel.n;
  const [lo, hi, guess, expected] = sampleBand(sel, k, sampleSize);
  const capacity = sel.options.bandCapacity ?? Math.min(n, Math.max(1 << 16, Math.ceil(2 * expected + 64)));
  const scan = bandScan(lo, hi - lo, guess, sel.lengths, capacity, sel.options.kernel);

  sel.lengths.forEach((len, ai) => {
    if (len > 0) sel.dsts[ai] ??= scan.output(ai);
  });
  const { cut: zeroed, below, zerosBefore, chunks, missed } = await bandPass(sel, scan, capacity, k, false);
  if (missed) return undefined;
  await sel.tick(0.5);
  const [key, candBelow] = resolveBand(sel, scan, lo, chunks, k - below, zeroed);
  await sel.tick(1);
  const zerosAfter = key === 0 ? zerosBefore.slice() : zeroed.slice();
  return { k, key, below: below + candBelow, zeroed, zerosBefore, zerosAfter, route: 'band', kernel: scan.kernel };
}

/**
 * The band [lo, hi) from a sample of `sampleSize` keys in evenly spaced blocks, the sample's guess of the k-th
 * smallest key (inside the band), and the number of weights the band is expected to hold.
 */
function sampleBand(sel: Selection, k: number, sampleSize: number): [number, number, number, number] {
  const n = sel.n;
  const block = Math.max(1, Math.min(128, Math.floor(sampleSize / 256), n));
  const blocks = Math.max(1, Math.min(Math.floor(sampleSize / block), Math.floor(n / block)));
  const m = blocks * block;
  const sample = new Uint32Array(m);
  const sampleBytes = new Uint8Array(sample.buffer);
  const step = n / blocks;
  let ai = 0;
  let base = 0;
  for (let b = 0; b < blocks; b++) {
    let g = Math.min(n - block, Math.floor(b * step + (step - block) / 2));
    for (let j = 0; j < block; ) {
      while (g >= base + sel.lengths[ai]) base += sel.lengths[ai++];
      const take = Math.min(block - j, base + sel.lengths[ai] - g);
      const src = sel.sources[ai];
      sampleBytes.set(new Uint8Array(src.buffer, src.byteOffset + (g - base) * 4, take * 4), (b * block + j) * 4);
      j += take;
      g += take;
    }
  }
  const p = k / n;
  const delta = sel.options.bandRanks ?? Math.ceil(7 * Math.sqrt(m * p * (1 - p))) + 16;
  const r = Math.floor(p * m);
  const [loKey, guess, hiKey] = keysAtRanks(sample, [Math.max(0, r - delta), Math.min(m - 1, r), Math.min(m - 1, r + delta)]);
  const lo = r - delta <= 0 ? 0 : loKey;
  const hi = r + delta >= m - 1 ? 0x80000000 : hiKey + 1;
  const expected = ((Math.min(m - 1, r + delta) - Math.max(0, r - delta) + 1) / m) * n;
  return [lo, hi, guess, expected];
}
