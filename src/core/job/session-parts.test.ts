import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { DataLocation, ModelProtoSchema } from '../formats/onnx/proto';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { sessionParts, tensorBuffers } from './session-parts';
import { expectSame } from '../testing/same.testkit';

// Outputs from these parts equal the whole file's in onnxruntime-web: optimize.test.ts runs a job both ways.
describe('sessionParts and tensorBuffers: a model for onnxruntime-web with its weights as views, lent and given back', () => {
  it('mnist-cnn.onnx: the weights move out as views of the file, the model is left as it was, and comes back whole', () => {
    const bytes = new Uint8Array(readFileSync('public/samples/mnist-cnn.onnx'));
    const model = readOnnx(bytes, { fileName: 'mnist-cnn.onnx' });
    const before = writeOnnx(model.proto);
    const parts = sessionParts(model);

    // Weights moved out: the graph is a small fraction of the file, and every moved tensor views the file's buffer.
    expect(parts.externalData.length).toBeGreaterThan(0);
    expect(parts.graph.length).toBeLessThan(bytes.length / 10);
    expect(new Set(parts.externalData.map((e) => e.data.buffer))).toEqual(new Set([bytes.buffer]));
    expect(parts.externalData.reduce((s, e) => s + e.data.length, 0) + parts.graph.length).toBeGreaterThan(bytes.length * 0.95);
    const graph = fromBinary(ModelProtoSchema, parts.graph).graph!;
    const external = graph.initializer.filter((t) => t.dataLocation === DataLocation.EXTERNAL);
    expect(external.length).toBe(parts.externalData.length);
    expect(external.every((t) => t.rawData.length === 0)).toBe(true);
    expectSame(writeOnnx(model.proto), before);

    // Lend the file's buffer as to a worker (transferred: the model's views are detached meanwhile), then take it back.
    const lent = tensorBuffers(model.proto, model.external, 1024);
    expect(lent.buffers).toEqual([bytes.buffer]);
    const there = structuredClone({ parts, buffers: lent.buffers }, { transfer: lent.buffers });
    expect(bytes.byteLength).toBe(0);
    expect(model.proto.graph!.initializer.every((t) => t.rawData.byteLength === 0)).toBe(true);
    expect(there.parts.externalData.every((e) => e.data.buffer === there.buffers[0])).toBe(true);
    lent.reattach(structuredClone(there.buffers, { transfer: there.buffers }));
    expectSame(writeOnnx(model.proto), before);
  });

  it('a buffer that external data files share is not lent (it is copied instead)', () => {
    const bytes = new Uint8Array(readFileSync('public/samples/mnist-cnn.onnx'));
    const model = readOnnx(bytes, { fileName: 'mnist-cnn.onnx' });
    expect(tensorBuffers(model.proto, new Map([['w.bin', bytes.subarray(0, 8)]]), 1024).buffers).toEqual([]);
  });
});
