import { deflateRawSync, constants as zlib } from 'node:zlib';
import { deflateSync, inflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isParetoError, type ErrorCode } from '../errors';
import { writeNpy, type NpyArray } from './npy';
import { NPZ_MAX_BYTES, readNpz, writeNpz, type NpzStats } from './npz';

/** Hostile .npz archives: bombs, lying headers and sizes, caps, prototype names, huge names. */

interface RawMember {
  name: string;
  /** The member's bytes as stored in the archive (already deflated when method is 8). */
  data: Uint8Array;
  method: 0 | 8;
  /** Uncompressed size the archive declares. */
  size: number;
  /** Point the central directory entry at this earlier member's local header and data (overlapping members). */
  sameAs?: number;
}

/**
 * A zip written by hand, so that sizes can lie and members can be pre-deflated. `zip64` writes what numpy does
 * (zip64 extra fields with saturated sizes in the local headers) and more: saturated sizes and offsets in the
 * central directory too, and a zip64 end of central directory with its locator.
 */
function zip(members: RawMember[], zip64 = false): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  const put = (b: Uint8Array) => {
    parts.push(b);
    at += b.length;
  };
  const rec = (n: number, fill: (v: DataView) => void) => {
    const b = new Uint8Array(n);
    fill(new DataView(b.buffer));
    return b;
  };
  const z64 = (values: number[]) =>
    rec(4 + 8 * values.length, (v) => {
      v.setUint16(0, 1, true);
      v.setUint16(2, 8 * values.length, true);
      values.forEach((x, i) => v.setBigUint64(4 + 8 * i, BigInt(x), true));
    });
  const big = (n: number) => (zip64 || n >= 0xffffffff ? 0xffffffff : n);
  const central: Uint8Array[] = [];
  const offsets: number[] = [];
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const offset = m.sameAs === undefined ? at : offsets[m.sameAs];
    offsets.push(offset);
    const wide = zip64 || m.size >= 0xffffffff;
    const extra = wide ? z64([m.size, m.data.length]) : new Uint8Array(0);
    if (m.sameAs === undefined) put(
      rec(30, (v) => {
        v.setUint32(0, 0x04034b50, true);
        v.setUint16(4, 45, true);
        v.setUint16(6, 0x800, true);
        v.setUint16(8, m.method, true);
        v.setUint32(18, big(m.data.length), true);
        v.setUint32(22, big(m.size), true);
        v.setUint16(26, name.length, true);
        v.setUint16(28, extra.length, true);
      }),
    );
    if (m.sameAs === undefined) [name, extra, m.data].forEach(put);
    const cExtra = wide ? z64(zip64 ? [m.size, m.data.length, offset] : [m.size, m.data.length]) : new Uint8Array(0);
    central.push(
      rec(46, (v) => {
        v.setUint32(0, 0x02014b50, true);
        v.setUint16(4, 0x032d, true);
        v.setUint16(6, 45, true);
        v.setUint16(8, 0x800, true);
        v.setUint16(10, m.method, true);
        v.setUint32(20, big(m.data.length), true);
        v.setUint32(24, big(m.size), true);
        v.setUint16(28, name.length, true);
        v.setUint16(30, cExtra.length, true);
        v.setUint32(42, zip64 ? 0xffffffff : offset, true);
      }),
      name,
      cExtra,
    );
  }
  const cdStart = at;
  central.forEach(put);
  const cdSize = at - cdStart;
  if (zip64) {
    const eocd64 = at;
    put(
      rec(56, (v) => {
        v.setUint32(0, 0x06064b50, true);
        v.setBigUint64(4, 44n, true);
        v.setBigUint64(24, BigInt(members.length), true);
        v.setBigUint64(32, BigInt(members.length), true);
        v.setBigUint64(40, BigInt(cdSize), true);
        v.setBigUint64(48, BigInt(cdStart), true);
      }),
    );
    put(rec(20, (v) => (v.setUint32(0, 0x07064b50, true), v.setBigUint64(8, BigInt(eocd64), true), v.setUint32(16, 1, true))));
  }
  put(
    rec(22, (v) => {
      v.setUint32(0, 0x06054b50, true);
      v.setUint16(8, zip64 ? 0xffff : members.length, true);
      v.setUint16(10, zip64 ? 0xffff : members.length, true);
      v.setUint32(12, zip64 ? 0xffffffff : cdSize, true);
      v.setUint32(16, zip64 ? 0xffffffff : cdStart, true);
    }),
  );
  const out = new Uint8Array(at);
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
}

const MiB = 2 ** 20;
const rawDeflate = (b: Uint8Array) => deflateSync(b, { level: 9 });
const member = (name: string, npy: Uint8Array, method: 0 | 8 = 8): RawMember => ({ name, data: method === 8 ? rawDeflate(npy) : npy, method, size: npy.length });

/**
 * A deflate stream of `header` followed by `mib` MiB of zeros, built without compressing them all: one MiB of zeros
 * is deflated once in a fresh stream ending in a sync flush (byte-aligned, not final) and repeated. Its
 * back-references stay inside its own zeros, so every copy inflates to the same MiB.
 */
function bombStream(header: Uint8Array, mib: number): Uint8Array {
  const piece = (b: Uint8Array) => new Uint8Array(deflateRawSync(b, { level: 9, finishFlush: zlib.Z_SYNC_FLUSH }));
  const head = piece(header);
  const zeros = piece(new Uint8Array(MiB));
  const out = new Uint8Array(head.length + zeros.length * mib + 2);
  out.set(head);
  for (let i = 0; i < mib; i++) out.set(zeros, head.length + i * zeros.length);
  out.set([0x03, 0x00], out.length - 2); // an empty final block (fixed Huffman, end of block)
  return out;
}

/** The 128-byte .npy header of a uint8 array of `n` values, without the data (numpy's layout, as writeNpy writes it). */
const u8Header = (n: number) => {
  const h = String.fromCharCode(...writeNpy('uint8', [1], Uint8Array.of(0)).subarray(0, 128));
  const text = h.replace('(1,), }', `(${n},), }`).replace(`${' '.repeat(String(n).length - 1)}\n`, '\n');
  expect(text.length).toBe(128);
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
};

function failure(f: () => unknown): { code: ErrorCode; message: string } {
  try {
    f();
  } catch (e) {
    if (!isParetoError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a ParetoError');
}

describe('readNpz: bombs', () => {
  const GIB_4 = 4000; // MiB of zeros: a 4.2 GB member from about 4 MB
  const bomb = (header: Uint8Array) => bombStream(header, GIB_4);

  it('the bomb is real: a small one inflates to exactly header + N MiB', () => {
    const small = bombStream(u8Header(5), 3);
    const out = inflateSync(small);
    expect(out.length).toBe(128 + 3 * MiB);
    expect(out.subarray(128).every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(out.subarray(0, 128))).toContain("'shape': (5,)");
    const full = bomb(u8Header(5));
    expect(full.length).toBeLessThan(5e6);
  });

  it('stops a member whose .npy header declares 5 bytes but inflates to 4.2 GB, within 16.5 MiB of output', () => {
    const data = bomb(u8Header(5));
    const stats: NpzStats = { bytesInflated: 0, bytesRead: 0 };
    const file = zip([{ name: 'x.npy', data, method: 8, size: 128 + GIB_4 * MiB }]);
    const e = failure(() => readNpz(file, 'bomb.npz', { stats }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toBe('bomb.npz, array "x" inflates past the 133 bytes its .npy header declares; the archive is damaged or hostile (reading stopped).');
    expect(stats.bytesInflated).toBeGreaterThan(133);
    expect(stats.bytesInflated).toBeLessThan(17 * MiB);
  });

  it('refuses a member whose header declares 4.2 GB (over the 512 MiB cap) before inflating its data', () => {
    const n = GIB_4 * MiB;
    const stats: NpzStats = { bytesInflated: 0, bytesRead: 0 };
    const file = zip([{ name: 'x.npy', data: bomb(u8Header(n)), method: 8, size: 128 + n }]);
    const e = failure(() => readNpz(file, 'bomb.npz', { stats }));
    expect(NPZ_MAX_BYTES).toBe(512 * MiB);
    expect(e.code).toBe('too-large');
    expect(e.message).toBe(
      `bomb.npz, array "x" declares ${128 + n} bytes (4000 MiB), more than the 512 MiB left of the cap for this archive; reading stopped.`,
    );
    expect(stats.bytesInflated).toBeLessThan(17 * MiB);
  });

  it('stops at the header-declared size when that is under the cap but the data goes on', () => {
    const n = 6 * MiB;
    const stats: NpzStats = { bytesInflated: 0, bytesRead: 0 };
    const file = zip([{ name: 'x.npy', data: bomb(u8Header(n)), method: 8, size: 128 + GIB_4 * MiB }]);
    const e = failure(() => readNpz(file, 'bomb.npz', { maxBytes: 8 * MiB, stats }));
    expect(e.message).toMatch(/array "x" inflates past the 6291584 bytes its \.npy header declares/);
    expect(stats.bytesInflated).toBeGreaterThan(n);
    expect(stats.bytesInflated).toBeLessThan(n + 17 * MiB);
  });

  it('stops at the size the archive declares', () => {
    const npy = writeNpy('uint8', [4 * MiB], new Uint8Array(4 * MiB));
    const stats: NpzStats = { bytesInflated: 0, bytesRead: 0 };
    const file = zip([{ ...member('x.npy', npy), size: 1000 }]);
    expect(failure(() => readNpz(file, 'a.npz', { stats })).message).toBe(
      'a.npz, array "x" inflates past the 1000 bytes the archive declares for it; the archive is damaged or hostile.',
    );
    expect(stats.bytesInflated).toBeLessThan(17 * MiB);
  });

  it('caps all arrays together, stored or deflated, and the number of arrays', () => {
    const npy = writeNpy('uint8', [3 * MiB], new Uint8Array(3 * MiB));
    for (const method of [0, 8] as const) {
      const file = zip([member('a.npy', npy, method), member('b.npy', npy, method)]);
      expect(Object.keys(readNpz(file, 'two.npz', { maxBytes: 7 * MiB }))).toEqual(['a', 'b']);
      const e = failure(() => readNpz(file, 'two.npz', { maxBytes: 5 * MiB }));
      expect(e.code).toBe('too-large');
      expect(e.message).toMatch(/^two\.npz, array "b" (is|declares) 3145856 bytes \(3 MiB\), more than the 2 MiB left of the cap/);
    }
    // Central directory entries that all point at the same member's data count once each.
    const m = member('a.npy', npy);
    const overlapping = zip([m, ...Array.from({ length: 200 }, (_, i) => ({ ...m, name: `b${i}.npy`, sameAs: 0 }))]);
    const stats: NpzStats = { bytesInflated: 0, bytesRead: 0 };
    const e = failure(() => readNpz(overlapping, 'o.npz', { maxBytes: 10 * MiB, stats }));
    expect(e.message).toMatch(/^o\.npz, array "b2" declares 3145856 bytes \(3 MiB\), more than the 1 MiB left of the cap/);
    expect(stats.bytesInflated).toBeLessThan(13 * MiB); // three members read (9 MiB) and the first step of the fourth
    const small = writeNpy('uint8', [2], Uint8Array.from([1, 2]));
    const many = zip(Array.from({ length: 5 }, (_, i) => member(`m${i}.npy`, small)));
    expect(Object.keys(readNpz(many, 'm.npz', { maxArrays: 5 }))).toHaveLength(5);
    expect(failure(() => readNpz(many, 'm.npz', { maxArrays: 4 })).message).toBe('m.npz holds 5 arrays; at most 4 are read.');
  });
});

describe('readNpz: layouts', () => {
  const arrays: Record<string, NpyArray> = {
    x: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    y: { dtype: 'int64', shape: [2], data: BigInt64Array.from([7n, -1n]) },
  };
  it('reads stored and deflated members with numpy-style and full zip64 records', () => {
    for (const zip64 of [false, true]) {
      for (const method of [0, 8] as const) {
        const file = zip(
          Object.entries(arrays).map(([k, a]) => member(`${k}.npy`, writeNpy(a.dtype, a.shape, a.data), method)),
          zip64,
        );
        const stats: NpzStats = { bytesInflated: 0, bytesRead: 0 };
        const back = readNpz(file, 'ok.npz', { stats });
        expect(back.x).toEqual(arrays.x);
        expect(back.y).toEqual(arrays.y);
        expect(stats.bytesRead).toBe(128 + 24 + 128 + 16);
        expect(stats.bytesInflated).toBe(method === 8 ? stats.bytesRead : 0);
      }
    }
  });
  it('names a member that is truncated, not deflate, not .npy, or uses another compression', () => {
    const npy = writeNpy('float32', [4], Float32Array.from([1, 2, 3, 4]));
    const short = failure(() => readNpz(zip([{ name: 'x.npy', data: rawDeflate(npy.subarray(0, 140)), method: 8, size: npy.length }]), 'a.npz'));
    expect(short.message).toMatch(/^a\.npz, array "x": The \.npy data is 12 bytes but shape \(4\) of float32 needs 16 bytes \(the file is truncated\)/);
    expect(failure(() => readNpz(zip([{ name: 'x.npy', data: Uint8Array.from([0xff, 0xff, 0xff]), method: 8, size: 99 }]), 'a.npz')).message).toMatch(
      /^a\.npz could not be unzipped \(.+\)/,
    );
    expect(failure(() => readNpz(zip([member('x.npy', new Uint8Array(300))]), 'a.npz')).message).toMatch(/^a\.npz, array "x": Not a NumPy \.npy file/);
    expect(failure(() => readNpz(zip([{ name: 'x.npy', data: npy, method: 12 as 0, size: npy.length }]), 'a.npz')).message).toMatch(
      /array "x" uses zip compression method 12; only stored and deflate/,
    );
    const twice = zip([member('x.npy', npy), member('x.npy', npy)]);
    expect(failure(() => readNpz(twice, 'a.npz')).message).toBe('a.npz, array "x": the archive holds two members named "x.npy".');
  });
});

describe('readNpz: names', () => {
  it('reads members named after Object.prototype properties as ordinary arrays, into a null-prototype record', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
    const input = Object.create(null) as Record<string, NpyArray>;
    names.forEach((n, i) => (input[n] = { dtype: 'int32', shape: [1], data: Int32Array.from([i]) }));
    for (const compress of [false, true]) {
      const back = readNpz(writeNpz(input, { compress }), 'p.npz');
      expect(Object.getPrototypeOf(back)).toBeNull();
      expect(Object.keys(back).sort()).toEqual([...names].sort());
      names.forEach((n, i) => expect(Array.from(back[n].data as Int32Array)).toEqual([i]));
      expect('isPrototypeOf' in back).toBe(false);
    }
  });
  it('keeps messages short for huge member names', () => {
    const npy = writeNpy('uint8', [1], Uint8Array.from([1]));
    const long = 'n'.repeat(60000);
    const refused = failure(() => readNpz(zip([member(`${long}.npy`, npy)]), 'a.npz'));
    expect(refused.message).toMatch(/^a\.npz, array "n+…" \(60000 characters\): the member name is 60004 characters; at most 256 are accepted\.$/);
    expect(refused.message.length).toBeLessThan(300);
    const name = `${'\u001b[31m'.repeat(50)}.npy`;
    const odd = failure(() => readNpz(zip([member(name, new Uint8Array(64))]), 'a.npz'));
    expect(odd.message.length).toBeLessThan(300);
    expect(odd.message).not.toContain('\u001b');
    expect(odd.message).toMatch(/"(\\u001b\[31m){7}\\u001b\[31…" \(250 characters\): Not a NumPy/);
  });
});
