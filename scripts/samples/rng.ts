/**
 * Seeded pseudo-random numbers for the sample-training script. Nothing in the pipeline may use
 * Math.random: every draw comes from one of these generators so that a run is reproducible.
 */
import { seededRandom } from '../../src/core/random';

/** mulberry32 (the project's seeded PRNG in src/core/random.ts). Returns floats in [0, 1). */
export const mulberry32 = seededRandom;

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
