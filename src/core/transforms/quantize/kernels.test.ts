import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatToHalfBits, randomFloats } from '../../testing/fixtures';
import { channelMaxAbs, channelMinMax } from './channel-ranges';
import { F32Source, type Layout } from './f32-source';
import { floatToHalf, toFloat16Into } from './float16';
import { dequantizeInto, quantizeInto, quantizeTransposedInto, quantParams } from './int8';
import { simdColumns, simdConfig } from './simd';
import { expectSame } from '../../testing/same.testkit';

/** Runs `fn` with the WebAssembly SIMD passes (for any size) and with the plain-JS loops. */
function bothKernels(fn: (mode: string) => void): void {
  const saved = { ...simdConfig };
  try {
    for (const [mode, enabled] of [['simd', true], ['js', false]] as const) {
      Object.assign(simdConfig, { enabled, minElements: 0 });
      fn(mode);
    }
  } finally {
    Object.assign(simdConfig, saved);
  }
}

const src = (a: Float32Array) => new F32Source(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), a.length);
/** The same values at an odd byte offset (as raw_data views usually are). */
function unaligned(a: Float32Array): F32Source {
  const buf = new Uint8Array(a.byteLength + 3);
  buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), 3);
  return new F32Source(buf.subarray(3), a.length);
}
const toInt8 = (b: Uint8Array) => new Int8Array(b.buffer, b.byteOffset, b.length);

/** Reference: Math.round and clamping, one element at a time. */
function reference(values: Float32Array, L: Layout, scale: Float32Array, zp: Int32Array, qmin: number, qmax: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / L.inner) % L.channels;
    out.push(Math.min(qmax, Math.max(qmin, Math.round(values[i] * (1 / scale[c])) + zp[c])));
  }
  return out;
}

describe('rounding trick', () => {
  it('equals Math.round (round half up) on random values and on exact ties', () => {
    fc.assert(
      fc.property(fc.float({ min: -127, max: 127, noNaN: true }), (x) => {
        const trick = ((x + 128.5) | 0) - 128;
        expect(trick).toBe(Math.round(x) + 0);
      }),
      { numRuns: 20000 },
    );
    // Products v * (1 / scale) are float64: there the sum x + 128.5 can round up within ~2^-45 below a tie.
    fc.assert(
      fc.property(fc.double({ min: -127, max: 127, noNaN: true }), (x) => {
        const trick = ((x + 128.5) | 0) - 128;
        if (trick !== Math.round(x) + 0) expect(Math.abs(x - Math.floor(x) - 0.5)).toBeLessThan(1e-12);
      }),
      { numRuns: 20000 },
    );
    for (let k = -127; k < 127; k++) {
      const tie = k + 0.5;
      expect(((tie + 128.5) | 0) - 128).toBe(Math.round(tie) + 0); // half up: -2.5 -> -2, 2.5 -> 3
    }
    // Where ONNX QuantizeLinear (half to even) differs: exact ties with an even lower neighbour, by one step.
    expect(((2.5 + 128.5) | 0) - 128).toBe(3);
    expect(((-2.5 + 128.5) | 0) - 128).toBe(-2);
  });
});

describe('per-channel quantization', () => {
  const layouts: [string, Layout][] = [
    ['per-tensor', { outer: 1, channels: 1, inner: 96 }],
    ['last axis (MatMul [K, N])', { outer: 12, channels: 8, inner: 1 }],
    ['axis 0 (Conv [M, ...])', { outer: 1, channels: 6, inner: 16 }],
    ['middle axis', { outer: 2, channels: 6, inner: 8 }],
  ];
  for (const [name, L] of layouts) {
    it(`${name}: matches Math.round, symmetric and asymmetric, aligned or not`, () => bothKernels(() => {
      const n = L.outer * L.channels * L.inner;
      const values = randomFloats(n, 7, 3);
      for (let i = 0; i < n; i++) values[i] *= 1 + (Math.floor(i / L.inner) % L.channels); // channel ranges differ
      for (const symmetric of [true, false]) {
        const { min, max } = channelMinMax(src(values), L);
        const p = quantParams(min, max, 'int8', symmetric);
        const a = new Uint8Array(n);
        const b = new Uint8Array(n);
        quantizeInto(src(values), L, p, a);
        quantizeInto(unaligned(values), L, p, b);
        expectSame(b, a);
        expectSame(toInt8(a), reference(values, L, p.scale, p.zeroPoint, p.qmin, p.qmax));
        // Dequantized error is at most half a step per channel.
        const back = new Float32Array(n);
        dequantizeInto(a, L, p, back);
        for (let i = 0; i < n; i++) {
          const c = Math.floor(i / L.inner) % L.channels;
          expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(p.scale[c] * 0.5 + 1e-6);
        }
      }
    }));
  }

  it('min/max in one pass over chunks of unaligned data (bigger than the scratch buffer)', () => {
    const L = { outer: 300, channels: 700, inner: 1 };
    const values = randomFloats(L.outer * L.channels, 3);
    values[699] = 5;
    values[L.outer * L.channels - 700] = -6;
    const a = channelMinMax(src(values), L);
    const b = channelMinMax(unaligned(values), L);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expectSame(b.min, a.min);
    expectSame(b.max, a.max);
    expect(a.max[699]).toBe(5);
    expect(a.min[0]).toBe(-6);
    for (const layout of [L, { outer: 1, channels: 300, inner: 700 }]) {
      const m = channelMinMax(src(values), layout);
      const abs = channelMaxAbs(unaligned(values), layout);
      expect(Array.from(abs.max)).toEqual(Array.from(m.max, (v, c) => Math.max(v, -m.min[c])));
    }
  });

  it('WebAssembly SIMD is used for big per-column (MatMul) tensors in Node', () => {
    expect(simdColumns(4096, 4096 * 64)).toBeDefined();
    expect(simdColumns(6, 6 * 100000)).toBeUndefined(); // not a multiple of 4: the JS loops
  });

  it('per-column quantization over several row blocks, any channel count (4-column groups or not)', () => bothKernels(() => {
    for (const [outer, C] of [[6000, 12], [40, 6], [3, 4100], [17, 8], [70, 1], [50, 48], [5, 20000]] as const) {
      const L = { outer, channels: C, inner: 1 };
      const n = outer * C;
      const values = randomFloats(n, C, 2);
      for (let i = 0; i < n; i++) values[i] *= 1 + (i % C); // column ranges differ
      for (const symmetric of [true, false]) {
        const { min, max } = symmetric ? channelMaxAbs(src(values), L) : channelMinMax(src(values), L);
        const p = quantParams(min, max, 'int8', symmetric);
        const a = new Uint8Array(n);
        const b = new Uint8Array(n);
        quantizeInto(src(values), L, p, a);
        quantizeInto(unaligned(values), L, p, b);
        expectSame(b, a);
        expectSame(toInt8(a), reference(values, L, p.scale, p.zeroPoint, p.qmin, p.qmax));
      }
    }
  }));

  it('max |v| on bit patterns equals Math.abs over floats: NaN ignored, infinities, -0, subnormals', () => bothKernels(() => {
    const specials = [NaN, -NaN, Infinity, -Infinity, -0, 0, 1e-45, -1e-45, 3.4e38, -3.4e38, 1, -2];
    for (const L of [
      { outer: 50, channels: 11, inner: 1 },
      { outer: 30, channels: 16, inner: 1 },
      { outer: 9000, channels: 12, inner: 1 },
      { outer: 2, channels: 5, inner: 7 },
    ]) {
      const n = L.outer * L.channels * L.inner;
      for (let trial = 0; trial < 20; trial++) {
        const values = randomFloats(n, trial + 1, 0.5);
        for (let i = 0; i < n; i++) if ((i * 7 + trial) % 5 === 0) values[i] = specials[(i + trial) % specials.length];
        if (trial % 2 === 0) for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) values[i] = 0.25; // some without NaN
        const ref = new Float64Array(L.channels);
        for (let i = 0; i < n; i++) {
          const c = Math.floor(i / L.inner) % L.channels;
          const v = Math.abs(values[i]);
          if (v > ref[c]) ref[c] = v;
        }
        for (const s of [src(values), unaligned(values)]) {
          const r = channelMaxAbs(s, L);
          expect(Array.from(r.max)).toEqual(Array.from(ref));
          expect(Array.from(r.min)).toEqual(Array.from(ref, (v) => -v));
        }
      }
    }
  }));

  it('symmetric params: zero point 0, range [-127, 127]; all-zero channel gets scale 1', () => {
    const p = quantParams([-2, 0, -1], [1, 0, 4], 'int8', true);
    expect(Array.from(p.scale)).toEqual([Math.fround(2 / 127), 1, Math.fround(4 / 127)]);
    expect(Array.from(p.zeroPoint)).toEqual([0, 0, 0]);
    expect([p.qmin, p.qmax]).toEqual([-127, 127]);
    const u = quantParams([0.5], [2], 'uint8', false); // range widened to include 0
    expect(u.zeroPoint[0]).toBe(0);
    expect(u.scale[0]).toBeCloseTo(2 / 255, 7);
    const v = quantParams([-1], [3], 'uint8', false);
    expect(v.zeroPoint[0]).toBe(64);
  });

  it('transposed quantization equals quantize-then-transpose', () => {
    const N = 37;
    const K = 53;
    const values = randomFloats(N * K, 9);
    const L = { outer: 1, channels: N, inner: K };
    const { min, max } = channelMinMax(src(values), L);
    const p = quantParams(min, max, 'int8', true);
    const plain = new Uint8Array(N * K);
    quantizeInto(src(values), L, p, plain);
    const t = new Uint8Array(N * K);
    quantizeTransposedInto(unaligned(values), N, K, p, t);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) expect(t[k * N + n]).toBe(plain[n * K + k]);
  });
});

describe('float16', () => {
  it('matches a reference conversion (round to nearest even) including subnormals', () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (x) => {
        f[0] = x;
        expect(floatToHalf(f[0], u[0])).toBe(floatToHalfBits(f[0]));
      }),
      { numRuns: 20000 },
    );
    for (const x of [0, -0, 1, -1, 65504, 6.1e-5, 5.96e-8, 2.98e-8, 1e-10, 0.1, 3.14159]) {
      f[0] = x;
      expect(floatToHalf(f[0], u[0])).toBe(floatToHalfBits(f[0]));
    }
  });

  it('clamps finite values beyond the float16 range to +-65504, keeps inf and NaN', () => {
    const values = Float32Array.of(1e6, -70000, Infinity, -Infinity, NaN, 65519, 65520);
    const out = new Uint16Array(values.length);
    const clamped = toFloat16Into(unaligned(values), out);
    expect(Array.from(out)).toEqual([0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x7bff, 0x7bff]);
    expect(clamped).toBe(3);
  });
});
