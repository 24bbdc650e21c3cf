/**
 * Small hostile ONNX models, built in code (no committed binaries): each is a valid protobuf whose contents lie,
 * as a fuzzer or a crafted download would. list.json (beside this file) names every one with the error its reading
 * must end in, as Netron's regression list does; hostile.test.ts reads each through the core's open and a few
 * through `pareto inspect`. Add a case: a builder here, a line in list.json.
 */
import { create } from '@bufbuild/protobuf';
import * as b from '../builder';
import { DataLocation, DataType, StringStringEntryProtoSchema, TensorProtoSchema, type TensorProto } from '../proto';
import { writeOnnx } from '../write';

/** A hostile case: the .onnx bytes and any companion files (external data), by relative location. */
export interface HostileCase {
  model: Uint8Array;
  data?: Record<string, Uint8Array>;
}

const fill = (n: number) => Float32Array.from({ length: n }, (_, i) => (i % 7) * 0.25 - 0.5);

/** x [1, 4] -> MatMul(w) -> y [1, 4], with `w` and any extra nodes and initializers given. */
export function withWeight(w: TensorProto, extra: { nodes?: ReturnType<typeof b.node>[]; inits?: TensorProto[] } = {}): Uint8Array {
  return writeOnnx(
    b.model({
      producerName: 'hostile-corpus',
      graph: b.graph({
        name: 'g',
        inputs: [b.valueInfo('x', DataType.FLOAT, [1, 4])],
        outputs: [b.valueInfo('y', DataType.FLOAT, [1, 4])],
        initializers: [w, ...(extra.inits ?? [])],
        nodes: [b.node('MatMul', ['x', w.name], ['y'], {}, { name: 'mm' }), ...(extra.nodes ?? [])],
      }),
    }),
  );
}

export const rawTensor = (name: string, dims: (number | bigint)[], bytes: number, dataType = DataType.FLOAT) =>
  create(TensorProtoSchema, { name, dataType, dims: dims.map((d) => BigInt(d)), rawData: new Uint8Array(bytes) });

function externalTensor(name: string, dims: number[], entries: Record<string, string>): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: DataType.FLOAT,
    dims: dims.map(BigInt),
    dataLocation: DataLocation.EXTERNAL,
    externalData: Object.entries(entries).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
  });
}

/** A [4, 4] float weight in `location` (w.bin, 64 bytes) with the offset and length given as written in the model. */
export const external = (offset: string, length: string | undefined, fileBytes = 64, location = 'w.bin'): HostileCase => ({
  model: withWeight(externalTensor('w', [4, 4], { location, offset, ...(length === undefined ? {} : { length }) })),
  data: { 'w.bin': new Uint8Array(new Float32Array(fill(fileBytes / 4)).buffer) },
});

/** Two nodes that each need the other's output. */
function cycle(): Uint8Array {
  return writeOnnx(
    b.model({
      graph: b.graph({
        name: 'cycle',
        inputs: [b.valueInfo('x', DataType.FLOAT, [1, 4])],
        outputs: [b.valueInfo('y', DataType.FLOAT, [1, 4])],
        nodes: [
          b.node('Add', ['x', 'b'], ['a'], {}, { name: 'add' }),
          b.node('Relu', ['a'], ['b'], {}, { name: 'relu' }),
          b.node('Identity', ['b'], ['y'], {}, { name: 'out' }),
        ],
      }),
    }),
  );
}

/** An If whose branch reads "late", which is computed from the If's own output. */
function cycleThroughSubgraph(): Uint8Array {
  const branch = (name: string) =>
    b.graph({
      name,
      inputs: [],
      outputs: [b.valueInfo(`${name}_out`, DataType.FLOAT, [1, 4])],
      nodes: [b.node('Identity', ['late'], [`${name}_out`], {}, { name: `${name}_id` })],
    });
  return writeOnnx(
    b.model({
      graph: b.graph({
        name: 'if-cycle',
        inputs: [b.valueInfo('x', DataType.FLOAT, [1, 4]), b.valueInfo('c', DataType.BOOL, [])],
        outputs: [b.valueInfo('y', DataType.FLOAT, [1, 4])],
        nodes: [
          b.node('If', ['c'], ['y'], { then_branch: b.attr.g(branch('then')), else_branch: b.attr.g(branch('else')) }, { name: 'if' }),
          b.node('Neg', ['y'], ['late'], {}, { name: 'neg' }),
        ],
      }),
    }),
  );
}

function missingProducer(): Uint8Array {
  return withWeight(b.floatTensor('w', [4, 4], fill(16)), {
    nodes: [b.node('Add', ['y', 'ghost'], ['z'], {}, { name: 'add_ghost' })],
  });
}

function constantTensor(t: TensorProto): Uint8Array {
  return writeOnnx(
    b.model({
      graph: b.graph({
        name: 'const',
        inputs: [],
        outputs: [b.valueInfo('y', DataType.FLOAT, [])],
        nodes: [b.node('Constant', [], ['y'], { value: b.attr.t(t) }, { name: 'const' })],
      }),
    }),
  );
}

/** Every case by the name list.json gives it. */
export const HOSTILE: Record<string, () => HostileCase> = {
  'negative-dims': () => ({ model: withWeight(rawTensor('w', [-3, 4], 48)) }),
  'negative-dims-both': () => ({ model: withWeight(rawTensor('w', [-3, -4], 48)) }),
  'dims-overflow-2^53': () => ({ model: withWeight(rawTensor('w', [2n ** 62n, 2n ** 62n], 16)) }),
  'dims-exceed-bytes': () => ({ model: withWeight(rawTensor('w', [1_000_000, 1_000_000], 64)) }),
  'raw-data-too-few': () => ({ model: withWeight(rawTensor('w', [4, 4], 60)) }),
  'raw-data-too-many': () => ({ model: withWeight(rawTensor('w', [4, 4], 68)) }),
  'raw-data-for-empty-tensor': () => ({ model: withWeight(rawTensor('w', [0, 4], 8)) }),
  'float-data-too-few': () => ({
    model: withWeight(create(TensorProtoSchema, { name: 'w', dataType: DataType.FLOAT, dims: [4n, 4n], floatData: [1, 2, 3] })),
  }),
  'int64-data-too-many': () => ({
    model: withWeight(b.floatTensor('w', [4, 4], fill(16)), {
      inits: [create(TensorProtoSchema, { name: 'shape', dataType: DataType.INT64, dims: [2n], int64Data: [1n, 4n, 4n] })],
    }),
  }),
  'no-data': () => ({ model: withWeight(create(TensorProtoSchema, { name: 'w', dataType: DataType.FLOAT, dims: [4n, 4n] })) }),
  'unknown-dtype': () => ({ model: withWeight(rawTensor('w', [4, 4], 64, 99 as DataType)) }),
  'strings-count': () => ({
    model: withWeight(b.floatTensor('w', [4, 4], fill(16)), {
      inits: [create(TensorProtoSchema, { name: 'labels', dataType: DataType.STRING, dims: [3n], stringData: [new Uint8Array(1)] })],
    }),
  }),
  'constant-negative-dims': () => ({ model: constantTensor(rawTensor('c', [-1], 4)) }),
  'constant-too-few-bytes': () => ({ model: constantTensor(rawTensor('c', [1000], 40)) }),
  'long-name-negative-dims': () => ({ model: withWeight(rawTensor('w'.repeat(100_000), [-2], 8)) }),
  'external-negative-offset': () => external('-4', '64'),
  'external-negative-length': () => external('0', '-16'),
  'external-nan-offset': () => external('NaN', '64'),
  'external-non-numeric-length': () => external('0', 'sixty-four'),
  'external-fractional-offset': () => external('1.5', '64'),
  'external-exponent-offset': () => external('1e1', '64'),
  'external-hex-length': () => external('0', '0x40'),
  'external-offset-above-2^53': () => external('9007199254740993', '64'),
  'external-offset-past-end': () => external('1000', '64'),
  'external-offset-at-end': () => external('64', '64'),
  'external-range-past-end': () => external('16', '64'),
  'external-length-too-short': () => external('0', '12'),
  'external-length-too-long': () => external('0', '128', 128),
  'external-file-too-short-no-length': () => external('0', undefined, 32),
  'external-no-location': () => ({ model: withWeight(externalTensor('w', [4, 4], { offset: '0', length: '64' })) }),
  'external-missing-file': () => ({ model: external('0', '64').model }),
  'graph-cycle': () => ({ model: cycle() }),
  'graph-cycle-through-subgraph': () => ({ model: cycleThroughSubgraph() }),
  'graph-missing-producer': () => ({ model: missingProducer() }),
};
