import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParetoError } from '../errors';
import { NPY_MAX_HEADER_BYTES, readNpy, readNpyHeader, writeNpy, type NpyData, type NpyDtype } from './npy';

/** Files written by NumPy 2.4 (np.save / np.lib.format.write_array), base64. */
const NUMPY = {
  // np.arange(6, dtype='<f4').reshape(2, 3) / 4
  f32: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8=',
  // np.array([-1, 0, 2**40], dtype='<i8')
  i64: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//////////wAAAAAAAAAAAAAAAAABAAA=',
  // np.array([[1, 2], [3, 255]], dtype='u1')
  u8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAgP/',
  // np.array([True, False, True])
  bool: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
  // write_array(f, np.array([1.5, -2.25]), version=(2, 0))
  f64v2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAALA',
  // np.array(3.5, dtype='<f4')
  scalar: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAGBA',
  // np.zeros((0, 3), dtype='<i4')
  empty: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=',
  // np.array([-128, 127], dtype='i1')
  i8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAfw==',
  // np.array([1, 2], dtype='>i4')
  bigEndian: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAABAAAAAg==',
  // np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3))
  fortran: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAAAQAAAoEA=',
  // np.array([1 + 2j], dtype='<c8')
  complex: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGM4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQA==',
};

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const enc = (s: string) => new TextEncoder().encode(s);

/** Build an .npy by hand (v1.0) from a header dict and raw data bytes. */
function handMade(dict: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const len = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  const header = dict.padEnd(len - 1, ' ') + '\n';
  const out = new Uint8Array(prefix + len + data.length);
  out.set([0x93, ...enc('NUMPY'), major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, len, true);
  else view.setUint32(8, len, true);
  out.set(enc(header), prefix);
  out.set(data, prefix + len);
  return out;
}

function expectBadInput(fn: () => unknown, pattern: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(isParetoError(e) && e.code).toBe('bad-input');
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a ParetoError');
}

describe('readNpy: files written by NumPy', () => {
  it('float32 2-D', () => {
    const a = readNpy(b64(NUMPY.f32));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data as Float32Array)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
  });
  it('int64', () => {
    const a = readNpy(b64(NUMPY.i64));
    expect(a.dtype).toBe('int64');
    expect(a.shape).toEqual([3]);
    expect(Array.from(a.data as BigInt64Array)).toEqual([-1n, 0n, 2n ** 40n]);
  });
  it('uint8, int8, bool', () => {
    const u = readNpy(b64(NUMPY.u8));
    expect([u.dtype, u.shape, Array.from(u.data as Uint8Array)]).toEqual(['uint8', [2, 2], [1, 2, 3, 255]]);
    const i = readNpy(b64(NUMPY.i8));
    expect([i.dtype, i.shape, Array.from(i.data as Int8Array)]).toEqual(['int8', [2], [-128, 127]]);
    expect(i.data).toBeInstanceOf(Int8Array);
    const b = readNpy(b64(NUMPY.bool));
    expect([b.dtype, b.shape, Array.from(b.data as Uint8Array)]).toEqual(['bool', [3], [1, 0, 1]]);
  });
  it('version 2.0 header, float64', () => {
    const a = readNpy(b64(NUMPY.f64v2));
    expect(a.dtype).toBe('float64');
    expect(Array.from(a.data as Float64Array)).toEqual([1.5, -2.25]);
  });
  it('scalar and empty arrays', () => {
    const s = readNpy(b64(NUMPY.scalar));
    expect(s.shape).toEqual([]);
    expect(Array.from(s.data as Float32Array)).toEqual([3.5]);
    const e = readNpy(b64(NUMPY.empty));
    expect(e.dtype).toBe('int32');
    expect(e.shape).toEqual([0, 3]);
    expect(e.data.length).toBe(0);
  });
  it('int32 and version 3.0 (utf-8 header), keys in any order, Python 2 longs', () => {
    const data = new Uint8Array(new Int32Array([7, -8, 9]).buffer);
    const a = readNpy(handMade("{'shape': (3L,), 'fortran_order': False, 'descr': '<i4'}", data, 3));
    expect([a.dtype, a.shape, Array.from(a.data as Int32Array)]).toEqual(['int32', [3], [7, -8, 9]]);
  });
  it('writeNpy produces the same bytes as np.save', () => {
    const same = (name: keyof typeof NUMPY, dtype: NpyDtype) => {
      const a = readNpy(b64(NUMPY[name]));
      expect(writeNpy(dtype, a.shape, a.data)).toEqual(b64(NUMPY[name]));
    };
    same('f32', 'float32');
    same('i64', 'int64');
    same('u8', 'uint8');
    same('bool', 'bool');
    same('scalar', 'float32');
    same('empty', 'int32');
    same('i8', 'int8');
  });
});

describe('readNpy: errors', () => {
  it('rejects a file that is not .npy', () => {
    expectBadInput(() => readNpy(enc('PK\x03\x04 this is a zip')), /Not a NumPy \.npy file/);
    expectBadInput(() => readNpy(new Uint8Array(3)), /Not a NumPy/);
  });
  it('rejects Fortran order', () => {
    expectBadInput(() => readNpy(b64(NUMPY.fortran)), /Fortran/);
  });
  it('rejects big-endian data', () => {
    expectBadInput(() => readNpy(b64(NUMPY.bigEndian)), /big-endian/);
  });
  it('rejects unsupported dtypes', () => {
    expectBadInput(() => readNpy(b64(NUMPY.complex)), /Unsupported \.npy dtype "<c8"/);
    expectBadInput(() => readNpy(handMade("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(20))), /Unsupported/);
    expectBadInput(
      () => readNpy(handMade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4))),
      /structured/,
    );
  });
  it('rejects data that does not match the shape', () => {
    const good = b64(NUMPY.f32);
    expectBadInput(() => readNpy(good.subarray(0, good.length - 4)), /needs 24 bytes \(the file is truncated\)/);
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expectBadInput(() => readNpy(longer), /is 28 bytes but shape \(2, 3\) of float32 needs 24 bytes/);
  });
  it('rejects unknown versions and truncated headers', () => {
    const v9 = b64(NUMPY.f32);
    v9[6] = 9;
    expectBadInput(() => readNpy(v9), /version 9\.0/);
    expectBadInput(() => readNpy(b64(NUMPY.f32).subarray(0, 40)), /truncated/);
  });
});

describe('readNpy: hostile headers', () => {
  const dict = (shape: string, descr = '<f4') => `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  it('names negative, NaN and non-numeric dimensions', () => {
    expectBadInput(() => readNpy(handMade(dict('(-3, 4)'))), /^Dimension "-3" in the \.npy shape is negative\.$/);
    expectBadInput(() => readNpy(handMade(dict('(2, nan)'))), /^Bad dimension "nan" in the \.npy shape \(dimensions are whole numbers ≥ 0\)\.$/);
    expectBadInput(() => readNpy(handMade(dict('(2.5,)'))), /Bad dimension "2\.5"/);
    expectBadInput(() => readNpy(handMade(dict('(1e3,)'))), /Bad dimension "1e3"/);
    expectBadInput(() => readNpy(handMade(dict('(99999999999999999999,)'))), /Dimension "99999999999999999999" in the \.npy shape is too large/);
  });
  it('refuses shapes whose byte size overflows, before looking at the data', () => {
    const big = 2 ** 40;
    expectBadInput(() => readNpy(handMade(dict(`(${big}, ${big})`))), /^The \.npy shape \(1099511627776, 1099511627776\) of float32 declares more than 2\^53 bytes/);
    expectBadInput(() => readNpy(handMade(dict(`(${2 ** 51}, 4)`, '|u1'))), /declares more than 2\^53 bytes/);
    // A zero dimension makes an empty array, whatever the others say.
    const empty = readNpy(handMade(dict(`(${big}, ${big}, 0)`)));
    expect(empty.shape).toEqual([big, big, 0]);
    expect(empty.data.length).toBe(0);
    // Large but representable: the data present decides, with the exact count.
    expectBadInput(() => readNpy(handMade(dict(`(${big},)`))), /^The \.npy data is 0 bytes but shape \(1099511627776\) of float32 needs 4398046511104 bytes \(the file is truncated\)\.$/);
  });
  it('refuses an absurd header length before reading it', () => {
    expect(NPY_MAX_HEADER_BYTES).toBe(2 ** 20);
    const file = handMade(dict('(1,)'), new Uint8Array(4), 2);
    new DataView(file.buffer).setUint32(8, 0xfffffff0, true);
    expectBadInput(() => readNpy(file), /^The \.npy header declares 4294967280 bytes; headers over 1048576 bytes are refused/);
    expectBadInput(() => readNpyHeader(file.subarray(0, 12)), /headers over 1048576 bytes are refused/);
  });
  it('reads the header alone from a prefix of the file', () => {
    const file = writeNpy('int32', [3, 5], new Int32Array(15));
    expect(readNpyHeader(file.subarray(0, 128))).toEqual({ dtype: 'int32', shape: [3, 5], dataStart: 128, dataBytes: 60, byteLength: 188 });
    expectBadInput(() => readNpyHeader(file.subarray(0, 100)), /truncated in its header/);
  });
  it('keeps messages short for huge descrs, dimensions, headers and shapes', () => {
    const long = 'x'.repeat(1_000_000);
    const messages: string[] = [];
    const collect = (bytes: Uint8Array) => {
      try {
        readNpy(bytes);
      } catch (e) {
        expect(isParetoError(e)).toBe(true);
        messages.push((e as Error).message);
        return;
      }
      throw new Error('expected an error');
    };
    collect(handMade(dict('(1,)', long), new Uint8Array(4), 2));
    collect(handMade(dict(`(${long},)`), new Uint8Array(4), 2));
    collect(handMade(`[${long}]`, new Uint8Array(4), 2));
    collect(handMade(dict(`(${'-'.repeat(900_000)}1,)`), new Uint8Array(4), 2));
    const rank = writeNpy('uint8', Array.from({ length: 30000 }, () => 1), new Uint8Array(1));
    collect(rank.subarray(0, rank.length - 1));
    expect(messages).toHaveLength(5);
    for (const m of messages) expect(m.length).toBeLessThan(300);
    expect(messages[0]).toMatch(/^Unsupported \.npy dtype "x+…" \(1000000 characters\)/);
    expect(messages[4]).toMatch(/^The \.npy data is 0 bytes but shape \(1, 1, 1, [1, ]*… \(rank 30000\) of uint8 needs 1 bytes/);
  });
});

describe('readNpy: alignment', () => {
  it('views aligned data and copies unaligned data', () => {
    const file = b64(NUMPY.i64);
    const aligned = readNpy(file);
    expect(aligned.data.buffer).toBe(file.buffer);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const a = readNpy(shifted.subarray(1));
    expect(a.data.byteOffset % 8).toBe(0);
    expect(a.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(a.data as BigInt64Array)).toEqual([-1n, 0n, 2n ** 40n]);
  });
});

describe('writeNpy', () => {
  it('pads the header so data starts at a multiple of 64', () => {
    for (const shape of [[], [1], [12345, 1, 28, 28], Array.from({ length: 20 }, () => 1)]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const bytes = writeNpy('float32', shape, new Float32Array(n));
      const headerLen = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLen) % 64).toBe(0);
      expect(bytes[10 + headerLen - 1]).toBe(0x0a);
      expect(bytes.length).toBe(10 + headerLen + 4 * n);
    }
  });
  it('uses a version 2.0 header when the header does not fit in 64 KiB', () => {
    const shape = Array.from({ length: 30000 }, () => 1);
    const bytes = writeNpy('uint8', shape, new Uint8Array([42]));
    expect(bytes[6]).toBe(2);
    const a = readNpy(bytes);
    expect(a.shape.length).toBe(30000);
    expect(Array.from(a.data as Uint8Array)).toEqual([42]);
  });
  it('rejects data that does not fit the shape or dtype', () => {
    expectBadInput(() => writeNpy('float32', [2, 2], new Float32Array(3)), /holds 4 values but data has 3/);
    expectBadInput(() => writeNpy('int64', [1], new Float32Array(1)), /BigInt64Array/);
    expectBadInput(() => writeNpy('float32', [-1], new Float32Array(0)), /bad dimension/);
  });
});

const typed = (dtype: NpyDtype, n: number): fc.Arbitrary<NpyData> => {
  const c = { minLength: n, maxLength: n };
  switch (dtype) {
    case 'float32':
      return fc.float32Array(c);
    case 'float64':
      return fc.float64Array(c);
    case 'int64':
      return fc.bigInt64Array(c);
    case 'int32':
      return fc.int32Array(c);
    case 'int8':
      return fc.int8Array(c);
    case 'uint8':
      return fc.uint8Array(c);
    case 'bool':
      return fc.uint8Array({ ...c, max: 1 });
  }
};

const bytesOf = (d: NpyData) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

describe('writeNpy → readNpy round trip (property)', () => {
  it('gives back dtype, shape and the exact bytes, aligned or not', () => {
    const dtypes: NpyDtype[] = ['float32', 'float64', 'int64', 'int32', 'uint8', 'int8', 'bool'];
    const arb = fc
      .record({ dtype: fc.constantFrom(...dtypes), shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }) })
      .chain(({ dtype, shape }) =>
        fc.record({
          dtype: fc.constant(dtype),
          shape: fc.constant(shape),
          data: typed(dtype, shape.reduce((a, b) => a * b, 1)),
          shift: fc.integer({ min: 0, max: 7 }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ dtype, shape, data, shift }) => {
        const file = writeNpy(dtype, shape, data);
        const buf = new Uint8Array(file.length + shift);
        buf.set(file, shift);
        const back = readNpy(buf.subarray(shift));
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(back.data.constructor).toBe(data.constructor);
        expect(back.data.byteOffset % (back.data as { BYTES_PER_ELEMENT: number } & NpyData).BYTES_PER_ELEMENT).toBe(0);
        expect(bytesOf(back.data)).toEqual(bytesOf(data));
      }),
      { numRuns: 300 },
    );
  });
});
