import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { isParetoError } from '../errors';
import { writeNpy } from './npy';
import { readNpz, writeNpz } from './npz';

/** Archives written by NumPy 2.4 (zip64 extra fields on every member), base64. */
const NPZ = {
  // np.savez(f, x=np.arange(12, dtype='<f4').reshape(3, 4) / 8, y=np.array([2, 0, 1]))
  savez: 'UEsDBC0AAAAAAAAAIQA6IyRt//////////8FABQAeC5ucHkBABAAsAAAAAAAAACwAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCA0KSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAAD4AAIA+AADAPgAAAD8AACA/AABAPwAAYD8AAIA/AACQPwAAoD8AALA/UEsDBC0AAAAAAAAAIQCKGs4T//////////8FABQAeS5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAgAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAUEsBAi0DLQAAAAAAAAAhADojJG2wAAAAsAAAAAUAAAAAAAAAAAAAAIABAAAAAHgubnB5UEsBAi0DLQAAAAAAAAAhAIoazhOYAAAAmAAAAAUAAAAAAAAAAAAAAIAB5wAAAHkubnB5UEsFBgAAAAACAAIAZgAAALYBAAAAAA==',
  // np.savez_compressed(f, inputs=x, labels=y)
  compressed: 'UEsDBC0AAAAIAAAAIQA6IyRt//////////8KABQAaW5wdXRzLm5weQEAEACwAAAAAAAAAGYAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaxjoKJpo6CrUKZAMuBgiwY2BoAOIDQMxgz8CgAMQOQJwAxA1APAGIFwDxBnsAUEsDBC0AAAAIAAAAIQCKGs4T//////////8KABQAbGFiZWxzLm5weQEAEACYAAAAAAAAAEoAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaxjqaOgq1ChQALiYGVMAIpQFQSwECLQMtAAAACAAAACEAOiMkbWYAAACwAAAACgAAAAAAAAAAAAAAgAEAAAAAaW5wdXRzLm5weVBLAQItAy0AAAAIAAAAIQCKGs4TSgAAAJgAAAAKAAAAAAAAAAAAAACAAaIAAABsYWJlbHMubnB5UEsFBgAAAAACAAIAcAAAACgBAAAAAA==',
  // np.savez(f, x, y): positional arrays arr_0, arr_1
  positional: 'UEsDBC0AAAAAAAAAIQA6IyRt//////////8JABQAYXJyXzAubnB5AQAQALAAAAAAAAAAsAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgAAAAAAAAA+AACAPgAAwD4AAAA/AAAgPwAAQD8AAGA/AACAPwAAkD8AAKA/AACwP1BLAwQtAAAAAAAAACEAihrOE///////////CQAUAGFycl8xLm5weQEAEACYAAAAAAAAAJgAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoCAAAAAAAAAAAAAAAAAAAAAQAAAAAAAABQSwECLQMtAAAAAAAAACEAOiMkbbAAAACwAAAACQAAAAAAAAAAAAAAgAEAAAAAYXJyXzAubnB5UEsBAi0DLQAAAAAAAAAhAIoazhOYAAAAmAAAAAkAAAAAAAAAAAAAAIAB6wAAAGFycl8xLm5weVBLBQYAAAAAAgACAG4AAAC+AQAAAAA=',
  // np.savez(f, x=x, o=np.array([{'a': 1}], dtype=object))
  object: 'UEsDBC0AAAAAAAAAIQA6IyRt//////////8FABQAeC5ucHkBABAAsAAAAAAAAACwAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCA0KSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAAD4AAIA+AADAPgAAAD8AACA/AABAPwAAYD8AAIA/AACQPwAAoD8AALA/UEsDBC0AAAAAAAAAIQBz6pFw//////////8FABQAby5ucHkBABAAHQEAAAAAAAAdAQAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3xPJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKgASVkgAAAAAAAACMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsBhZRoA4wFZHR5cGWUk5SMAk84lImIh5RSlChLA4wBfJROTk5K/////0r/////Sz90lGKJXZR9lIwBYZRLAXNhdJRiLlBLAQItAy0AAAAAAAAAIQA6IyRtsAAAALAAAAAFAAAAAAAAAAAAAACAAQAAAAB4Lm5weVBLAQItAy0AAAAAAAAAIQBz6pFwHQEAAB0BAAAFAAAAAAAAAAAAAACAAecAAABvLm5weVBLBQYAAAAAAgACAGYAAAA7AgAAAAA=',
};

const bytes = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));
const X = Array.from({ length: 12 }, (_, i) => i / 8);

describe('readNpz', () => {
  it('reads np.savez (stored, zip64)', () => {
    const a = readNpz(bytes(NPZ.savez));
    expect(Object.keys(a).sort()).toEqual(['x', 'y']);
    expect(a.x).toMatchObject({ dtype: 'float32', shape: [3, 4] });
    expect(Array.from(a.x.data as Float32Array)).toEqual(X);
    expect(a.y).toMatchObject({ dtype: 'int64', shape: [3] });
    expect(Array.from(a.y.data as BigInt64Array)).toEqual([2n, 0n, 1n]);
  });

  it('reads np.savez_compressed (deflate) and positional names', () => {
    const c = readNpz(bytes(NPZ.compressed));
    expect(Array.from(c.inputs.data as Float32Array)).toEqual(X);
    expect(Array.from(c.labels.data as BigInt64Array)).toEqual([2n, 0n, 1n]);
    const p = readNpz(bytes(NPZ.positional));
    expect(Object.keys(p).sort()).toEqual(['arr_0', 'arr_1']);
  });

  it('round-trips writeNpz, stored and compressed', () => {
    const arrays = {
      a: { dtype: 'float64' as const, shape: [2], data: Float64Array.from([1.5, -2]) },
      b: { dtype: 'uint8' as const, shape: [2, 2], data: Uint8Array.from([1, 2, 3, 4]) },
    };
    for (const compress of [false, true]) {
      const back = readNpz(writeNpz(arrays, { compress }));
      expect(back.a).toEqual(arrays.a);
      expect(back.b).toEqual(arrays.b);
    }
  });

  it('names the array that cannot be read, and refuses what is not an .npz', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isParetoError(e) && e.code === 'bad-input').toBe(true);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(() => readNpz(bytes(NPZ.object), 'data.npz'))).toMatch(/data\.npz, array "o": Unsupported \.npy dtype "\|O"/);
    expect(err(() => readNpz(new TextEncoder().encode('a,b\n1,2\n'), 'data.npz'))).toMatch(/data\.npz is not a NumPy \.npz file/);
    expect(err(() => readNpz(writeNpy('float32', [1], Float32Array.from([1])), 'x.npz'))).toMatch(/is an \.npy file, not an \.npz/);
    const good = bytes(NPZ.compressed);
    expect(err(() => readNpz(good.subarray(0, good.length - 30), 'cut.npz'))).toMatch(/cut\.npz could not be unzipped/);
    expect(err(() => readNpz(zipSync({ 'readme.txt': new Uint8Array([65]) }), 'empty.npz'))).toMatch(/holds no arrays/);
  });
});
