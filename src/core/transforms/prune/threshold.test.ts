import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyNM, nmRowCount, nmShape } from './nm';
import { CHUNK_ELEMENTS, keyToMagnitude, kthSmallestMagnitude, pruneCount, pruneSmallest, zeroSmallest } from './threshold';
import { expectSame as same } from '../../testing/same.testkit';

const f32bits = (values: number[]) => new Uint32Array(Float32Array.from(values).buffer);
const key = (bits: number) => (bits & 0x7fffffff) >>> 0;

/** Sort-based reference: a stable sort of (key, position) cut after k. */
function reference(arrays: Uint32Array[], k: number) {
  const all: { key: number; a: number; i: number }[] = [];
  arrays.forEach((arr, a) => arr.forEach((v, i) => all.push({ key: key(v), a, i })));
  const sorted = [...all].sort((x, y) => x.key - y.key); // Array.prototype.sort is stable
  const selected = new Set(sorted.slice(0, k).map((e) => `${e.a}:${e.i}`));
  const expected = arrays.map((arr, a) => arr.map((v, i) => (selected.has(`${a}:${i}`) ? 0 : v)));
  const t = k > 0 ? sorted[k - 1].key : -1;
  return { expected, key: t, below: k > 0 ? all.filter((e) => e.key < t).length : 0 };
}

/** Count of ±0 float32 bit patterns. */
function zeros(a: ArrayLike<number>) {
  let n = 0;
  for (let i = 0; i < a.length; i++) if ((a[i] << 1) === 0) n++;
  return n;
}

/** float32 values with many duplicates, zeros of both signs, negatives, denormals, infinities and NaNs. */
const weight = fc.oneof(
  { weight: 4, arbitrary: fc.float() },
  { weight: 1, arbitrary: fc.float({ min: Math.fround(-1e-38), max: Math.fround(1e-38) }) }, // denormals and tiny normals
  { weight: 3, arbitrary: fc.constantFrom(0, -0, 1e-45, -1e-45, 2e-45, 0.5, -0.5, 0.25, 1.1754942e-38, -3, 3, Infinity, NaN) },
);
const arraysAndK = fc
  .array(fc.array(weight, { maxLength: 120 }), { minLength: 1, maxLength: 4 })
  .chain((parts) => {
    const n = parts.reduce((s, p) => s + p.length, 0);
    return fc.record({ parts: fc.constant(parts), k: fc.integer({ min: 0, max: n }) });
  });

describe('zeroSmallest (exact magnitude selection)', () => {
  const routes = new Set<string>();
  const kernels = new Set<string>();
  for (const [route, maxCandidates] of [['candidates', undefined], ['refine', 0]] as const) {
    it(`matches a stable sort of |w| exactly, incl. ties, zeros, denormals, NaN (${route} route)`, async () => {
      await fc.assert(
        fc.asyncProperty(arraysAndK, async ({ parts, k }) => {
          const arrays = parts.map(f32bits);
          const ref = reference(arrays.map((a) => a.slice()), k);
          // Copying variant, from unaligned bytes (as raw_data views usually are): same result, sources untouched.
          const unaligned = arrays.map((a, i) => {
            const buf = new Uint8Array(a.byteLength + 4);
            buf.set(new Uint8Array(a.buffer), 1 + (i % 3));
            return buf.subarray(1 + (i % 3), 1 + (i % 3) + a.byteLength);
          });
          // sampleSize 0: exact route; otherwise the one-pass band route, made narrow or small so that it often
          // misses or overflows (and falls back to the exact route).
          // Both band kernels (WebAssembly SIMD, plain JS) on every input.
          const bands = [{ sampleSize: 0 }, { sampleSize: 3 }, { sampleSize: 40, bandRanks: 1 }, { sampleSize: 16, bandRanks: 0 }, { sampleSize: 40, bandCapacity: 8 }];
          for (const band of bands.flatMap((b) => (['wasm', 'js'] as const).map((kernel) => ({ ...b, kernel })))) {
            const p = await pruneSmallest(unaligned, k, { maxCandidates, ...band });
            routes.add(`${p.route}${p.bandMissed ? '-missed' : ''}`);
            if (p.route === 'band') kernels.add(p.kernel!);
            unaligned.forEach((u, i) => same(new Uint8Array(u.buffer, u.byteOffset, u.byteLength), new Uint8Array(arrays[i].buffer)));
            if (k > 0) p.outputs.forEach((o, i) => same(o!, ref.expected[i]));
            expect(p.key).toBe(ref.key);
            expect(p.below).toBe(ref.below);
            p.outputs.forEach((o, i) => o && expect(p.zerosAfter[i]).toBe(zeros(o)));
            p.outputs.forEach((_, i) => expect(p.zerosBefore[i]).toBe(zeros(arrays[i])));
          }
          // In place (inPlace): the sources themselves get the result, aligned and unaligned, also mixed with copies.
          const inPlaceRuns = [(i: number) => i >= 0, (i: number) => i % 2 === 0].flatMap((which) =>
            [{}, ...bands.flatMap((bd) => (['wasm', 'js'] as const).map((kernel) => ({ ...bd, kernel })))].map((band) => ({ which, band })),
          );
          for (const { which, band } of inPlaceRuns) {
            const own = unaligned.map((u, i) => {
              const off = i % 2 === 0 ? 4 : 1 + (i % 3);
              const buf = new Uint8Array(u.length + 8);
              buf.set(u, off);
              return buf.subarray(off, off + u.length);
            });
            const inPlace = own.map((_, i) => which(i));
            const p = await pruneSmallest(own, k, { maxCandidates, ...band, inPlace });
            routes.add(`inPlace-${p.route}${p.bandMissed ? '-missed' : ''}`);
            expect(p.key).toBe(ref.key);
            expect(p.below).toBe(ref.below);
            own.forEach((u, i) => {
              const got = inPlace[i] && k > 0 ? new Uint8Array(u) : p.outputs[i] ? new Uint8Array(p.outputs[i]!.buffer) : new Uint8Array(u);
              same(new Uint32Array(got.buffer, got.byteOffset, got.byteLength / 4), k > 0 ? ref.expected[i] : arrays[i]);
              if (!inPlace[i]) same(new Uint8Array(u.buffer, u.byteOffset, u.byteLength), new Uint8Array(arrays[i].buffer));
              if (inPlace[i]) expect(p.outputs[i]).toBeUndefined();
              expect(p.zerosAfter[i]).toBe(zeros(k > 0 ? ref.expected[i] : arrays[i]));
            });
          }
          const r = await zeroSmallest(arrays, k, { maxCandidates });
          expect(r.key).toBe(ref.key);
          expect(r.below).toBe(ref.below);
          arrays.forEach((a, i) => same(a, ref.expected[i]));
          // Zero counts agree with the data.
          arrays.forEach((a, i) => expect(r.zerosAfter[i]).toBe(zeros(a)));
          if (k > 0 && r.route !== 'none') expect(r.route).toBe(route);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the property runs covered every route: band, band missed then exact, candidates, refine', () => {
    for (const r of ['band', 'candidates-missed', 'refine-missed', 'candidates', 'refine']) {
      expect(routes).toContain(r);
      expect(routes).toContain(`inPlace-${r}`);
    }
    // Node has WebAssembly SIMD: the band route ran with both kernels.
    expect([...kernels].sort()).toEqual(['js', 'wasm']);
  });

  it('the threshold equals the k-th smallest |w| of a sorted copy (finite values)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 300 }).chain((v) =>
          fc.record({ v: fc.constant(v), k: fc.integer({ min: 1, max: v.length }) }),
        ),
        async ({ v, k }) => {
          const values = Float32Array.from(v);
          const sorted = Float32Array.from(values, Math.abs).sort();
          expect(await kthSmallestMagnitude(values, k)).toBe(sorted[k - 1]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('selects exactly k over chunk boundaries and with a crowded threshold bin', async () => {
    const n = 2 * CHUNK_ELEMENTS + 1234;
    const orig = new Float32Array(n);
    for (let i = 0; i < n; i++) orig[i] = ((Math.imul(i, 2654435761) >>> 0) % 1000) / 1000 - 0.5; // many ties
    const ob = new Uint32Array(orig.buffer);
    const k = pruneCount(0.37, n);
    const keysSorted = Uint32Array.from(ob, key).sort();
    for (const maxCandidates of [1000, undefined, -1, -2]) {
      let bits: Uint32Array = ob.slice();
      let r;
      if (maxCandidates !== undefined && maxCandidates < 0) {
        // The copying one-pass band route (n >= 2^20 uses it by default), with the default kernel (WebAssembly
        // SIMD in Node) and with the plain-JS one; from an unaligned copy of the bytes for the latter.
        const kernel = maxCandidates === -1 ? undefined : 'js';
        const bytes = new Uint8Array(ob.byteLength + 1).subarray(1);
        bytes.set(new Uint8Array(ob.buffer));
        const p = await pruneSmallest([maxCandidates === -1 ? new Uint8Array(ob.buffer) : bytes], k, { kernel });
        expect(p.route).toBe('band');
        expect(p.kernel).toBe(maxCandidates === -1 ? 'wasm' : 'js');
        r = p;
        bits = p.outputs[0]!;
      } else {
        r = await zeroSmallest([bits], k, { maxCandidates }); // 1000: bin too crowded, refine route
        expect(r.route).toBe(maxCandidates === 1000 ? 'refine' : 'candidates');
      }
      expect(r.key).toBe(keysSorted[k - 1]);
      expect(r.zerosAfter[0]).toBe(k);
      // Below the threshold all zero, above untouched, ties zeroed first-come.
      let wrong = 0;
      let tiesSeen = 0;
      let tiesZeroed = 0;
      let lastZeroedTie = -1;
      let firstKeptTie = n;
      for (let i = 0; i < n; i++) {
        const kk = key(ob[i]);
        if (kk < r.key) wrong += bits[i] === 0 ? 0 : 1;
        else if (kk > r.key) wrong += bits[i] === ob[i] ? 0 : 1;
        else {
          tiesSeen++;
          if (bits[i] === 0) {
            tiesZeroed++;
            lastZeroedTie = i;
          } else if (firstKeptTie === n) firstKeptTie = i;
        }
      }
      expect(wrong).toBe(0);
      expect(tiesZeroed).toBe(k - r.below);
      expect(tiesSeen).toBeGreaterThan(tiesZeroed);
      expect(lastZeroedTie).toBeLessThan(firstKeptTie);
    }
  });

  it('inPlace on 3M random weights (unaligned and aligned) matches the copying band route bit for bit', async () => {
    const n = 3_000_001;
    const f = new Float32Array(n);
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      f[i] = ((x / 2 ** 32) - 0.5) * (i % 7 === 0 ? 0.01 : 1);
    }
    f[5] = 0;
    const bytes = new Uint8Array(f.buffer);
    const parts = [bytes.subarray(0, 4 * 1_000_000), bytes.subarray(4 * 1_000_000)];
    const k = pruneCount(0.5, n);
    const copy = await pruneSmallest(parts, k);
    expect(copy.route).toBe('band');
    for (const off of [0, 3]) {
      const own = parts.map((p) => {
        const buf = new Uint8Array(p.length + 4);
        buf.set(p, off);
        return buf.subarray(off, off + p.length);
      });
      const r = await pruneSmallest(own, k, { inPlace: [true, true] });
      expect(r.route).toBe('band');
      expect(r.key).toBe(copy.key);
      expect(r.below).toBe(copy.below);
      expect(r.zerosBefore).toEqual(copy.zerosBefore);
      expect(r.zerosAfter).toEqual(copy.zerosAfter);
      expect(r.zeroed).toEqual(copy.zeroed);
      own.forEach((u, i) => {
        const o = copy.outputs[i]!;
        expect(Buffer.from(u).equals(Buffer.from(o.buffer, o.byteOffset, o.byteLength))).toBe(true);
      });
    }
  });

  it('k = 0 changes nothing; k = n zeroes everything', async () => {
    const a = f32bits([1, -2, 0, 3]);
    expect((await zeroSmallest([a], 0)).route).toBe('none');
    expect(Array.from(a)).toEqual(Array.from(f32bits([1, -2, 0, 3])));
    await zeroSmallest([a], 4);
    expect(Array.from(a)).toEqual([0, 0, 0, 0]);
    expect(keyToMagnitude(key(f32bits([-0.75])[0]))).toBe(0.75);
  });

  it('pruneCount is floor(target * n) without float noise', () => {
    expect(pruneCount(0.3, 10)).toBe(3);
    expect(pruneCount(0.5, 67)).toBe(33);
    expect(pruneCount(0.999, 10)).toBe(9);
    expect(pruneCount(0, 10)).toBe(0);
    expect(pruneCount(0.1, 7)).toBe(0);
  });
});

describe('applyNM', () => {
  /** Reference: rank each group by (magnitude desc, position asc), keep the first n. */
  function refNM(bits: Uint32Array, dims: number[], axis: number, n: number, m: number): Uint32Array {
    const s = nmShape(dims, axis);
    const out = bits.slice();
    for (let o = 0; o < s.outer; o++) {
      for (let g = 0; g < s.axisSize / m; g++) {
        for (let j = 0; j < s.inner; j++) {
          const idx = Array.from({ length: m }, (_, r) => (o * s.axisSize + g * m + r) * s.inner + j);
          const ranked = [...idx].sort((x, y) => key(bits[y]) - key(bits[x]) || x - y);
          for (const i of ranked.slice(n)) out[i] = 0;
        }
      }
    }
    return out;
  }

  it('keeps exactly the N largest of every M along the axis (ties: earlier kept)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([2, 4], [1, 4], [2, 8], [3, 4], [4, 8], [1, 2]),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer(),
        ([n, m], groups, otherDims, axisPos, seed) => {
          const axis = Math.min(axisPos, otherDims.length);
          const dims = [...otherDims];
          dims.splice(axis, 0, groups * m);
          const count = dims.reduce((p, d) => p * d, 1);
          let s = seed >>> 0 || 1;
          const pool = [0, -0, 1, -1, 0.5, 2, -2, 1e-45];
          const values = Array.from({ length: count }, () => {
            s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
            return s % 3 === 0 ? pool[s % pool.length] : (s / 2 ** 32 - 0.5) * 4;
          });
          const bits = f32bits(values);
          const expected = refNM(bits, dims, axis, n, m);
          const sh = nmShape(dims, axis);
          const out = new Uint32Array(bits.length);
          // In two halves, the second from a view of its rows (as apply does for unaligned data).
          const rows = nmRowCount(sh, m);
          const half = Math.floor(rows / 2);
          const per = m * sh.inner;
          const c1 = applyNM(bits, 0, out, sh, n, m, 0, half);
          const c2 = applyNM(bits.slice(half * per), half * per, out, sh, n, m, half, rows);
          const c = { zerosBefore: c1.zerosBefore + c2.zerosBefore, zerosAfter: c1.zerosAfter + c2.zerosAfter };
          bits.set(out);
          expect(Array.from(bits)).toEqual(Array.from(expected));
          expect(c.zerosBefore).toBe(values.filter((v) => v === 0).length);
          expect(c.zerosAfter).toBe(Array.from(bits).filter((v) => (v << 1) === 0).length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
