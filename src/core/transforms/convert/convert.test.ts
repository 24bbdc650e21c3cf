/**
 * The opset converter on models built here, each run in onnxruntime-node before and after: Resize 10 and Upsample,
 * Softmax's 2D coercion, Dropout's mask, Clip and Pad with their element types, opset-6 broadcasting, ops inside an
 * If branch, and what it refuses (by name), with the transform's options, progress and cancellation.
 */
import { describe, expect, it } from 'vitest';
import { ort } from '../../../runtimes/ort-node';
import { ortWebApi as ortWeb } from '../../../runtimes/ort-web-node';
import { ParetoError } from '../../errors';
import * as build from '../../formats/onnx/builder';
import { create } from '@bufbuild/protobuf';
import { DataType, FunctionProtoSchema, OperatorSetIdProtoSchema, type ModelProto, type NodeProto } from '../../formats/onnx/proto';
import { readOnnx } from '../../formats/onnx/read';
import { writeOnnx } from '../../formats/onnx/write';
import { convert, convertOpset } from './index';

const { node, graph, valueInfo, floatTensor, tensor, attr } = build;
type Feeds = Record<string, ort.Tensor>;

async function run(model: ModelProto, feeds: Feeds): Promise<Record<string, number[]>> {
  const s = await ort.InferenceSession.create(writeOnnx(model), { intraOpNumThreads: 1, logSeverityLevel: 4 });
  try {
    const r = await s.run(feeds);
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v.data as ArrayLike<number>, Number)]));
  } finally {
    await s.release();
  }
}

function relL2(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  let n = 0;
  a.forEach((x, i) => {
    d += (x - b[i]) ** 2;
    n += b[i] ** 2;
  });
  return Math.sqrt(d / (n || 1));
}

const ramp = (n: number, scale = 0.37) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * scale) * 3);
const f32 = (dims: number[], data = ramp(dims.reduce((p, d) => p * d, 1))) => new ort.Tensor('float32', data, dims);

function single(opset: number, n: NodeProto | NodeProto[], inputs: [string, number[] | undefined, DataType?][], outputs: [string, DataType?][], inits: ReturnType<typeof tensor>[] = []) {
  return build.model({
    graph: graph({
      name: 'g',
      nodes: Array.isArray(n) ? n : [n],
      inputs: inputs.map(([name, shape, t]) => valueInfo(name, t ?? DataType.FLOAT, shape)),
      outputs: outputs.map(([name, t]) => valueInfo(name, t ?? DataType.FLOAT)),
      initializers: inits,
    }),
    opset,
  });
}

/** Converts to each target and checks the outputs against the original's in onnxruntime-node. */
async function expectSame(model: ModelProto, feeds: Feeds, targets: number[], want?: Record<string, number[]>) {
  const before = want ?? (await run(model, feeds));
  const notes: string[][] = [];
  for (const t of targets) {
    const r = await convertOpset(model, t);
    expect(Number(r.model.opsetImport[0].version)).toBe(t);
    const after = await run(r.model, feeds);
    for (const k of Object.keys(before)) expect(relL2(after[k], before[k]), `${k} at opset ${t}`).toBeLessThanOrEqual(1e-5);
    notes.push(r.notes);
  }
  return notes;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ParetoError);
  return (e as Error).message;
}

describe('convertOpset', () => {
  it('turns Resize 10 (nearest and linear, up and down) into Resize 11+ with the same outputs', async () => {
    for (const mode of ['nearest', 'linear']) {
      for (const scales of [[1, 1, 2, 3], [1, 1, 0.5, 0.6], [1, 1, 1.7, 0.75], [1, 1, 0.4, 1]]) {
        const m = single(10, node('Resize', ['x', 's'], ['y'], { mode: attr.s(mode) }, { name: 'rs' }), [['x', [1, 2, 5, 7]]], [['y']], [floatTensor('s', [4], Float32Array.from(scales))]);
        const [n11] = await expectSame(m, { x: f32([1, 2, 5, 7]) }, [11, 13, 19]);
        expect(n11.join('\n')).toMatch(/Resize \(opset 11\): empty roi input; coordinate_transformation_mode 'asymmetric'/);
        if (mode === 'nearest' && scales[2] === 1.7) expect(n11.join('\n')).toMatch(/split in two/);
      }
    }
  });

  it('turns Upsample 7 (scales attribute) and 9 (scales input) into Resize', async () => {
    const m7 = single(7, node('Upsample', ['x'], ['y'], { mode: attr.s('nearest'), scales: attr.floats([1, 1, 2, 2]) }, { name: 'up' }), [['x', [1, 1, 3, 3]]], [['y']]);
    const [n] = await expectSame(m7, { x: f32([1, 1, 3, 3]) }, [9, 10, 17]);
    expect(n.join('\n')).toMatch(/Upsample \(opset 9\): scales attribute → input — node 'up'/);
    const m9 = single(9, node('Upsample', ['x', 's'], ['y'], { mode: attr.s('linear') }), [['x', [1, 1, 3, 4]]], [['y']], [floatTensor('s', [4], Float32Array.of(1, 1, 2, 1.5))]);
    const [n17] = await expectSame(m9, { x: f32([1, 1, 3, 4]) }, [17]);
    expect(n17.join('\n')).toMatch(/Upsample \(opset 10\): Upsample \(deprecated\) → Resize/);
    const r = await convertOpset(m9, 17);
    expect(r.model.graph!.node.map((x) => x.opType)).toEqual(['Resize']);
  });

  it('keeps Softmax/LogSoftmax/Hardmax 2D semantics at 13: Flatten and Reshape when the axis is not the last, nothing when it is', async () => {
    for (const op of ['Softmax', 'LogSoftmax', 'Hardmax']) {
      for (const axis of [0, 1, 2, -1]) {
        // No shape declared: the converter cannot know that -1 is the last axis only when the rank is unknown.
        const m = single(11, node(op, ['x'], ['y'], { axis: attr.i(axis) }, { name: 'sm' }), [['x', undefined]], [['y']]);
        await expectSame(m, { x: f32([2, 3, 4]) }, [13, 17]);
      }
    }
    const known = single(12, node('Softmax', ['x'], ['y'], { axis: attr.i(2) }), [['x', [2, 3, 4]]], [['y']]);
    const r = await convertOpset(known, 13);
    expect(r.model.graph!.node.map((x) => x.opType)).toEqual(['Softmax']);
    const unknown = single(12, node('Softmax', ['x'], ['y'], { axis: attr.i(1) }), [['x', [2, 3, 4]]], [['y']]);
    expect((await convertOpset(unknown, 13)).model.graph!.node.map((x) => x.opType)).toEqual(['Shape', 'Flatten', 'Softmax', 'Reshape']);
    // The rank is carried forward through the graph: a Gemm's output is 2-D, so axis 1 is its last.
    const gemm = single(11, [node('Gemm', ['x', 'w'], ['h']), node('Relu', ['h'], ['r']), node('Softmax', ['r'], ['y'])], [['x', undefined]], [['y']], [floatTensor('w', [3, 2], ramp(6))]);
    expect((await convertOpset(gemm, 13)).model.graph!.node.map((x) => x.opType)).toEqual(['Gemm', 'Relu', 'Softmax']);
    await expectSame(gemm, { x: f32([4, 3]) }, [13]);
  });

  it("casts Dropout's mask back to the input type when it is used, and moves ratio to an input at 12", async () => {
    const m = single(7, node('Dropout', ['x'], ['y', 'mask'], { ratio: attr.f(0.3) }, { name: 'drop' }), [['x', [2, 3]]], [['y'], ['mask']]);
    const want = { y: Array.from(ramp(6)), mask: [1, 1, 1, 1, 1, 1] };
    const [notes] = await expectSame(m, { x: f32([2, 3]) }, [12, 17], want);
    expect(notes.join('\n')).toMatch(/Dropout \(opset 10\): mask output is bool from 10: Cast back/);
    expect(notes.join('\n')).toMatch(/Dropout \(opset 12\): ratio attribute → input/);
  });

  it('writes Clip bounds and Pad values in the input element type (double here)', async () => {
    const x = new ort.Tensor('float64', Float64Array.from(ramp(12)), [3, 4]);
    // onnxruntime runs Clip 6 and 11 on float only: the expected values are computed here, and checked from 12.
    const clip = single(6, node('Clip', ['x'], ['y'], { min: attr.f(-1.5), max: attr.f(2) }), [['x', [3, 4], DataType.DOUBLE]], [['y', DataType.DOUBLE]]);
    await expectSame(clip, { x }, [12, 13, 21], { y: Array.from(ramp(12), (v) => Math.min(2, Math.max(-1.5, v))) });
    const pad = single(7, node('Pad', ['x'], ['y'], { pads: attr.ints([1, 0, 0, 2]), value: attr.f(1.5) }), [['x', [3, 4], DataType.DOUBLE]], [['y', DataType.DOUBLE]]);
    await expectSame(pad, { x }, [11, 18]);
    const reflect = single(7, node('Pad', ['x'], ['y'], { pads: attr.ints([0, 1, 0, 2]), mode: attr.s('reflect') }), [['x', [3, 4]]], [['y']]);
    await expectSame(reflect, { x: f32([3, 4]) }, [11]);
  });

  it('converts opset-6 broadcasting along an axis (B an initializer or a computed value) and Squeeze/Unsqueeze/Reduce/Split axes', async () => {
    const a = ramp(2 * 3 * 4);
    const b = Float32Array.of(10, 20, 30);
    const want = { y: Array.from(a, (v, i) => v + b[Math.floor(i / 4) % 3]) };
    const asInit = single(6, node('Add', ['a', 'b'], ['y'], { broadcast: attr.i(1), axis: attr.i(1) }), [['a', [2, 3, 4]]], [['y']], [floatTensor('b', [3], b)]);
    await expectSame(asInit, { a: f32([2, 3, 4], a) }, [7, 17], want);
    const computed = single(6, [node('Neg', ['bn'], ['b']), node('Add', ['a', 'b'], ['y'], { broadcast: attr.i(1), axis: attr.i(1) })], [['a', [2, 3, 4]], ['bn', [3]]], [['y']]);
    await expectSame(computed, { a: f32([2, 3, 4], a), bn: f32([3], b.map((v) => -v)) }, [7, 13], want);
    const axes = single(
      11,
      [
        node('Unsqueeze', ['x'], ['u'], { axes: attr.ints([0, 3]) }),
        node('Squeeze', ['u'], ['s'], { axes: attr.ints([0]) }),
        node('ReduceMean', ['s'], ['m'], { axes: attr.ints([1]), keepdims: attr.i(1) }),
        node('ReduceSum', ['s'], ['r'], { axes: attr.ints([2]), keepdims: attr.i(0) }),
        node('Split', ['x'], ['p', 'q'], { axis: attr.i(1) }),
        node('Split', ['x'], ['p2', 'q2'], { axis: attr.i(1), split: attr.ints([1, 3]) }),
      ],
      [['x', [2, 4]]],
      [['s'], ['m'], ['r'], ['p'], ['q'], ['p2'], ['q2']],
    );
    await expectSame(axes, { x: f32([2, 4]) }, [13, 18, 21]);
  });

  it('repeats GroupNormalization 18 scale and bias per channel at 21', async () => {
    const m = single(
      18,
      node('GroupNormalization', ['x', 's', 'b'], ['y'], { num_groups: attr.i(2), epsilon: attr.f(1e-5) }, { name: 'gn' }),
      [['x', [2, 6, 3]]],
      [['y']],
      [floatTensor('s', [2], Float32Array.of(0.5, 2)), floatTensor('b', [2], Float32Array.of(-1, 3))],
    );
    const x = f32([2, 6, 3]);
    // Group g holds channels 3g..3g+2: normalised over them (and the 3 positions), then scaled and shifted.
    const data = x.data as Float32Array;
    const want: number[] = [];
    for (let n = 0; n < 2; n++) {
      for (let g = 0; g < 2; g++) {
        const v = data.slice(n * 18 + g * 9, n * 18 + g * 9 + 9);
        const mean = v.reduce((p, q) => p + q, 0) / 9;
        const sd = Math.sqrt(v.reduce((p, q) => p + (q - mean) ** 2, 0) / 9 + 1e-5);
        v.forEach((q) => want.push(((q - mean) / sd) * [0.5, 2][g] + [-1, 3][g]));
      }
    }
    const [notes] = await expectSame(m, { x }, [21], { y: want });
    expect(notes.join('\n')).toMatch(/GroupNormalization \(opset 21\): per-group scale and bias repeated per channel — node 'gn'/);
  });

  it('keeps Slice ends of INT64_MAX exact when they become an int64 input', async () => {
    const big = 9223372036854775807n;
    const slice = node('Slice', ['x'], ['y'], { starts: attr.ints([1]), ends: attr.ints([0]), axes: attr.ints([1]) });
    slice.attribute.find((a) => a.name === 'ends')!.ints = [big];
    const m = single(9, slice, [['x', [2, 5]]], [['y']]);
    const [notes] = await expectSame(m, { x: f32([2, 5]) }, [10, 17]);
    expect(notes.join()).toMatch(/Slice \(opset 10\): starts\/ends\/axes attributes → inputs/);
    const ends = (await convertOpset(m, 17)).model.graph!.initializer.find((t) => t.name.endsWith('_ends'))!;
    expect(new BigInt64Array(Uint8Array.from(ends.rawData).buffer)[0]).toBe(big);
  });

  it('turns the experimental ImageScaler and ScaledTanh (removed at 10) into standard arithmetic', async () => {
    const x = f32([1, 2, 2, 2]);
    const data = Array.from(x.data as Float32Array);
    const scaler = single(8, node('ImageScaler', ['x'], ['y'], { scale: attr.f(2), bias: attr.floats([1, -3]) }, { name: 'pre' }), [['x', [1, 2, 2, 2]]], [['y']]);
    const [notes] = await expectSame(scaler, { x }, [10, 17], { y: data.map((v, i) => 2 * v + (i < 4 ? 1 : -3)) });
    expect(notes.join()).toMatch(/ImageScaler \(opset 10\): ImageScaler \(experimental, removed\) → Mul, Add — node 'pre'/);
    const tanh = single(9, node('ScaledTanh', ['x'], ['y'], { alpha: attr.f(1.5), beta: attr.f(0.5) }), [['x', [1, 2, 2, 2]]], [['y']]);
    await expectSame(tanh, { x }, [11], { y: data.map((v) => 1.5 * Math.tanh(0.5 * v)) });
  });

  it("converts model-local functions too (onnxruntime inlines them under the model's opset)", async () => {
    const m = build.model({
      graph: graph({ name: 'g', nodes: [node('MyClip', ['x'], ['y'], {}, { domain: 'local' })], inputs: [valueInfo('x', DataType.FLOAT, [2, 3])], outputs: [valueInfo('y', DataType.FLOAT, [2, 3])] }),
      opset: [{ domain: '', version: 9 }, { domain: 'local', version: 1 }],
    });
    m.functions.push(
      create(FunctionProtoSchema, {
        name: 'MyClip',
        domain: 'local',
        input: ['a'],
        output: ['b'],
        node: [node('Clip', ['a'], ['b'], { min: attr.f(-0.5), max: attr.f(1) })],
        opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 9n })],
      }),
    );
    await expectSame(m, { x: f32([2, 3]) }, [11, 17]);
    const r = await convertOpset(m, 17);
    expect(r.model.functions[0].node.map((n) => n.opType)).toEqual(['Constant', 'Constant', 'Clip']);
    expect(m.functions[0].node.map((n) => n.opType)).toEqual(['Clip']); // the input's function untouched
  });

  it('converts the ops inside If branches, and leaves the input model untouched', async () => {
    const branch = (name: string, min: number) =>
      graph({ name, nodes: [node('Clip', ['x'], [`${name}_y`], { min: attr.f(min), max: attr.f(1) })], inputs: [], outputs: [valueInfo(`${name}_y`, DataType.FLOAT)] });
    const m = single(9, node('If', ['c'], ['y'], { then_branch: attr.g(branch('then', -1)), else_branch: attr.g(branch('else', 0)) }), [['c', [], DataType.BOOL], ['x', [2, 3]]], [['y']]);
    const bytes = writeOnnx(m);
    for (const c of [0, 1]) await expectSame(m, { c: new ort.Tensor('bool', Uint8Array.of(c), []), x: f32([2, 3]) }, [11, 17]);
    expect(writeOnnx(m)).toEqual(bytes);
  });

  it('refuses by name what it cannot convert exactly, and targets older than the model or newer than 21', async () => {
    const bn = single(
      9,
      node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y', 'rm', 'rv'], {}, { name: 'bn1' }),
      [['x', [1, 2, 3]]],
      [['y'], ['rm']],
      ['s', 'b', 'm', 'v'].map((n) => floatTensor(n, [2], Float32Array.of(1, 2))),
    );
    expect(await refusal(convertOpset(bn, 14))).toMatch(/Cannot convert the model from opset 9 to 14 exactly: BatchNormalization 'bn1': its training outputs \(rm\) are used/);
    expect((await convertOpset(bn, 13)).notes[0]).toBe('Default opset converted from 9 to 13.');
    const spatial = single(8, node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], { spatial: attr.i(0) }, { name: 'bn0' }), [['x', [1, 2, 3]]], [['y']], ['s', 'b', 'm', 'v'].map((n) => floatTensor(n, [2, 3], ramp(6))));
    expect(await refusal(convertOpset(spatial, 9))).toMatch(/BatchNormalization 'bn0': spatial=0/);
    expect(await refusal(convertOpset(bn, 8))).toMatch(/The model has opset 9, newer than the target 8: conversion only raises the opset/);
    expect(await refusal(convertOpset(bn, 22))).toMatch(/newest opset onnxruntime runs is 21/);
    expect((await convertOpset(bn, 9)).notes).toEqual(['The model already has opset 9: nothing to convert.']);
  });
});

describe('converted models in onnxruntime-web', () => {
  it('runs an opset-9 image model converted to 17 and 21 in the wasm backend with the original outputs', async () => {
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.logLevel = 'error';
    const m = single(
      9,
      [
        node('Upsample', ['x', 'scales'], ['u'], { mode: attr.s('nearest') }),
        node('Clip', ['u'], ['c'], { min: attr.f(-1), max: attr.f(1.5) }),
        node('Softmax', ['c'], ['s'], { axis: attr.i(1) }),
        node('ReduceMean', ['s'], ['r'], { axes: attr.ints([2, 3]), keepdims: attr.i(0) }),
        node('Unsqueeze', ['r'], ['y'], { axes: attr.ints([2]) }),
      ],
      [['x', [1, 3, 4, 4]]],
      [['y']],
      [floatTensor('scales', [4], Float32Array.of(1, 1, 2, 2))],
    );
    const x = f32([1, 3, 4, 4]);
    const want = (await run(m, { x })).y;
    for (const t of [17, 21]) {
      const s = await ortWeb.InferenceSession.create(writeOnnx((await convertOpset(m, t)).model));
      const got = await s.run({ x: new ortWeb.Tensor('float32', x.data as Float32Array, x.dims) });
      await s.release();
      expect(relL2(Array.from(got.y.data as Float32Array), want)).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('the convert transform', () => {
  it('validates its options, reports per node, reports progress and can be cancelled', async () => {
    expect(convert.validate({})).toEqual({ opset: 17 });
    expect(() => convert.validate({ opset: 30 })).toThrow(/opset must be a whole number from 2 to 21/);
    expect(() => convert.validate({ target: 13 })).toThrow(/Unknown convert option 'target'/);
    const m = single(10, node('Clip', ['x'], ['y'], { min: attr.f(0) }, { name: 'relu6ish' }), [['x', [2]]], [['y']]);
    const input = readOnnx(writeOnnx(m));
    const fractions: number[] = [];
    const r = await convert.apply(input, convert.validate({ opset: 13 }), { onProgress: (p) => fractions.push(p.fraction) });
    expect(r.report.transform).toBe('convert');
    expect(r.report.notes).toEqual(['Default opset converted from 10 to 13.', "Clip (opset 11): min/max attributes → inputs — node 'relu6ish'."]);
    expect(r.report.stats).toMatchObject({ from: 10, to: 13, changedNodes: 1 });
    expect(fractions.at(-1)).toBe(1);
    const ac = new AbortController();
    ac.abort();
    await expect(convert.apply(input, { opset: 13 }, { signal: ac.signal })).rejects.toMatchObject({ code: 'aborted' });
  });
});
