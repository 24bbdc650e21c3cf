import { describe, expect, it } from 'vitest';
import { mlpModel } from '../testing/fixtures';
import { readModelFiles } from './open';
import { writeOnnx } from './onnx/write';
import { FORMATS, formatOf, isModelFileName } from './registry';

describe('format registry', () => {
  const onnx = writeOnnx(mlpModel());

  it('picks a format by name, then by its bytes, and reads through it', () => {
    expect(FORMATS.map((f) => f.id)).toEqual(['onnx', 'tfjs']);
    expect(formatOf({ name: 'm.ONNX', bytes: new Uint8Array([1, 2, 3]) }).id).toBe('onnx');
    expect(formatOf({ name: 'model', bytes: onnx }).id).toBe('onnx');
    expect(isModelFileName('weights.bin')).toBe(false);
    expect(formatOf({ name: 'export/model.json', bytes: new Uint8Array() }).id).toBe('tfjs');
    expect(formatOf({ name: 'model', bytes: new TextEncoder().encode('{"modelTopology": {}}') }).id).toBe('tfjs');
    const read = readModelFiles([{ name: 'model', bytes: onnx }]);
    expect(read.format).toBe('onnx');
    expect(read.bytes).toBe(onnx);
    expect(read.model.proto.graph?.node.length).toBe(mlpModel().graph?.node.length);
  });

  it('a file no format recognises gets the default reader, which says what the file is', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    expect(() => readModelFiles([{ name: 'picture', bytes: png }])).toThrow(/not an ONNX model: it looks like a PNG image/);
  });
});
