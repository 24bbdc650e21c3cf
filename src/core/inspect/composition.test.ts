import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { DataType, GraphProtoSchema, ModelProtoSchema, TensorProtoSchema } from '../formats/onnx/proto';
import { weightComposition } from './composition';

/** A model with one float32 [3, 70000] weight whose raw data starts at byte `offset` of its buffer. */
function modelWith(values: Float32Array, offset: number) {
  const buf = new Uint8Array(values.byteLength + offset);
  buf.set(new Uint8Array(values.buffer), offset);
  const t = create(TensorProtoSchema, { name: 'w', dims: [3n, BigInt(values.length / 3)], dataType: DataType.FLOAT, rawData: buf.subarray(offset) });
  return create(ModelProtoSchema, { graph: create(GraphProtoSchema, { initializer: [t] }) });
}

describe('weightComposition', () => {
  it('counts exact zeros (±0) of raw data at any alignment, across chunks', () => {
    const n = 210_000; // more than one 65,536-element chunk
    const values = new Float32Array(n);
    let zeros = 0;
    for (let i = 0; i < n; i++) {
      values[i] = i % 7 === 0 ? (i % 2 ? -0 : 0) : i % 5 === 0 ? 1e-30 : i - n / 2;
      if (values[i] === 0) zeros++;
    }
    for (const offset of [0, 1, 2, 3]) {
      const c = weightComposition(modelWith(values, offset), new Map());
      expect(c.parameters).toBe(n);
      expect(c.zeros).toBe(zeros);
    }
  });
});
