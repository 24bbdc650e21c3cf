/**
 * Just enough of the WebAssembly binary format to write small numeric kernels by hand: one imported memory,
 * functions with i32/v128 parameters and locals, and the handful of instructions they use (with 128-bit SIMD).
 * Kernels built here are a few hundred bytes; each module is compiled synchronously (allowed up to 4 KB on a
 * browser's main thread).
 *
 * WebAssembly is optional: `wasmApi()` is undefined where it (or SIMD) is missing, and callers keep a plain-JS path
 * that gives the same results.
 */

/* ------------------------------------------------------------------ the host API ------------------------------------------------------------------ */

/** The part of the WebAssembly JS API used here (core code compiles without DOM or Node types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

export const PAGE_BYTES = 65536;

let simdChecked: WasmApi | undefined | null = null;

/** The WebAssembly API when it exists and validates SIMD code (Node 16.4+, Chrome 91, Firefox 89, Safari 16.4). */
export function wasmApi(): WasmApi | undefined {
  if (simdChecked === null) {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    let ok = false;
    try {
      // (func (result v128) (i32x4.splat (i32.const 0)))
      ok = !!api && api.validate(module([{ params: [], results: [V128], locals: [], body: [op.i32(0), op.splat] }]));
    } catch {
      ok = false;
    }
    simdChecked = ok ? api : undefined;
  }
  return simdChecked;
}

/* ------------------------------------------------------------------ encoding ------------------------------------------------------------------ */

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const simd = (code: number, ...imm: number[]): number[] => [0xfd, ...uleb(code), ...imm];

/** Instructions (each an array of bytes; a function body is a list of them). Memory accesses use offset 0. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v | 0)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  // i32
  load: [0x28, 2, 0],
  store: [0x36, 2, 0],
  eqz: [0x45],
  eq: [0x46],
  ne: [0x47],
  ltS: [0x48],
  ltU: [0x49],
  geS: [0x4e],
  geU: [0x4f],
  add: [0x6a],
  sub: [0x6b],
  and: [0x71],
  or: [0x72],
  xor: [0x73],
  shl: [0x74],
  shrS: [0x75],
  shrU: [0x76],
  // v128 (i32x4 lanes)
  vload: simd(0x00, 4, 0),
  /** v128.load from the address on the stack plus `offset` bytes. */
  vloadAt: (offset: number) => simd(0x00, 4, ...uleb(offset)),
  vstore: simd(0x0b, 4, 0),
  /** Stores lane `i` (32 bits) of a vector. */
  vstore32Lane: (i: number) => simd(0x5a, 2, 0, i),
  /** i8x16.shuffle of two vectors: result byte j = byte lanes[j] of the 32 bytes (first vector, then second). */
  shuffle: (lanes: number[]) => simd(0x0d, ...lanes),
  splat: simd(0x11),
  lane: (i: number) => simd(0x1b, i),
  veq: simd(0x37),
  vand: simd(0x4e),
  vandnot: simd(0x4f),
  vor: simd(0x50),
  vxor: simd(0x51),
  bitmask: simd(0xa4),
  vshrS: simd(0xac),
  vadd: simd(0xae),
  vsub: simd(0xb1),
  vmaxS: simd(0xb8),
  /** i8x16.narrow_i16x8_u and i16x8.narrow_i32x4_u (unsigned saturation). */
  narrow8u: simd(0x66),
  narrow16u: simd(0x86),
  /** f64x2.promote_low_f32x4, f64x2.add, f64x2.mul, i32x4.trunc_sat_f64x2_s_zero. */
  promoteLow: simd(0x5f),
  f64add: simd(0xf0),
  f64mul: simd(0xf2),
  truncSatF64: simd(0xfc),
};

export interface WasmFunction {
  params: ValType[];
  results: ValType[];
  /** Extra locals, numbered after the parameters. */
  locals: ValType[];
  body: number[][];
  /** Export name (unexported when absent). */
  export?: string;
}

/**
 * A module with the given functions (each with its own type) and, when `importedMemory` is true, one memory imported
 * as env.memory (at least `minPages` 64 KiB pages; the host creates it with the size it needs).
 */
export function module(fns: WasmFunction[], importedMemory = false, minPages = 1): Uint8Array {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const exportsList: number[][] = [];
  fns.forEach((f, i) => {
    if (f.export) exportsList.push([...name(f.export), 0x00, ...uleb(i)]);
  });
  const codes = fns.map((f) => {
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...f.body.flat(), ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...(importedMemory ? section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]])) : []),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(exportsList)),
    ...section(10, vec(codes)),
  ]);
}
