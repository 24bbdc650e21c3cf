/**
 * The shape ops whose output shape is data, on ONNX's own backend node tests (Debian's libonnx-testdata): each model
 * with its test inputs (their shapes, and the values of small integer ones such as a Reshape's shape or a Pad's pads)
 * must give exactly the dims of the expected outputs. Declared output shapes are removed first, so only inference
 * speaks. Skipped where the package is not installed (`apt install libonnx-testdata`).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TensorProtoSchema } from '../formats/onnx/proto';
import { readOnnx } from '../formats/onnx/read';
import { dimsOf } from '../formats/onnx/tensor';
import { valueOfTensor, type Val } from './shape-values';
import { constantsOf, inferGraphShapes, type Shape } from './shapes';

const NODE = '/usr/share/libonnx-testdata/data/node';
const PICK =
  /^test_(reshape|expand|tile|slice|split|constantofshape|range|reduce_(mean|sum|max|sum_square)|shape|size|gather(_elements)?|squeeze|unsqueeze|concat|where|topk|argmax|constant_pad|edge_pad|reflect_pad|lstm|gru|rnn|einsum|cumsum)(_|$)/;
/** Not followed (Einsum with an ellipsis): unknown, never a guess. */
const UNKNOWN = new Set(['test_einsum_batch_diagonal']);
const tests = existsSync(NODE) ? readdirSync(NODE).filter((d) => PICK.test(d) && !d.endsWith('_expanded')).sort() : [];

describe.skipIf(tests.length === 0)('shape ops on ONNX backend tests: inferred shapes are the expected outputs\' dims', () => {
  it.each(tests)('%s', (name) => {
    const dir = `${NODE}/${name}`;
    const model = readOnnx(new Uint8Array(readFileSync(`${dir}/model.onnx`)));
    const g = model.proto.graph!;
    for (const v of [...g.output, ...g.valueInfo]) v.type = undefined;
    const inits = new Set(g.initializer.map((t) => t.name));
    const inputs = g.input.filter((i) => !inits.has(i.name));
    const set = `${dir}/test_data_set_0`;
    const read = (f: string) => fromBinary(TensorProtoSchema, new Uint8Array(readFileSync(`${set}/${f}`)));
    const shapes = new Map<string, Shape>();
    const values = new Map<string, Val>();
    inputs.forEach((input, i) => {
      if (!existsSync(`${set}/input_${i}.pb`)) return;
      const t = read(`input_${i}.pb`);
      shapes.set(input.name, dimsOf(t));
      const v = valueOfTensor(t, model.external);
      if (v) values.set(input.name, v);
    });
    const r = inferGraphShapes(g, constantsOf(g), model.external, null, undefined, shapes, values);
    const expected = g.output.map((_, i) => dimsOf(read(`output_${i}.pb`)));
    expect(g.output.map((o) => r.shapes.get(o.name))).toEqual(UNKNOWN.has(name) ? expected.map(() => undefined) : expected);
  });
});
