/** specDataset: the synthetic items a benchmark's fidelity compares, made by the input spec. */
import { describe, expect, it } from 'vitest';
import type { TensorSignature } from '../inspect/summary';
import { specDataset } from './dataset-files';
import { resolveInputSpec } from './input-spec';

const sig = (name: string, shape: TensorSignature['shape'], dtype = 'float32'): TensorSignature => ({ name, dtype, shape });
const out = [sig('y', ['batch', 4])];

describe('specDataset', () => {
  it('a 320×320 image: as many items as fit 4 Mi values (13), along the batch axis', () => {
    const spec = resolveInputSpec({ inputs: [sig('image', ['batch', 3, 'H', 'W'])] }, { dims: { H: 320, W: 320 } });
    const d = specDataset(spec, out);
    if (typeof d === 'string') throw new Error(d);
    expect(d.count).toBe(13);
    expect(d.inputs.image.dims).toEqual([13, 3, 320, 320]);
  });

  it('a fixed first dim ([1, 8]) is batch-first at that batch: 64 items made along it', () => {
    const d = specDataset(resolveInputSpec({ inputs: [sig('x', [1, 8])] }), out);
    if (typeof d === 'string') throw new Error(d);
    expect(d.inputs.x.dims).toEqual([64, 8]);
  });

  it('recurrent state [2, batch, 128] or a scalar: no items, and why', () => {
    const spec = resolveInputSpec({ inputs: [sig('input', ['batch', 512]), sig('state', [2, 'batch', 128]), sig('sr', [], 'int64')] }, { values: { sr: 16000 } });
    expect(specDataset(spec, out)).toMatch(/"state" \[2, 1, 128\], "sr" \[\] have none \(a scalar or a state\)/);
  });

  it('an input named __proto__ is an input like any other', () => {
    const d = specDataset(resolveInputSpec({ inputs: [sig('__proto__', ['batch', 8])] }), out);
    if (typeof d === 'string') throw new Error(d);
    expect(Object.keys(d.inputs)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(d.inputs, '__proto__')!.value.dims).toEqual([64, 8]);
  });
});
