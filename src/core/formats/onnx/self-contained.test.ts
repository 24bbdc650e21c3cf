import { describe, expect, it } from 'vitest';
import { ortNode } from '../../../runtimes/ort-node';
import { externalDataModel, mlpModel } from '../../testing/fixtures';
import { readOnnx } from './read';
import { concatParts, externalTensors, selfContainedBytes, selfContainedFromBytes } from './self-contained';
import { writeOnnx, writeOnnxParts } from './write';

describe('self-contained bytes', () => {
  it('a model that keeps nothing outside is its own file bytes', () => {
    const bytes = writeOnnx(mlpModel());
    expect(selfContainedBytes(readOnnx(bytes), bytes)).toBe(bytes);
  });

  it('external weights move inside: the result runs in onnxruntime with the same values', async () => {
    const fx = externalDataModel();
    const file = writeOnnx(fx.model);
    const external = new Map(Object.entries(fx.files));
    const model = readOnnx(file, { loadExternal: (loc) => external.get(loc) });
    expect(externalTensors(model.proto)).toHaveLength(3);
    const bytes = selfContainedFromBytes(file, external);
    expect(bytes).not.toBe(file);
    const inside = readOnnx(bytes);
    expect(externalTensors(inside.proto)).toEqual([]);
    const s = await ortNode.createSession(bytes);
    const x = Float32Array.of(1, 0, 0, 0);
    const y = (await s.run({ x: { dtype: 'float32', dims: [1, 4], data: x } })).y.data as Float32Array;
    await s.release();
    // y = (x W1 + B1) W2 with x = e0: row 0 of W1, plus B1, times W2.
    const { W1, B1, W2 } = fx.values;
    const h = Array.from({ length: 8 }, (_, j) => W1[j] + B1[j]);
    for (let k = 0; k < 2; k++) expect(y[k]).toBeCloseTo(h.reduce((a, v, j) => a + v * W2[j * 2 + k], 0), 5);
  });

  it('concatParts joins the parts into one new buffer', () => {
    const parts = writeOnnxParts(mlpModel());
    const one = concatParts(parts);
    expect(one).toEqual(writeOnnx(mlpModel()));
    expect(concatParts([one]).buffer).not.toBe(one.buffer);
  });
});
