import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ort } from '../../../runtimes/ort-node';
import { create, equals, fromBinary, toBinary } from '@bufbuild/protobuf';
import { BIG_K, BIG_N, constantWeightsModel, convNetModel, ifSubgraphModel, mlpModel, msOpsetModel, quantizedModel, randomFloats, rng, toTypedFields } from '../../testing/fixtures';
import { unknownBytes, unknownFieldCarriers, unknownFieldsModel } from '../../testing/unknown-fields';
import * as build from './builder';
import { DataType, ModelProtoSchema, StringStringEntryProtoSchema, type ModelProto, type TensorProto } from './proto';
import { readOnnx } from './read';
import { tensorToNumbers } from './tensor';
import { writeOnnx, writeOnnxParts } from './write';

const { node, graph, valueInfo } = build;

const roundTrip = (bytes: Uint8Array) => writeOnnx(readOnnx(bytes).proto);

/** Byte equality with a useful failure (toEqual on big typed arrays is slow). */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  let diff = -1;
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n && diff < 0; i++) if (actual[i] !== expected[i]) diff = i;
  expect({ length: actual.length, firstDifference: diff }).toEqual({ length: expected.length, firstDifference: -1 });
}

/** Same numbers (Object.is: NaN equals NaN, -0 differs from 0), reporting the first difference. */
function expectSameNumbers(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  let diff = -1;
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n && diff < 0; i++) if (!Object.is(actual[i], expected[i])) diff = i;
  const at = diff < 0 ? undefined : { index: diff, actual: actual[diff], expected: expected[diff] };
  expect({ length: actual.length, at }).toEqual({ length: expected.length, at: undefined });
}

/** Outputs of two runs are the same tensors, bit for bit. */
function expectSameOutputs(actual: Record<string, ArrayLike<unknown>>, expected: Record<string, ArrayLike<unknown>>): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const k of Object.keys(expected)) {
    const [a, b] = [actual[k], expected[k]] as unknown as ArrayBufferView[];
    expectSameBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }
}

async function runOrt(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ArrayLike<unknown>>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as ArrayLike<unknown>]));
  } finally {
    await session.release();
  }
}

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

/** Fixtures with inputs for onnxruntime. */
const FIXTURES: [string, () => ModelProto, () => Record<string, ort.Tensor>][] = [
  ['mlp', mlpModel, () => ({ x: f32(randomFloats(8, 100), [2, 4]) })],
  ['conv net', convNetModel, () => ({ x: f32(randomFloats(192, 101), [1, 3, 8, 8]) })],
  ['Constant weights', constantWeightsModel, () => ({ x: f32(randomFloats(BIG_K, 102), [1, BIG_K]) })],
  [
    'If subgraphs',
    ifSubgraphModel,
    () => ({ x: f32(randomFloats(BIG_K, 103), [1, BIG_K]), cond: new ort.Tensor('bool', [false], []) }),
  ],
  ['com.microsoft opset', msOpsetModel, () => ({ x: f32(randomFloats(16, 104), [2, 8]) })],
  ['quantized', quantizedModel, () => ({ x: f32(randomFloats(8, 105), [2, 4]) })],
];

describe('writeOnnx: an unchanged model writes back whole', () => {
  for (const [what, make, feeds] of FIXTURES) {
    it(`${what}: decodes to the same message, runs in onnxruntime with identical outputs, and is idempotent`, async () => {
      const reference = toBinary(ModelProtoSchema, make()); // the library's own encoding
      const written = roundTrip(reference);
      expect(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, written), fromBinary(ModelProtoSchema, reference))).toBe(true);
      expectSameBytes(roundTrip(written), written);
      const inputs = feeds();
      const [a, b] = [await runOrt(reference, inputs), await runOrt(written, inputs)];
      expectSameOutputs(b, a);
    });
  }

  it('big tensors are written as separate parts that reference the read bytes (main graph, If subgraph, Constant)', () => {
    for (const bytes of [writeOnnx(constantWeightsModel()), writeOnnx(ifSubgraphModel()), unknownFieldsModel().bytes]) {
      const read = readOnnx(bytes).proto;
      const parts = writeOnnxParts(read);
      const big: TensorProto[] = [];
      for (const g of [read.graph!, ...read.graph!.node.flatMap((n) => n.attribute.flatMap((a) => (a.g ? [a.g] : [])))]) {
        big.push(...g.initializer.filter((t) => t.rawData.length >= 64 * 1024));
        for (const n of g.node) for (const a of n.attribute) if (a.t && a.t.rawData.length >= 64 * 1024) big.push(a.t);
      }
      expect(big.length).toBeGreaterThan(0);
      for (const t of big) expect(parts).toContain(t.rawData); // the same object: not copied into an encoder buffer
    }
    // If model: Wt (then_branch initializer) and We (else_branch Constant) are both hoisted.
    expect(readOnnx(writeOnnx(ifSubgraphModel())).proto.graph!.node[0].attribute).toHaveLength(2);
  });
});

describe('writeOnnx: fields newer than the schema, and metadata, survive', () => {
  const fixture = unknownFieldsModel();

  it('the hand-encoded unknown fields decode into $unknown exactly as appended', () => {
    const carriers = unknownFieldCarriers(readOnnx(fixture.bytes).proto);
    for (const [k, msg] of Object.entries(carriers)) {
      expect(unknownBytes(msg as never), k).toEqual(fixture.appended[k as keyof typeof fixture.appended]);
    }
  });

  it('read -> write -> read keeps every unknown field byte-identical, on every message', () => {
    const once = roundTrip(fixture.bytes);
    const carriers = unknownFieldCarriers(readOnnx(once).proto);
    for (const [k, msg] of Object.entries(carriers)) {
      expect(unknownBytes(msg as never), k).toEqual(fixture.appended[k as keyof typeof fixture.appended]);
    }
    // The big tensor with an unknown field went through the hoisting path.
    const m = readOnnx(once).proto;
    const bigTensor = m.graph!.initializer.find((t) => t.name === 'scale_big')!;
    expect(writeOnnxParts(m)).toContain(bigTensor.rawData);
    expect(equals(ModelProtoSchema, m, readOnnx(fixture.bytes).proto)).toBe(true);
  });

  it('metadata_props on the model and on nodes (main graph and subgraph) survive', () => {
    const m = readOnnx(roundTrip(fixture.bytes)).proto;
    expect(m.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['license', 'MIT'],
      ['ünïcode-key', 'välue ✓'],
    ]);
    const ifNode = m.graph!.node[0];
    expect(ifNode.metadataProps.map((p) => [p.key, p.value])).toEqual([['note', 'a node with metadata']]);
    const sub = ifNode.attribute.find((a) => a.name === 'then_branch')!.g!;
    expect(sub.node[0].metadataProps.map((p) => [p.key, p.value])).toEqual([['inner-note', 'in a subgraph']]);
  });

  it('read -> write is idempotent: write(read(x)) === write(read(write(read(x)))) byte for byte', () => {
    const once = roundTrip(fixture.bytes);
    expect(once.length).toBe(fixture.bytes.length);
    expectSameBytes(roundTrip(once), once);
  });

  it('onnxruntime runs the original and the written model with identical outputs', async () => {
    const once = roundTrip(fixture.bytes);
    for (const cond of [true, false]) {
      const feeds = { x: f32(randomFloats(BIG_K, 7), [1, BIG_K]), cond: new ort.Tensor('bool', [cond], []) };
      const [a, b] = [await runOrt(fixture.bytes, feeds), await runOrt(once, feeds)];
      expectSameOutputs(b, a);
      expect(Object.keys(a)).toEqual(['y', 'scale_out']);
      expect((b.y as Float32Array).length).toBe(BIG_N);
    }
  });
});

describe('writeOnnx: a model changed between writes', () => {
  it('hoists by the current contents, not by what an earlier write saw', () => {
    const m = mlpModel();
    writeOnnx(m); // all tensors small: nothing hoisted
    const w1 = m.graph!.initializer[0];
    w1.dims = [8n, 4096n];
    w1.rawData = new Uint8Array(randomFloats(8 * 4096, 5).buffer) as Uint8Array<ArrayBuffer>;
    const parts = writeOnnxParts(m);
    expect(parts).toContain(w1.rawData);
    const bytes = writeOnnx(m);
    // Same layout as a fresh read and write of the same content.
    expectSameBytes(bytes, roundTrip(toBinary(ModelProtoSchema, m)));
    expectSameBytes(readOnnx(bytes).proto.graph!.initializer[0].rawData, w1.rawData);

    // And the other way: a tensor that shrinks after a write is no longer hoisted.
    w1.dims = [8n, 4n];
    w1.rawData = new Uint8Array(randomFloats(32, 6).buffer) as Uint8Array<ArrayBuffer>;
    expectSameBytes(writeOnnx(m), roundTrip(toBinary(ModelProtoSchema, m)));
  });
});

/* ------------------------------------------------------------ property test ------------------------------------------------------------ */

type Kind = 'float32' | 'int8' | 'uint8' | 'int64' | 'float16';
const DTYPES: Record<Kind, DataType> = {
  float32: DataType.FLOAT,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int64: DataType.INT64,
  float16: DataType.FLOAT16,
};

/** float16 bits -> number, by building the float32 bit pattern (independent of tensor.ts's arithmetic decode). */
function halfBitsToNumber(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  let bits: number;
  if (exp === 0x1f) bits = sign | 0x7f800000 | (mant << 13);
  else if (exp === 0) {
    if (mant === 0) bits = sign;
    else {
      let e = -1;
      do {
        e++;
        mant <<= 1;
      } while ((mant & 0x400) === 0);
      bits = sign | ((127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
  } else bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  return new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0];
}

interface GenTensor {
  name: string;
  kind: Kind;
  dims: number[];
  values: number[] | bigint[];
  typed: boolean;
}

const dimsArb: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 9, arbitrary: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant<number[]>([4, 4500]) }, // 18000 elements: > 64 KiB as float32, hoisted
);

/** Values for big tensors come from a seed (fast-check arrays of thousands of values are slow to make and shrink). */
function seededValues(kind: Kind, n: number, seed: number): number[] | bigint[] {
  const r = rng(seed);
  const u = () => Math.floor(r() * 2 ** 32);
  switch (kind) {
    case 'float32':
      return Array.from(new Float32Array(Uint32Array.from({ length: n }, u).buffer));
    case 'int8':
      return Array.from(new Int8Array(Uint8Array.from({ length: n }, u).buffer));
    case 'uint8':
      return Array.from(Uint8Array.from({ length: n }, u));
    case 'float16':
      return Array.from(Uint16Array.from({ length: n }, u));
    case 'int64':
      return Array.from(new BigInt64Array(Uint32Array.from({ length: 2 * n }, u).buffer));
  }
}

function valuesArb(kind: Kind, n: number): fc.Arbitrary<number[] | bigint[]> {
  if (n > 1000) return fc.integer().map((seed) => seededValues(kind, n, seed));
  const len = { minLength: n, maxLength: n };
  switch (kind) {
    case 'float32':
      return fc.array(fc.float({ noDefaultInfinity: false }), len);
    case 'int8':
      return fc.array(fc.integer({ min: -128, max: 127 }), len);
    case 'uint8':
      return fc.array(fc.integer({ min: 0, max: 255 }), len);
    case 'float16':
      return fc.array(fc.integer({ min: 0, max: 0xffff }), len);
    case 'int64':
      return fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), len);
  }
}

const tensorArb = (name: string): fc.Arbitrary<GenTensor> =>
  fc
    .record({ kind: fc.constantFrom<Kind>('float32', 'int8', 'uint8', 'int64', 'float16'), dims: dimsArb, typed: fc.boolean() })
    .chain(({ kind, dims, typed }) => {
      const n = dims.reduce((p, d) => p * d, 1);
      return valuesArb(kind, n).map((values) => ({ name, kind, dims, values, typed }));
    });

function makeTensor(g: GenTensor): TensorProto {
  const dt = DTYPES[g.kind];
  const data =
    g.kind === 'float32'
      ? Float32Array.from(g.values as number[])
      : g.kind === 'int8'
        ? Int8Array.from(g.values as number[])
        : g.kind === 'uint8'
          ? Uint8Array.from(g.values as number[])
          : g.kind === 'float16'
            ? Uint16Array.from(g.values as number[])
            : BigInt64Array.from(g.values as bigint[]);
  const t = build.tensor(g.name, dt, g.dims, data);
  return g.typed ? toTypedFields(t) : t;
}

function expectedNumbers(g: GenTensor): number[] {
  switch (g.kind) {
    case 'float32':
      return Array.from(Float32Array.from(g.values as number[]));
    case 'float16':
      return (g.values as number[]).map(halfBitsToNumber);
    case 'int64':
      return (g.values as bigint[]).map((v) => Number(v));
    default:
      return g.values as number[];
  }
}

describe('property: random graphs and tensors round-trip', () => {
  const nameArb = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
  const modelArb = fc
    .record({
      graphName: fc.string({ unit: 'binary', maxLength: 10 }),
      doc: fc.string({ unit: 'grapheme', maxLength: 20 }),
      names: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 4 }),
      meta: fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), { maxLength: 3 }),
    })
    .chain((r) => fc.tuple(fc.constant(r), fc.tuple(...r.names.map((n) => tensorArb(n)))));

  it('write -> read -> write is byte-identical and tensorToNumbers returns the values', () => {
    fc.assert(
      fc.property(modelArb, ([r, gens]) => {
        const tensors = gens.map(makeTensor);
        const m = build.model({
          graph: graph({
            name: r.graphName,
            docString: r.doc,
            nodes: gens.map((g, i) => node('Identity', [g.name], [`out ${i} ${g.name}`], {}, { name: `id ${g.name}` })),
            inputs: [],
            outputs: gens.map((g, i) => valueInfo(`out ${i} ${g.name}`, DTYPES[g.kind], g.dims)),
            initializers: tensors,
          }),
          opset: 17,
        });
        m.metadataProps = r.meta.map(([key, value]) => create(StringStringEntryProtoSchema, { key, value }));
        const first = writeOnnx(m);
        const read = readOnnx(first);
        const second = writeOnnx(read.proto);
        expectSameBytes(second, first);
        // The same message as the one built (compared through the library's encoding: NaN-safe, unlike equals()).
        expectSameBytes(toBinary(ModelProtoSchema, read.proto), toBinary(ModelProtoSchema, m));
        gens.forEach((g, i) => {
          const t = read.proto.graph!.initializer[i];
          expect(t.name).toBe(g.name);
          expectSameNumbers(tensorToNumbers(t, read.external), expectedNumbers(g));
        });
      }),
      { numRuns: 120, seed: 20240607 },
    );
  });
});
