/**
 * Seeded pseudo-random numbers for the sample-training script. Nothing in the pipeline may use
 * Math.random: every draw comes from one of these generators so that a run is reproducible.
 */

/** mulberry32: a small, fast 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uint32 drawn from a float generator (for seeding other generators). */
export const nextSeed = (rand: () => number): number => Math.floor(rand() * 4294967296) >>> 0;

/** Derive an independent seed from a base seed and a label (FNV-1a over the label, mixed with the seed). */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // one round of mulberry32 to spread the bits
  return nextSeed(mulberry32(h));
}

/** In-place Fisher–Yates shuffle. */
export function shuffle<T>(arr: T[] | Int32Array, rand: () => number): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
}

/** Uniform float in [lo, hi). */
export const uniform = (rand: () => number, lo: number, hi: number): number => lo + (hi - lo) * rand();
