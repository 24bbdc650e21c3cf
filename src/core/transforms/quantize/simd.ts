import { I32, module, op, PAGE_BYTES, V128, wasmApi, type WasmFunction, type WasmMemory } from '../common/wasm';

/**
 * The two passes of per-column quantization (MatMul weights [K, N], channel = column, N a multiple of 4) in
 * WebAssembly SIMD, four columns per instruction: per-column max of the magnitude keys, and the quantization itself
 * with the same float64 arithmetic as the JS loops of channel-ranges.ts and int8.ts, so the bytes are the same, value
 * for value:
 *
 *   t = trunc(float64(v) * inv[c] + off[c])   (f64x2 mul then add: no fused multiply-add in WebAssembly)
 *   byte = t ^ flip                           (t in [0, 255] by construction, see quantParams; a NaN gives 0 as
 *                                              `NaN | 0` does)
 *
 * Rows go through a block of the module's memory (copied in from the source at any alignment); the quantized bytes
 * are copied out to the caller's array. Where WebAssembly SIMD is missing, simdColumns() is undefined and
 * channel-ranges.ts and int8.ts run their JS loops.
 */

/** Elements per block (several rows; one row when a row is longer). */
const BLOCK = 1 << 16;

/** Switches for tests: the SIMD path runs for tensors of at least `minElements` values when `enabled`. */
export const simdConfig = { enabled: true, minElements: 1 << 12 };

export interface SimdColumns {
  /** keys[c] = max over the `rows` rows of the magnitude key (bits & 0x7fffffff) in column c, starting from keys. */
  maxKeys(src: SourceBytes, rows: number, keys: Int32Array): void;
  /** dst[r * C + c] = the quantized byte of element (r, c), for the `rows` rows of src. */
  quantize(src: SourceBytes, rows: number, inv: Float64Array, off: Float64Array, flip: number, dst: Uint8Array): void;
}

/** Copies elements [start, start + len) of a float32 source as bytes into `to` at byte `at`. */
export interface SourceBytes {
  copyBytes(start: number, len: number, to: Uint8Array, at: number): void;
}

/* -------------------------------------------------------------------- kernels -------------------------------------------------------------------- */

const MX = 64;
const align16 = (x: number) => Math.ceil(x / 16) * 16;

/*
 * maxKeys(data, n, C, mx): for the n values at byte `data` (n a multiple of C, C of 4), mx[c] = max(mx[c], v & 0x7fffffff)
 * with c = column (mx: C int32 at byte `mx`), four columns per step.
 */
const K = { data: 0, n: 1, C: 2, mx: 3, p: 4, end: 5, q: 6, qEnd: 7, MASK: 8 };
const maxKeysFn: WasmFunction = {
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, V128],
  export: 'maxKeys',
  body: [
    op.get(K.data), op.set(K.p),
    op.get(K.data), op.get(K.n), op.i32(2), op.shl, op.add, op.set(K.end),
    op.get(K.mx), op.set(K.q),
    op.get(K.mx), op.get(K.C), op.i32(2), op.shl, op.add, op.set(K.qEnd),
    op.i32(0x7fffffff), op.splat, op.set(K.MASK),
    op.block, op.loop,
    op.get(K.p), op.get(K.end), op.geU, op.brIf(1),
    op.get(K.q), op.get(K.q), op.vload, op.get(K.p), op.vload, op.get(K.MASK), op.vand, op.vmaxS, op.vstore,
    op.get(K.p), op.i32(16), op.add, op.set(K.p),
    op.get(K.q), op.i32(16), op.add, op.tee(K.q), op.get(K.qEnd), op.eq,
    op.if, op.get(K.mx), op.set(K.q), op.end,
    op.br(0),
    op.end, op.end,
  ],
};

/*
 * quant(data, n, C, inv, off, out, flip): for the n values at byte `data` (n a multiple of C, C of 4), the byte
 * trunc(v * inv[c] + off[c]) ^ flip at `out` (one byte per value, same order); inv and off: C float64 each.
 */
const Q = { data: 0, n: 1, C: 2, inv: 3, off: 4, out: 5, flip: 6, p: 7, end: 8, qi: 9, qo: 10, iEnd: 11, o: 12, FLIP: 13, v: 14, c: 15, w: 16 };
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** trunc(promote(v) * inv + off) for the two floats of the half of `v` on the stack (inv, off at byte offset `at`). */
const affine = (at: number): number[][] => [
  op.promoteLow, op.get(Q.qi), op.vloadAt(at), op.f64mul, op.get(Q.qo), op.vloadAt(at), op.f64add, op.truncSatF64,
];
/**
 * quant16: the same for C a multiple of 16, sixteen values per step (four vectors narrowed into one 16-byte store).
 * The four i32x4 results of a step go to locals c0..c3.
 */
const Q16 = { ...Q, c1: 17, c2: 18, c3: 19 };
const step4 = (h: number, into: number): number[][] => [
  op.get(Q.p), op.vloadAt(16 * h), op.tee(Q.v), ...affineAt(32 * h),
  op.get(Q.v), op.get(Q.v), op.shuffle(HIGH_HALF), ...affineAt(32 * h + 16),
  op.shuffle(LOW_HALVES), op.set(into),
];
const affineAt = (at: number): number[][] => [
  op.promoteLow, op.get(Q.qi), op.vloadAt(at), op.f64mul, op.get(Q.qo), op.vloadAt(at), op.f64add, op.truncSatF64,
];
const quant16Fn: WasmFunction = {
  params: [I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128],
  export: 'quant16',
  body: [
    op.get(Q.data), op.set(Q.p),
    op.get(Q.data), op.get(Q.n), op.i32(2), op.shl, op.add, op.set(Q.end),
    op.get(Q.inv), op.set(Q.qi),
    op.get(Q.off), op.set(Q.qo),
    op.get(Q.inv), op.get(Q.C), op.i32(3), op.shl, op.add, op.set(Q.iEnd),
    op.get(Q.out), op.set(Q.o),
    op.get(Q.flip), op.splat, op.set(Q.FLIP),
    op.block, op.loop,
    op.get(Q.p), op.get(Q.end), op.geU, op.brIf(1),
    ...step4(0, Q.c), ...step4(1, Q16.c1), ...step4(2, Q16.c2), ...step4(3, Q16.c3),
    op.get(Q.o),
    op.get(Q.c), op.get(Q16.c1), op.narrow16u, op.get(Q16.c2), op.get(Q16.c3), op.narrow16u, op.narrow8u,
    op.get(Q.FLIP), op.vxor, op.vstore,
    op.get(Q.p), op.i32(64), op.add, op.set(Q.p),
    op.get(Q.o), op.i32(16), op.add, op.set(Q.o),
    op.get(Q.qo), op.i32(128), op.add, op.set(Q.qo),
    op.get(Q.qi), op.i32(128), op.add, op.tee(Q.qi), op.get(Q.iEnd), op.eq,
    op.if, op.get(Q.inv), op.set(Q.qi), op.get(Q.off), op.set(Q.qo), op.end,
    op.br(0),
    op.end, op.end,
  ],
};

const quantFn: WasmFunction = {
  params: [I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, V128],
  export: 'quant',
  body: [
    op.get(Q.data), op.set(Q.p),
    op.get(Q.data), op.get(Q.n), op.i32(2), op.shl, op.add, op.set(Q.end),
    op.get(Q.inv), op.set(Q.qi),
    op.get(Q.off), op.set(Q.qo),
    op.get(Q.inv), op.get(Q.C), op.i32(3), op.shl, op.add, op.set(Q.iEnd),
    op.get(Q.out), op.set(Q.o),
    op.get(Q.flip), op.splat, op.set(Q.FLIP),
    op.block, op.loop,
    op.get(Q.p), op.get(Q.end), op.geU, op.brIf(1),
    op.get(Q.o),
    op.get(Q.p), op.vload, op.tee(Q.v), ...affine(0),
    op.get(Q.v), op.get(Q.v), op.shuffle(HIGH_HALF), ...affine(16),
    op.shuffle(LOW_HALVES), op.tee(Q.c), op.get(Q.c), op.narrow16u, op.tee(Q.w), op.get(Q.w), op.narrow8u,
    op.get(Q.FLIP), op.vxor, op.vstore32Lane(0),
    op.get(Q.p), op.i32(16), op.add, op.set(Q.p),
    op.get(Q.o), op.i32(4), op.add, op.set(Q.o),
    op.get(Q.qo), op.i32(32), op.add, op.set(Q.qo),
    op.get(Q.qi), op.i32(32), op.add, op.tee(Q.qi), op.get(Q.iEnd), op.eq,
    op.if, op.get(Q.inv), op.set(Q.qi), op.get(Q.off), op.set(Q.qo), op.end,
    op.br(0),
    op.end, op.end,
  ],
};

let compiled: object | null | undefined;

function compiledModule(): object | undefined {
  if (compiled === undefined) {
    compiled = null;
    const api = wasmApi();
    if (api) {
      try {
        compiled = new api.Module(module([maxKeysFn, quantFn, quant16Fn], true, 1));
      } catch {
        compiled = null;
      }
    }
  }
  return compiled ?? undefined;
}

/* ---------------------------------------------------------------------- host ---------------------------------------------------------------------- */

type MaxKeysFn = (data: number, n: number, C: number, mx: number) => void;
type QuantFn = (data: number, n: number, C: number, inv: number, off: number, out: number, flip: number) => void;

/** The last instance made (both passes of a tensor, and tensors with as many columns, share it) when small. */
let cached: { C: number; columns: SimdColumns } | undefined;
const CACHE_BYTES = 4 * 2 ** 20;

/**
 * The SIMD passes for C columns (C a multiple of 4) of a tensor of `elements` values, or undefined where
 * WebAssembly SIMD is unavailable (or for small tensors, which the JS loops handle as fast).
 */
export function simdColumns(C: number, elements: number): SimdColumns | undefined {
  if (!simdConfig.enabled || elements < simdConfig.minElements || C % 4 !== 0 || C === 0) return undefined;
  if (cached?.C === C) return cached.columns;
  const mod = compiledModule();
  const api = wasmApi();
  if (!mod || !api) return undefined;
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK / C));
  const inv = align16(MX + 4 * C);
  const off = inv + 8 * C;
  const data = align16(off + 8 * C);
  const out = data + 4 * rowsPerBlock * C;
  const pages = Math.ceil((out + rowsPerBlock * C) / PAGE_BYTES);
  let memory: WasmMemory;
  try {
    memory = new api.Memory({ initial: pages, maximum: pages });
  } catch {
    return undefined;
  }
  const inst = new api.Instance(mod, { env: { memory } });
  const maxKeys = inst.exports.maxKeys as MaxKeysFn;
  const quant = (C % 16 === 0 ? inst.exports.quant16 : inst.exports.quant) as QuantFn;
  const bytes = new Uint8Array(memory.buffer);
  const keysView = new Int32Array(memory.buffer, MX, C);
  const columns: SimdColumns = {
    maxKeys(src, rows, keys) {
      keysView.set(keys);
      for (let r = 0; r < rows; r += rowsPerBlock) {
        const n = Math.min(rowsPerBlock, rows - r) * C;
        src.copyBytes(r * C, n, bytes, data);
        maxKeys(data, n, C, MX);
      }
      keys.set(keysView);
    },
    quantize(src, rows, invs, offs, flip, dst) {
      new Float64Array(memory.buffer, inv, C).set(invs);
      new Float64Array(memory.buffer, off, C).set(offs);
      for (let r = 0; r < rows; r += rowsPerBlock) {
        const n = Math.min(rowsPerBlock, rows - r) * C;
        src.copyBytes(r * C, n, bytes, data);
        quant(data, n, C, inv, off, out, flip * 0x01010101);
        dst.set(bytes.subarray(out, out + n), r * C);
      }
    },
  };
  if (pages * PAGE_BYTES <= CACHE_BYTES) cached = { C, columns };
  return columns;
}
