import { describe, expect, it } from 'vitest';
import { ParetoError } from '../../errors';
import { ifSubgraphModel, mlpModel, randomFloats, rng } from '../../testing/fixtures';
import { asModel, floatFeed, ortNodeRunner, relL2, roundTrip, runOnce } from './harness.testkit';
import {
  buildCalibrationModel,
  calibrate,
  calibrationTensors,
  MinMaxCalibrator,
  normalizeFeeds,
  PercentileCalibrator,
  quantize,
} from './index';
import { loopModel } from './local-fixtures.testkit';

describe('calibrators', () => {
  it('MinMax: smallest and largest over all batches, NaN ignored; unseen tensors get no range', () => {
    const c = new MinMaxCalibrator();
    c.collect('a', Float32Array.of(1, -2, NaN));
    c.collect('a', Float32Array.of(5, 0));
    c.collect('empty', new Float32Array(0));
    expect(c.ranges()).toEqual({ a: [-2, 5] });
  });

  it('Percentile: drops rare outliers, keeps the bulk; 100 equals min/max', () => {
    const r = rng(3);
    const p = new PercentileCalibrator(99.9);
    const all = new PercentileCalibrator(100);
    for (let b = 0; b < 10; b++) {
      // growing ranges across batches exercise the histogram's range doubling
      const v = Float32Array.from({ length: 10000 }, () => (r() * 2 - 1) * (b + 1));
      if (b === 5) v[17] = 1000; // one outlier in 100000 values
      p.collect('t', v);
      all.collect('t', v);
    }
    const [lo, hi] = p.ranges().t;
    expect(hi).toBeGreaterThan(8.5);
    expect(hi).toBeLessThan(10.01);
    expect(lo).toBeLessThan(-8.5);
    expect(all.ranges().t[1]).toBe(1000);
    expect(() => new PercentileCalibrator(40)).toThrow(ParetoError);
  });
});

describe('calibration model', () => {
  it('exposes the activations of quantizable nodes as extra outputs, without changing the input model', () => {
    const m = mlpModel();
    const outputsBefore = m.graph!.output.length;
    expect(calibrationTensors(m)).toEqual(['x', 'h', 'r', 'm']);
    expect(calibrationTensors(m, { opTypes: ['MatMul'] })).toEqual(['r', 'm']);
    const cal = buildCalibrationModel(m, calibrationTensors(m));
    expect(cal.fromInputs).toEqual(['x']);
    expect(cal.outputs).toEqual({ h: 'h', r: 'r', m: 'm' });
    expect(cal.model.graph!.output.map((o) => o.name)).toEqual(['y', 'h', 'r', 'm']);
    expect(m.graph!.output.length).toBe(outputsBefore);
    roundTrip(cal.model);
  });

  it('routes tensors out of If branches (empty tensor from the other branch) and Loop bodies (scan outputs)', async () => {
    const ifm = ifSubgraphModel();
    const cal = buildCalibrationModel(ifm, calibrationTensors(ifm));
    expect(Object.keys(cal.outputs).sort()).toEqual(['e_out', 't_out']);
    const x = floatFeed(randomFloats(128, 1), [1, 128]);
    for (const cond of [true, false]) {
      const feeds = { cond: { type: 'bool', data: Uint8Array.of(cond ? 1 : 0), dims: [] }, x };
      const want = await runOnce(ifm, feeds, 'node');
      const got = await runOnce(cal.model, feeds, 'node', cal.outputs[cond ? 't_out' : 'e_out']);
      const other = await runOnce(cal.model, feeds, 'node', cal.outputs[cond ? 'e_out' : 't_out']);
      expect(got).toEqual(want);
      expect(other.length).toBe(0);
    }
    const loop = loopModel();
    const lc = buildCalibrationModel(loop, calibrationTensors(loop));
    expect(Object.keys(lc.outputs).sort()).toEqual(['lm']);
    expect(lc.fromInputs).toEqual(['x']);
    const lm = await runOnce(lc.model, { x: floatFeed(randomFloats(16, 2), [1, 16]) }, 'node', lc.outputs.lm);
    expect(lm.length).toBe(3 * 8); // every iteration, stacked
  });

  it('calibrate(): ranges from the runtime, and static quantization of a Loop body', async () => {
    const loop = asModel(loopModel());
    const r = await calibrate(loop, [1, 2, 3].map((s) => randomFloats(16, s)), ortNodeRunner, { calibrationMethod: 'percentile', percentile: 99.99 });
    expect(r.batches).toBe(3);
    expect(Object.keys(r.ranges).sort()).toEqual(['lm', 'x']);
    expect(r.ranges.x[0]).toBeLessThan(0);
    const { model, report } = await quantize.apply(loop, quantize.validate({ mode: 'static', activationRanges: r.ranges }));
    expect(report.stats.quantizedNodes).toBe(1);
    const x = { x: floatFeed(randomFloats(16, 2), [1, 16]) };
    expect(relL2(await runOnce(roundTrip(model).proto, x, 'web'), await runOnce(loop.proto, x, 'node'))).toBeLessThan(0.05);
  });

  it('a branch no batch took has no range: its node stays float', async () => {
    const m = asModel(ifSubgraphModel());
    const onlyThen = [1, 2].map((s) => ({ cond: Uint8Array.of(1), x: randomFloats(128, s) }));
    const r = await calibrate(m, onlyThen, ortNodeRunner);
    expect(r.unavailable).toEqual(['e_out']);
    const { report } = await quantize.apply(m, quantize.validate({ mode: 'static', activationRanges: r.ranges }));
    expect(report.skipped).toEqual([{ node: 'else_matmul', opType: 'MatMul', reason: 'no calibrated range for activation "e_out"' }]);
  });

  it('feeds: dims from the declared shape, types from the model, clear errors', () => {
    const m = mlpModel();
    expect(normalizeFeeds(m, randomFloats(12, 1))).toEqual({ x: { type: 'float32', data: expect.any(Float32Array), dims: [3, 4] } });
    expect(() => normalizeFeeds(m, randomFloats(7, 1))).toThrow(/expects shape \[\?, 4\]; a batch has 7 values/);
    expect(() => normalizeFeeds(m, { y: randomFloats(4, 1) })).toThrow(/no value for input "x"/);
    expect(() => normalizeFeeds(ifSubgraphModel(), randomFloats(128, 1))).toThrow(/has 2 inputs \(cond, x\)/);
    expect(normalizeFeeds(ifSubgraphModel(), { cond: Uint8Array.of(1), x: randomFloats(128, 1) }).cond).toEqual({ type: 'bool', data: Uint8Array.of(1), dims: [] });
  });

  it('needs at least one batch', async () => {
    await expect(calibrate(asModel(mlpModel()), [], ortNodeRunner)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringMatching(/at least one batch/) });
  });
});
