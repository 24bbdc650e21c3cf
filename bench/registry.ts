/**
 * The bench is a registry of cases (./cases.ts). Each case measures something and returns rows; run.ts runs
 * them in order, prints one markdown table and writes bench/results.json. To add a measurement (latency,
 * quantize speed, ...), write a BenchCase in its own file and list it in cases.ts.
 */
import type { ModelProto } from '../src/core/formats/onnx/proto';

export interface BenchRow {
  name: string;
  /** null when not measured (the note says why). */
  value: number | null;
  unit: string;
  note: string;
}

export interface BigModel {
  /** Temp file holding the serialised model. */
  path: string;
  fileName: string;
  /** The serialised model. */
  bytes: Uint8Array;
  /** The model as built (weights are views of typed arrays, not of `bytes`). */
  proto: ModelProto;
  /** Bytes of float32 weights. */
  weightBytes: number;
}

export interface BenchContext {
  /** Repository root (cwd for spawned tools). */
  root: string;
  /** Scratch directory (.bench-tmp/, git-ignored), removed when the bench ends. */
  tmpDir: string;
  /** The ~300 MB float32 MLP, generated on first use and written to tmpDir. */
  bigModel(): Promise<BigModel>;
  /** The ~400 MB float32 MLP of the transform cases (issue 3's "400 MB model"), generated on first use. */
  transformModel(): Promise<BigModel>;
  /** Full garbage collection (a no-op if it cannot be exposed). */
  gc(): void;
  /** Progress line on stderr (stdout holds only the table). */
  log(message: string): void;
}

export interface BenchCase {
  /** Short id, used to pick cases: `npm run bench -- read write`. */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export const row = (name: string, value: number | null, unit: string, note = ''): BenchRow => ({ name, value, unit, note });

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Run `fn` `n` times (after `warmup` unmeasured runs), with a GC before each; milliseconds of each run. */
export function timeRuns(ctx: BenchContext, n: number, fn: () => unknown, warmup = 1): number[] {
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    ctx.gc();
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    if (i >= warmup) times.push(dt);
  }
  return times;
}

export const MB = 1e6;
