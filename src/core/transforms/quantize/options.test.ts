import { describe, expect, it } from 'vitest';
import { ParetoError } from '../../errors';
import { quantize } from './index';
import { defaultQuantizeOptions, validateQuantizeOptions } from './options';

function badInput(options: unknown): string {
  try {
    validateQuantizeOptions(options);
  } catch (e) {
    expect(e).toBeInstanceOf(ParetoError);
    expect((e as ParetoError).code).toBe('bad-input');
    return (e as Error).message;
  }
  throw new Error('expected a bad-input error');
}

describe('quantize options', () => {
  it('fills defaults', () => {
    expect(validateQuantizeOptions({})).toEqual(defaultQuantizeOptions);
    expect(validateQuantizeOptions(undefined)).toEqual(defaultQuantizeOptions);
    expect(quantize.defaults.mode).toBe('dynamic');
    expect(quantize.defaults.perChannel).toBe(true);
    expect(quantize.defaults.opTypes).toEqual(['MatMul', 'Gemm', 'Conv']);
  });

  it('keeps valid values', () => {
    const o = validateQuantizeOptions({
      mode: 'static',
      perChannel: false,
      symmetric: false,
      activationType: 'int8',
      opTypes: ['Conv'],
      excludeNodes: ['fc1'],
      excludeOpTypes: ['Gemm'],
      keepFirstLayerFloat: true,
      keepLastLayerFloat: true,
      calibrationMethod: 'percentile',
      percentile: 99.9,
      activationRanges: { x: [-1, 2] },
    });
    expect(o).toMatchObject({ mode: 'static', perChannel: false, activationType: 'int8', opTypes: ['Conv'], percentile: 99.9 });
    expect(o.activationRanges).toEqual({ x: [-1, 2] });
  });

  it('rejects impossible options with a specific message', () => {
    expect(badInput({ opTypes: ['MatMul', 'LSTM'] })).toMatch(/Cannot quantize op type 'LSTM'.*supported op types are 'MatMul', 'Gemm', 'Conv'/);
    expect(badInput({ opTypes: [] })).toMatch(/opTypes is empty/);
    expect(badInput({ percentile: 120 })).toMatch(/percentile must be a number in \(50, 100\]/);
    expect(badInput({ percentile: 10 })).toMatch(/percentile/);
    expect(badInput({ percentile: '99' })).toMatch(/percentile/);
    expect(badInput({ mode: 'int4' })).toMatch(/mode must be one of 'dynamic', 'static', 'weight-only', 'fp16'; got "int4"/);
    expect(badInput({ mode: 'static' })).toMatch(/Static quantization needs activationRanges.*calibrate\(\)/);
    expect(badInput({ mode: 'static', activationRanges: {} })).toMatch(/needs activationRanges/);
    expect(badInput({ activationRanges: { x: [2, 1] } })).toMatch(/activationRanges\["x"\] must be \[min, max\]/);
    expect(badInput({ activationRanges: { x: [0, Infinity] } })).toMatch(/finite/);
    expect(badInput({ activationType: 'int16' })).toMatch(/activationType must be one of 'uint8', 'int8'/);
    expect(badInput({ calibrationMethod: 'entropy' })).toMatch(/calibrationMethod must be one of 'minmax', 'percentile'/);
    expect(badInput({ perChannel: 'yes' })).toMatch(/perChannel must be true or false/);
    expect(badInput({ excludeNodes: 'fc1' })).toMatch(/excludeNodes must be a list of names/);
    expect(badInput({ perchannel: true })).toMatch(/Unknown quantize option 'perchannel'/);
    expect(badInput([1])).toMatch(/must be an object/);
  });
});
