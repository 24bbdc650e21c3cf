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

  it('recurrent state [2, batch, 128] fed per sample (the spec\'s zeros at batch 1), a scalar the same for every item', () => {
    const spec = resolveInputSpec({ inputs: [sig('input', ['batch', 512]), sig('state', [2, 'batch', 128]), sig('sr', [], 'int64')] }, { values: { sr: 16000 } });
    const d = specDataset(spec, out);
    if (typeof d === 'string') throw new Error(d);
    expect(d.count).toBe(64);
    expect(d.inputs.input.dims).toEqual([64, 512]);
    // Items differ: the frames are the spec's seeded uniform fill, not one frame repeated.
    const frames = d.inputs.input.data as Float32Array;
    expect(frames.slice(0, 512)).not.toEqual(frames.slice(512, 1024));
    expect(Object.keys(d.inputs)).toEqual(['input']);
    expect(d.perSample?.state.dims).toEqual([64, 2, 1, 128]);
    expect((d.perSample!.state.data as Float32Array).every((v) => v === 0)).toBe(true);
    expect(d.constants?.sr).toEqual({ dtype: 'int64', dims: [], data: BigInt64Array.of(16000n) });
    expect(d.source).toBe('64 synthetic inputs made by the input spec (seeded); "state" per sample (one item a run), "sr" the same for every item');
    // The batch-first frames are those of a spec without the state and scalar: the same seeded fill.
    const alone = specDataset(resolveInputSpec({ inputs: [sig('input', ['batch', 512])] }), out);
    if (typeof alone === 'string') throw new Error(alone);
    expect(alone.inputs.input.data).toEqual(d.inputs.input.data);
  });

  it('a state that is not zeros (--value state=normal) differs from sample to sample; only scalars: no items, and why', () => {
    const spec = resolveInputSpec({ inputs: [sig('x', ['batch', 4]), sig('h', [1, 'batch', 8])] }, { values: { h: 'normal' } });
    const d = specDataset(spec, out);
    if (typeof d === 'string') throw new Error(d);
    const h = d.perSample!.h.data as Float32Array;
    expect(d.perSample!.h.dims).toEqual([64, 1, 1, 8]);
    expect(h.slice(0, 8)).not.toEqual(h.slice(8, 16));
    const scalars = resolveInputSpec({ inputs: [sig('a', [], 'int64'), sig('b', [], 'int64')] }, { values: { a: 1, b: 2 } });
    expect(specDataset(scalars, out)).toBe('every input is a scalar ("a", "b"), so there are no items to compare: latency only');
  });

  it('an input named __proto__ is an input like any other', () => {
    const d = specDataset(resolveInputSpec({ inputs: [sig('__proto__', ['batch', 8])] }), out);
    if (typeof d === 'string') throw new Error(d);
    expect(Object.keys(d.inputs)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(d.inputs, '__proto__')!.value.dims).toEqual([64, 8]);
  });
});
