import { describe, expect, it } from 'vitest';

/** Byte equality (vitest's deep equality walks typed arrays element by element: slow for models). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
import { readOnnx } from '../../formats/onnx/read';
import { writeOnnx } from '../../formats/onnx/write';
import { ifSubgraphModel, mlpModel } from '../../testing/fixtures';
import { unknownFieldsModel } from '../../testing/unknown-fields';
import { cloneModelSharingBytes } from './clone-sharing-bytes';

describe('cloneModelSharingBytes', () => {
  it('writes the same bytes (unknown fields, metadata, subgraphs) and shares tensor data', () => {
    const { bytes } = unknownFieldsModel();
    const m = readOnnx(bytes).proto;
    const c = cloneModelSharingBytes(m);
    expect(same(writeOnnx(c), writeOnnx(m))).toBe(true);
    expect(c.graph).not.toBe(m.graph);
    expect(c.graph!.initializer[0]).not.toBe(m.graph!.initializer[0]);
    expect(c.graph!.initializer[0].rawData).toBe(m.graph!.initializer[0].rawData);
    for (const f of [mlpModel, ifSubgraphModel]) expect(same(writeOnnx(cloneModelSharingBytes(f())), writeOnnx(f()))).toBe(true);
  });

  it('edits to the copy leave the original alone', () => {
    const m = ifSubgraphModel();
    const before = writeOnnx(m);
    const c = cloneModelSharingBytes(m);
    const sub = c.graph!.node[0].attribute[0].g!;
    sub.initializer[0].rawData = new Uint8Array(sub.initializer[0].rawData.length);
    sub.initializer[0].dims.push(1n);
    c.graph!.node[0].name = 'renamed';
    c.graph!.input.pop();
    c.opsetImport[0].version = 99n;
    expect(same(writeOnnx(m), before)).toBe(true);
  });
});
