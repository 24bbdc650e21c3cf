import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ort } from '../../../runtimes/ort-node';
import { create } from '@bufbuild/protobuf';
import { isParetoError, type ParetoError } from '../../errors';
import { floatToHalfBits, initializerIdentityModel, randomFloats, toExternal, toTypedFields } from '../../testing/fixtures';
import * as build from './builder';
import { DataType, TensorProtoSchema, type TensorProto } from './proto';
import { readOnnx } from './read';
import {
  elementCount,
  float32Data,
  normaliseLocation,
  tensorByteLength,
  tensorBytes,
  tensorToNumbers,
  type ExternalData,
} from './tensor';
import { writeOnnx } from './write';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pareto-tensor-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function thrown(f: () => unknown): ParetoError {
  try {
    f();
  } catch (e) {
    if (isParetoError(e)) return e;
    throw new Error(`expected a ParetoError, got ${String(e)}`);
  }
  throw new Error('expected a throw');
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A model holding `t` (Identity to an output), written and read back: the tensor as a reader sees it. */
function readBack(t: TensorProto, files: Record<string, Uint8Array> = {}) {
  const bytes = writeOnnx(initializerIdentityModel(t));
  const read = readOnnx(bytes, { loadExternal: (loc) => files[loc] });
  return { bytes, read, tensor: read.proto.graph!.initializer[0] };
}

describe('raw_data at unaligned offsets', () => {
  const values = randomFloats(37, 9);

  it('float32Data is right at every offset mod 4: a view when aligned, a copy when not', () => {
    const seen = new Set<number>();
    for (let len = 1; len <= 4; len++) {
      // The graph name precedes the initializers: names of odd and even length shift raw_data within the file.
      const m = initializerIdentityModel(build.floatTensor('w', [37], values));
      m.graph!.name = 'g'.repeat(len);
      const bytes = writeOnnx(m);
      const tensor = readOnnx(bytes).proto.graph!.initializer[0];
      expect(tensor.rawData.buffer).toBe(bytes.buffer);
      const mod = tensor.rawData.byteOffset % 4;
      seen.add(mod);
      const data = float32Data(tensor);
      expect(Array.from(data)).toEqual(Array.from(values));
      if (mod === 0) expect(data.buffer).toBe(bytes.buffer);
      else expect(data.buffer).not.toBe(bytes.buffer);
      expect(Array.from(tensorToNumbers(tensor))).toEqual(Array.from(values));
    }
    expect(seen).toEqual(new Set([0, 1, 2, 3]));
  });

  it('float16, int64, float64 and int16 values are right at every offset mod 8', () => {
    const cases: [TensorProto, number[]][] = [
      [build.tensor('h', DataType.FLOAT16, [3], Uint16Array.of(floatToHalfBits(1.5), floatToHalfBits(-2), floatToHalfBits(65504))), [1.5, -2, 65504]],
      [build.tensor('i64', DataType.INT64, [3], BigInt64Array.of(-1n, 2n ** 40n, -(2n ** 50n))), [-1, 2 ** 40, -(2 ** 50)]],
      [build.tensor('f64', DataType.DOUBLE, [2], Float64Array.of(Math.PI, -1e-300)), [Math.PI, -1e-300]],
      [build.tensor('i16', DataType.INT16, [2], Int16Array.of(-32768, 1234)), [-32768, 1234]],
    ];
    for (const [t, expected] of cases) {
      const file = writeOnnx(initializerIdentityModel(t));
      const offsets = new Set<number>();
      for (let shift = 0; shift < 8; shift++) {
        // The whole file inside a bigger buffer: every raw_data view moves by `shift`.
        const host = new Uint8Array(file.length + 8);
        host.set(file, shift);
        const rt = readOnnx(host.subarray(shift, shift + file.length)).proto.graph!.initializer[0];
        expect(rt.rawData.buffer).toBe(host.buffer);
        offsets.add(rt.rawData.byteOffset % 8);
        expect(Array.from(tensorToNumbers(rt))).toEqual(expected);
      }
      expect(offsets.size).toBe(8);
    }
  });

  it('models and external files read from Node Buffers (as the CLI reads files) give plain views and right values', () => {
    // A Buffer's slice() is a view, not a copy: a reader that kept Buffer views gave float32Data the whole file's
    // bytes from offset 0 for unaligned tensors (wrong weights, wrong sparsity in the CLI).
    for (let len = 1; len <= 4; len++) {
      const m = initializerIdentityModel(build.floatTensor('w', [37], values));
      m.graph!.name = 'g'.repeat(len);
      const file = Buffer.from(writeOnnx(m));
      const tensor = readOnnx(file).proto.graph!.initializer[0];
      expect(tensor.rawData.constructor).toBe(Uint8Array);
      expect(tensor.rawData.buffer).toBe(file.buffer); // still no copy
      expect(Array.from(float32Data(tensor))).toEqual(Array.from(values));
    }
    const ext = toExternal(build.floatTensor('W', [37], values), 'w.bin', 7);
    const model = readOnnx(writeOnnx(initializerIdentityModel(ext.tensor)), { loadExternal: () => Buffer.from(ext.file) });
    const t = model.proto.graph!.initializer[0];
    expect(model.external.get('w.bin')!.constructor).toBe(Uint8Array);
    expect(Array.from(float32Data(t, model.external))).toEqual(Array.from(values));
  });

  it('float32 from an external file at an odd offset', () => {
    const ext = toExternal(build.floatTensor('W', [37], values), 'w.bin', 7);
    const files = new Map([['w.bin', ext.file]]);
    const data = float32Data(ext.tensor, files);
    expect(Array.from(data)).toEqual(Array.from(values));
    expect(tensorBytes(ext.tensor, files).buffer).toBe(ext.file.buffer); // a view of the file, not a copy
  });
});

/* --------------------------------------------------------------- storage forms --------------------------------------------------------------- */

interface Case {
  what: string;
  tensor: TensorProto;
  numbers: number[];
}

const CASES: Case[] = [
  { what: 'float32', tensor: build.floatTensor('T', [2, 2], Float32Array.of(1.5, -2, 3e-5, 7)), numbers: [1.5, -2, Math.fround(3e-5), 7] },
  { what: 'float64', tensor: build.tensor('T', DataType.DOUBLE, [3], Float64Array.of(1.5, -2, 1e300)), numbers: [1.5, -2, 1e300] },
  { what: 'int8', tensor: build.tensor('T', DataType.INT8, [3], Int8Array.of(-128, 5, 127)), numbers: [-128, 5, 127] },
  { what: 'uint8', tensor: build.tensor('T', DataType.UINT8, [3], Uint8Array.of(0, 200, 255)), numbers: [0, 200, 255] },
  { what: 'int16', tensor: build.tensor('T', DataType.INT16, [3], Int16Array.of(-32768, 5, 32767)), numbers: [-32768, 5, 32767] },
  { what: 'uint16', tensor: build.tensor('T', DataType.UINT16, [2], Uint16Array.of(7, 65535)), numbers: [7, 65535] },
  {
    what: 'float16',
    tensor: build.tensor('T', DataType.FLOAT16, [4], Uint16Array.of(floatToHalfBits(1.5), floatToHalfBits(-0.25), 0x0001, 0xfc00)),
    numbers: [1.5, -0.25, 2 ** -24, -Infinity],
  },
  { what: 'int32', tensor: build.tensor('T', DataType.INT32, [2], Int32Array.of(-5, 2 ** 31 - 1)), numbers: [-5, 2 ** 31 - 1] },
  { what: 'uint32', tensor: build.tensor('T', DataType.UINT32, [2], Uint32Array.of(5, 2 ** 32 - 1)), numbers: [5, 2 ** 32 - 1] },
  { what: 'int64', tensor: build.tensor('T', DataType.INT64, [2], BigInt64Array.of(-5n, 2n ** 40n)), numbers: [-5, 2 ** 40] },
  { what: 'uint64', tensor: build.tensor('T', DataType.UINT64, [2], BigUint64Array.of(5n, 2n ** 50n)), numbers: [5, 2 ** 50] },
  { what: 'bool', tensor: build.tensor('T', DataType.BOOL, [3], Uint8Array.of(1, 0, 1)), numbers: [1, 0, 1] },
];

/** onnxruntime's output bytes (bool and float16 come back as Uint8Array / Uint16Array, int64 as BigInt64Array). */
async function ortOutputBytes(source: Uint8Array | string): Promise<Uint8Array> {
  const session = typeof source === 'string' ? await ort.InferenceSession.create(source) : await ort.InferenceSession.create(source);
  try {
    const out = (await session.run({})).out;
    return new Uint8Array(bytesOf(out.data as ArrayBufferView));
  } finally {
    await session.release();
  }
}

describe('every storage form: raw_data, typed fields, external data (onnxruntime agrees)', () => {
  for (const c of CASES) {
    it(`${c.what}`, async () => {
      const raw = c.tensor.rawData;

      // raw_data
      const r = readBack(c.tensor);
      expect(tensorBytes(r.tensor)).toEqual(raw);
      expect(Array.from(tensorToNumbers(r.tensor))).toEqual(c.numbers);
      expect(await ortOutputBytes(r.bytes)).toEqual(raw);

      // typed field (float_data, int32_data, int64_data, double_data, uint64_data)
      const typed = toTypedFields(c.tensor);
      expect(typed.rawData.length).toBe(0);
      const t = readBack(typed);
      expect(tensorBytes(t.tensor)).toEqual(raw);
      expect(Array.from(tensorToNumbers(t.tensor))).toEqual(c.numbers);
      expect(await ortOutputBytes(t.bytes)).toEqual(raw);

      // external data, at an odd offset, loaded by onnxruntime from disk
      const location = `${c.what}.bin`;
      const ext = toExternal(c.tensor, location, 5);
      const e = readBack(ext.tensor, { [location]: ext.file });
      expect(tensorBytes(e.tensor, e.read.external)).toEqual(raw);
      expect(Array.from(tensorToNumbers(e.tensor, e.read.external))).toEqual(c.numbers);
      const modelPath = path.join(tmp, `${c.what}.onnx`);
      fs.writeFileSync(modelPath, e.bytes);
      fs.writeFileSync(path.join(tmp, location), ext.file);
      expect(await ortOutputBytes(modelPath)).toEqual(raw);
    });
  }

  it('float32Data reads typed float_data and external data too', () => {
    const values = randomFloats(10, 3);
    const t = build.floatTensor('W', [10], values);
    expect(Array.from(float32Data(toTypedFields(t)))).toEqual(Array.from(values));
    const ext = toExternal(t, 'a/b.bin', 1);
    expect(Array.from(float32Data(ext.tensor, new Map([['a/b.bin', ext.file]])))).toEqual(Array.from(values));
  });
});

describe('broken tensors fail clearly', () => {
  it('a typed field with too few values -> invalid-model (not silent zeros)', () => {
    const t = create(TensorProtoSchema, { name: 'W', dataType: DataType.FLOAT, dims: [2n, 2n], floatData: [1, 2, 3] });
    const e = thrown(() => tensorBytes(t));
    expect(e.code).toBe('invalid-model');
    expect(e.message).toBe('Tensor "W" declares 4 elements (dims [2, 2]) but its float_data holds 3 values where 4 are needed.');
  });

  it('a typed field with too many values -> invalid-model (not a RangeError)', () => {
    const t = create(TensorProtoSchema, { name: 'q', dataType: DataType.INT64, dims: [1n], int64Data: [1n, 2n] });
    const e = thrown(() => tensorToNumbers(t));
    expect(e.code).toBe('invalid-model');
    expect(e.message).toMatch(/int64_data holds 2 values where 1 is needed/);
  });

  it('no data at all -> invalid-model; an empty tensor is fine', () => {
    const t = create(TensorProtoSchema, { name: 'e', dataType: DataType.FLOAT, dims: [3n] });
    expect(thrown(() => float32Data(t)).message).toBe('Tensor "e" declares 3 elements but carries no data.');
    const empty = create(TensorProtoSchema, { name: 'z', dataType: DataType.FLOAT, dims: [0n, 4n] });
    expect(float32Data(empty).length).toBe(0);
  });

  it('raw_data shorter than the dims need -> invalid-model', () => {
    const t = build.tensor('s', DataType.FLOAT, [4], new Uint8Array(12));
    expect(thrown(() => float32Data(t)).code).toBe('invalid-model');
    expect(thrown(() => tensorToNumbers(t)).message).toMatch(/has 12 bytes of data; it needs 16/);
  });

  it('float32Data of another dtype -> bad-input', () => {
    const e = thrown(() => float32Data(build.tensor('i', DataType.INT8, [1], Int8Array.of(1))));
    expect(e.code).toBe('bad-input');
    expect(e.message).toMatch(/is int8, not float32/);
  });

  it('external data: file not given -> missing-external-data; range past its end -> invalid-model', () => {
    const ext = toExternal(build.floatTensor('W', [4], Float32Array.of(1, 2, 3, 4)), 'w.bin', 4);
    const none: ExternalData = new Map();
    const e1 = thrown(() => tensorBytes(ext.tensor, none));
    expect(e1.code).toBe('missing-external-data');
    expect(e1.message).toContain('"w.bin"');
    const e2 = thrown(() => tensorBytes(ext.tensor, new Map([['w.bin', ext.file.subarray(0, 10)]])));
    expect(e2.code).toBe('invalid-model');
    expect(e2.message).toMatch(/reads bytes 4\.\.20 of "w\.bin", but that file has only 10 bytes/);
  });
});

describe('values and sizes', () => {
  it('float16 special values decode exactly', () => {
    const bits = [0x0000, 0x8000, 0x3c00, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0xc000];
    const t = build.tensor('h', DataType.FLOAT16, [bits.length], Uint16Array.from(bits));
    const got = Array.from(tensorToNumbers(t));
    const want = [0, -0, 1, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 65504, Infinity, -Infinity, NaN, -2];
    got.forEach((v, i) => expect(Object.is(v, want[i]), `bits 0x${bits[i].toString(16)}: ${v}`).toBe(true));
  });

  it('bfloat16 decodes', () => {
    const t = build.tensor('b', DataType.BFLOAT16, [2], Uint16Array.of(0x3f80, 0xc040));
    expect(Array.from(tensorToNumbers(t))).toEqual([1, -3]);
  });

  it('element counts and byte lengths, packed 4-bit types included', () => {
    const scalar = build.floatTensor('s', [], Float32Array.of(1));
    expect(elementCount(scalar)).toBe(1);
    expect(tensorByteLength(scalar)).toBe(4);
    const int4 = create(TensorProtoSchema, { name: 'q', dataType: DataType.INT4, dims: [3n, 3n] });
    expect(elementCount(int4)).toBe(9);
    expect(tensorByteLength(int4)).toBe(5);
    const zero = create(TensorProtoSchema, { name: 'z', dataType: DataType.INT64, dims: [2n, 0n] });
    expect(tensorByteLength(zero)).toBe(0);
  });

  it('normaliseLocation never escapes the model folder', () => {
    expect(normaliseLocation('./weights/../w.bin')).toBe('w.bin');
    expect(normaliseLocation('weights\\a.bin')).toBe('weights/a.bin');
    expect(normaliseLocation('../../etc/passwd')).toBe('etc/passwd');
    expect(normaliseLocation('/abs//x.bin')).toBe('abs/x.bin');
  });
});
