/**
 * The `mse` calibration method and channel equalization (equalizeChannels), on synthetic values, on the real
 * activations of the shipped MNIST CNN (public/samples; skipped while absent), and on a depthwise Conv run in
 * onnxruntime-node. Quantization errors are recomputed here on the values themselves (not on the histogram).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../data/npy';
import * as build from '../../formats/onnx/builder';
import { DataType } from '../../formats/onnx/proto';
import { readOnnx, type OnnxModel } from '../../formats/onnx/read';
import { rng } from '../../testing/fixtures';
import { asModel, openSession, ortNodeRunner, relL2 } from './harness.testkit';
import { buildCalibrationModel, calibrate, calibrationTensors, MinMaxCalibrator, MseCalibrator, PercentileCalibrator, quantize, validateQuantizeOptions } from './index';

/** Sum of squared errors of 256-level asymmetric quantization of `values` with the range [lo, hi] widened to 0. */
function quantError(values: ArrayLike<number>[], [lo, hi]: readonly [number, number]): number {
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const scale = (hi - lo) / 255;
  const zp = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  let e = 0;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      const q = Math.min(255, Math.max(0, Math.round(v[i] / scale) + zp));
      e += ((q - zp) * scale - v[i]) ** 2;
    }
  }
  return e;
}

/** Roughly Laplace-distributed values (heavy tails), and a few far outliers. */
function heavyTailed(n: number, seed: number, outliers: number[]): Float32Array {
  const r = rng(seed);
  const v = Float32Array.from({ length: n }, () => -Math.log(1 - r()) * (r() < 0.5 ? -1 : 1));
  outliers.forEach((o, i) => (v[i * 997] = o));
  return v;
}

describe('mse calibration', () => {
  it('clips far outliers, not the tail: less error than minmax or percentile on the values it saw', () => {
    const batches = [heavyTailed(50_000, 1, [25, -20]), heavyTailed(50_000, 2, [22])];
    const [mse, mm, p1, p2] = [new MseCalibrator(), new MinMaxCalibrator(), new PercentileCalibrator(99.9), new PercentileCalibrator(99.99)];
    for (const b of batches) for (const c of [mse, mm, p1, p2]) c.collect('t', b);
    const r = mse.ranges().t;
    // the outliers (25, -20, 22) are clipped, not the bulk (|v| < 12)
    expect(r[1]).toBeLessThan(24);
    expect(r[1]).toBeGreaterThan(12);
    expect(r[0]).toBeGreaterThan(-19);
    expect(r[0]).toBeLessThan(-12);
    const e = quantError(batches, r);
    expect(e).toBeLessThan(0.9 * quantError(batches, mm.ranges().t));
    // percentiles clip the tail itself: several times worse here
    expect(e).toBeLessThan(quantError(batches, p1.ranges().t) / 2);
    expect(e).toBeLessThan(quantError(batches, p2.ranges().t));
  });

  it('a one-sided tensor (after ReLU, many exact zeros) keeps its lower end at 0', () => {
    const v = heavyTailed(20_000, 3, [30]).map((x) => Math.max(0, x));
    const c = new MseCalibrator();
    c.collect('relu', v);
    const [lo, hi] = c.ranges().relu;
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(3);
    expect(hi).toBeLessThan(30);
  });
});

const SAMPLES = process.env.PARETO_SAMPLES_DIR ?? resolve(__dirname, '../../../../public/samples');
const hasMnist = ['mnist-cnn.onnx', 'mnist-test-x.npy'].every((f) => existsSync(join(SAMPLES, f)));

describe.skipIf(!hasMnist)('mse calibration on the MNIST CNN sample (its test split)', () => {
  let model: OnnxModel;
  const values = new Map<string, Float32Array[]>();
  let batches: Record<string, { data: Float32Array; dims: number[] }>[];
  beforeAll(async () => {
    model = readOnnx(readFileSync(join(SAMPLES, 'mnist-cnn.onnx')));
    const xs = readNpy(readFileSync(join(SAMPLES, 'mnist-test-x.npy')));
    const x = xs.data as Float32Array;
    const per = xs.shape.slice(1).reduce((a, b) => a * b, 1);
    const input = model.proto.graph!.input[0].name;
    batches = [0, 1].map((k) => ({ [input]: { data: x.subarray(k * 100 * per, (k + 1) * 100 * per), dims: [100, ...xs.shape.slice(1)] } }));
    // The real activations, read here with onnxruntime-node (independently of calibrate()).
    const cal = buildCalibrationModel(model.proto, calibrationTensors(model.proto));
    const s = await openSession(cal.model, 'node');
    try {
      for (const b of batches) {
        const out = await s.run({ [input]: { type: 'float32', ...b[input] } });
        for (const [t, o] of Object.entries(cal.outputs)) values.set(t, [...(values.get(t) ?? []), out[o]]);
        for (const t of cal.fromInputs) values.set(t, [...(values.get(t) ?? []), b[input].data]);
      }
    } finally {
      await s.release();
    }
  });

  it('every activation range quantizes its values about as well as minmax or clearly better', async () => {
    const [mse, mm] = await Promise.all(['mse', 'minmax'].map((m) => calibrate(model, batches, ortNodeRunner, { calibrationMethod: m as 'mse' })));
    expect(Object.keys(mse.ranges).sort()).toEqual([...values.keys()].sort());
    const ratios = [...values].map(([t, v]) => quantError(v, mse.ranges[t]) / quantError(v, mm.ranges[t]));
    // The search runs on a histogram (bin centres for values): within 2% of minmax where clipping gains nothing
    // (measured: 1.018 on pool1), and 24% less error on conv2.
    for (const r of ratios) expect(r).toBeLessThanOrEqual(1.02);
    expect(Math.min(...ratios)).toBeLessThan(0.85);
    // and static int8 from those ranges gives the float model's classes on the calibration images
    const { model: q } = await quantize.apply(model, quantize.validate({ mode: 'static', activationRanges: mse.ranges }));
    const [sf, sq] = [await openSession(model.proto, 'node'), await openSession(q, 'node')];
    const feed = { [sf.inputNames[0]]: { type: 'float32', ...batches[0][sf.inputNames[0]] } };
    const [yf, yq] = [(await sf.run(feed))[sf.outputNames[0]], (await sq.run(feed))[sq.outputNames[0]]];
    await Promise.all([sf.release(), sq.release()]);
    const argmax = (y: Float32Array, i: number) => y.subarray(i * 10, i * 10 + 10).reduce((b, v, k, a) => (v > a[b] ? k : b), 0);
    let same = 0;
    for (let i = 0; i < 100; i++) if (argmax(yf, i) === argmax(yq, i)) same++;
    expect(same).toBeGreaterThanOrEqual(98);
  });
});

/** x[1, 8, 10, 10] -> Mul(per-channel gains 2^(c - 6)) -> t -> depthwise Conv 3x3 (group 8, pads 1) -> y. */
function depthwiseModel() {
  const C = 8;
  const r = rng(7);
  const { node, graph, valueInfo, floatTensor } = build;
  return build.model({
    graph: graph({
      name: 'dw',
      nodes: [node('Mul', ['x', 'gain'], ['t']), node('Conv', ['t', 'W', 'B'], ['y'], { group: build.attr.i(C), pads: build.attr.ints([1, 1, 1, 1]) }, { name: 'dw' })],
      inputs: [valueInfo('x', DataType.FLOAT, [1, C, 10, 10])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, C, 10, 10])],
      initializers: [
        floatTensor('gain', [1, C, 1, 1], Float32Array.from({ length: C }, (_, c) => 2 ** (c - 6))),
        // weights large where the gain is small, as a later layer that restores the channel's scale would be
        floatTensor('W', [C, 1, 3, 3], Float32Array.from({ length: C * 9 }, (_, i) => (r() * 2 - 1) * 2 ** (6 - Math.floor(i / 9)))),
        floatTensor('B', [C], new Float32Array(C)),
      ],
    }),
    opset: 17,
  });
}

describe('channel equalization (equalizeChannels) of a depthwise Conv', () => {
  it('gives every input channel the whole 8-bit range: several times less error, through a per-channel Mul before a per-tensor Q', async () => {
    const m = asModel(depthwiseModel());
    const r = rng(11);
    const sample = () => ({ x: { data: Float32Array.from({ length: 800 }, () => r() * 2 - 1), dims: [1, 8, 10, 10] } });
    const batches = [sample(), sample(), sample()];
    const test = sample().x;
    const plain = await calibrate(m, batches, ortNodeRunner);
    const eq = await calibrate(m, batches, ortNodeRunner, { equalizeChannels: true });
    expect(plain.equalized).toBeUndefined();
    expect(eq.notEqualized).toEqual([]);
    const s = eq.equalized!.t.scales;
    expect(s.length).toBe(8);
    expect(Math.max(...s)).toBe(1);
    // gains 2^(c - 6): channel 0 spans 1/128 of channel 7's range
    expect(s[0]).toBeGreaterThan(0.5 / 128);
    expect(s[0]).toBeLessThan(2 / 128);
    const errors: number[] = [];
    const float = await openSession(m.proto, 'node');
    const y = (await float.run({ x: { type: 'float32', ...test } })).y;
    await float.release();
    for (const [cal, equalize] of [[plain, false], [eq, true]] as const) {
      const { model: q, report } = await quantize.apply(
        m,
        validateQuantizeOptions({ mode: 'static', activationRanges: cal.ranges, equalizeChannels: equalize, equalizedActivations: cal.equalized }),
      );
      // equalized: t -> Mul(1 / scale per channel, [1, 8, 1, 1]) -> per-tensor Q -> DQ -> Conv
      const muls = q.graph!.node.filter((n) => n.opType === 'Mul' && n.input[0] === 't');
      expect(muls.length).toBe(equalize ? 1 : 0);
      if (equalize) {
        const inv = q.graph!.initializer.find((t) => t.name === muls[0].input[1])!;
        expect(inv.dims.map(Number)).toEqual([1, 8, 1, 1]);
        const q0 = q.graph!.node.find((n) => n.opType === 'QuantizeLinear' && n.input[0] === muls[0].output[0])!;
        expect(q.graph!.initializer.find((t) => t.name === q0.input[1])!.dims).toEqual([]);
      }
      if (equalize) expect(report.notes.join('\n')).toMatch(/input channels of 1 of 1 depthwise Convs/);
      const sq = await openSession(q, 'node');
      errors.push(relL2(y, (await sq.run({ x: { type: 'float32', ...test } })).y));
      await sq.release();
    }
    expect(errors[1]).toBeLessThan(errors[0] / 3);
  });

  it('says when it cannot apply: per-tensor weights, or a mode other than static', async () => {
    const m = asModel(depthwiseModel());
    const x = { data: Float32Array.from({ length: 800 }, (_, i) => Math.sin(i)), dims: [1, 8, 10, 10] };
    const cal = await calibrate(m, [{ x }], ortNodeRunner, { equalizeChannels: true });
    const notes = async (o: object) => (await quantize.apply(m, validateQuantizeOptions({ equalizeChannels: true, ...o }))).report.notes.join('\n');
    expect(await notes({ mode: 'static', perChannel: false, activationRanges: cal.ranges, equalizedActivations: cal.equalized })).toMatch(
      /needs per-channel weights .*: the 1 depthwise Convs are quantized without it/,
    );
    expect(await notes({ mode: 'dynamic' })).toMatch(/applies to static mode, whose calibration measures it; mode 'dynamic' quantizes without it/);
  });

  it('refuses malformed equalization options by name', () => {
    expect(() => validateQuantizeOptions({ equalizeChannels: 'yes' })).toThrow(/equalizeChannels must be true or false/);
    expect(() => validateQuantizeOptions({ equalizedActivations: { t: { scales: [1, 0], range: [0, 1] } } })).toThrow(/scales must be a non-empty list of positive/);
    expect(() => validateQuantizeOptions({ equalizedActivations: { t: { scales: [1], range: [2, 1] } } })).toThrow(/\[min, max\]/);
  });
});
