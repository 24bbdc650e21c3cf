import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ort } from '../../runtimes/ort-node';
import { isParetoError, type ParetoError } from '../errors';
import { externalDataModel, initializerIdentityModel, randomFloats, toExternal, mlpModel } from '../testing/fixtures';
import * as build from '../formats/onnx/builder';
import { DataType } from '../formats/onnx/proto';
import { float32Data, tensorBytes } from '../formats/onnx/tensor';
import { writeOnnx } from '../formats/onnx/write';
import { pickModelFile } from '../formats/open';
import { openModelFiles, type InputFile } from './open';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pareto-open-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function openError(files: InputFile[], loadExternal?: (loc: string) => Uint8Array | undefined): ParetoError {
  try {
    openModelFiles(files, loadExternal);
  } catch (e) {
    if (isParetoError(e)) return e;
    throw new Error(`expected a ParetoError, got ${String(e)}`);
  }
  throw new Error('expected openModelFiles to throw');
}

/** y = (x W1 + B1) W2 computed from the weights as we read them. */
function reference(x: Float32Array, W1: Float32Array, B1: Float32Array, W2: Float32Array): number[] {
  const h = Array.from({ length: 8 }, (_, j) => B1[j] + x.reduce((s, xi, i) => s + xi * W1[i * 8 + j], 0));
  return [0, 1].map((k) => h.reduce((s, hj, j) => s + hj * W2[j * 2 + k], 0));
}

describe('openModelFiles with external data', () => {
  const fx = externalDataModel();
  const modelBytes = writeOnnx(fx.model);

  const check = (files: InputFile[]) => {
    const opened = openModelFiles(files);
    const ext = opened.model.external;
    const [W1, B1, W2] = opened.model.proto.graph!.initializer.map((t) => float32Data(t, ext));
    expect(Array.from(W1)).toEqual(Array.from(fx.values.W1));
    expect(Array.from(B1)).toEqual(Array.from(fx.values.B1));
    expect(Array.from(W2)).toEqual(Array.from(fx.values.W2));
    expect(opened.summary.externalDataFiles.sort()).toEqual(['w2.bin', 'weights/w1.bin']);
    expect(opened.summary.externalDataBytes).toBe(163 + 64);
    expect(opened.summary.weightLocations.external).toEqual({ tensors: 3, parameters: 56, bytes: 224 });
    return opened;
  };

  it('matches data files by relative path', () => {
    const opened = check([
      { name: 'model.onnx', bytes: modelBytes },
      { name: 'weights/w1.bin', bytes: fx.files['weights/w1.bin'] },
      { name: 'w2.bin', bytes: fx.files['w2.bin'] },
    ]);
    expect(opened.fileName).toBe('model.onnx');
  });

  it('matches data files by base name (dropped without their folder), in any order', () => {
    check([
      { name: 'w1.bin', bytes: fx.files['weights/w1.bin'] },
      { name: 'model.onnx', bytes: modelBytes },
      { name: 'w2.bin', bytes: fx.files['w2.bin'] },
    ]);
  });

  it('matches by path relative to the model when a whole folder is dropped, even when base names collide', () => {
    // Two data files named "w.bin" in different folders: base-name matching alone would mix them up.
    const a = randomFloats(4, 1);
    const b = randomFloats(4, 2);
    const ta = toExternal(build.floatTensor('A', [4], a), 'a/w.bin');
    const tb = toExternal(build.floatTensor('B', [4], b), 'b/w.bin');
    const m = build.model({
      graph: build.graph({
        name: 'g',
        nodes: [build.node('Add', ['A', 'B'], ['y'])],
        inputs: [],
        outputs: [build.valueInfo('y', DataType.FLOAT, [4])],
        initializers: [ta.tensor, tb.tensor],
      }),
    });
    const opened = openModelFiles([
      { name: 'export/model.onnx', bytes: writeOnnx(m) },
      { name: 'export/a/w.bin', bytes: ta.file },
      { name: 'export/b/w.bin', bytes: tb.file },
    ]);
    const [A, B] = opened.model.proto.graph!.initializer.map((t) => Array.from(float32Data(t, opened.model.external)));
    expect(A).toEqual(Array.from(a));
    expect(B).toEqual(Array.from(b));
  });

  it('a missing data file -> missing-external-data naming the file', () => {
    const e = openError([
      { name: 'model.onnx', bytes: modelBytes },
      { name: 'w2.bin', bytes: fx.files['w2.bin'] },
    ]);
    expect(e.code).toBe('missing-external-data');
    expect(e.message).toContain('weights/w1.bin');
    expect(e.message).not.toContain('w2.bin');
    expect(e.message).toMatch(/Open the \.onnx file together with its data file/);
    expect(e.details).toEqual(['weights/w1.bin']);
    expect(openError([{ name: 'model.onnx', bytes: modelBytes }]).details?.sort()).toEqual(['w2.bin', 'weights/w1.bin']);
  });

  it('a data file too short -> a clear error naming the tensor, the file and the sizes', () => {
    const e = openError([
      { name: 'model.onnx', bytes: modelBytes },
      { name: 'weights/w1.bin', bytes: fx.files['weights/w1.bin'].subarray(0, 150) },
      { name: 'w2.bin', bytes: fx.files['w2.bin'] },
    ]);
    expect(e.code).toBe('missing-external-data');
    expect(e.message).toBe(
      'Tensor "B1" needs bytes 131..163 of "weights/w1.bin", which has only 150 bytes: the data file is truncated or belongs to another model.',
    );
  });

  it('a Constant node whose tensor is external is checked the same way', () => {
    const ext = toExternal(build.floatTensor('c', [8], randomFloats(8, 3)), 'const.bin', 0);
    const m = build.model({
      graph: build.graph({
        name: 'g',
        nodes: [build.node('Constant', [], ['y'], { value: build.attr.t(ext.tensor) })],
        inputs: [],
        outputs: [build.valueInfo('y', DataType.FLOAT, [8])],
      }),
    });
    const bytes = writeOnnx(m);
    expect(openError([{ name: 'm.onnx', bytes }]).details).toEqual(['const.bin']);
    const short = openError([
      { name: 'm.onnx', bytes },
      { name: 'const.bin', bytes: ext.file.subarray(0, 16) },
    ]);
    expect(short.code).toBe('missing-external-data');
    expect(short.message).toMatch(/Tensor "c" needs bytes 0\.\.32 of "const\.bin", which has only 16 bytes/);
    const ok = openModelFiles([
      { name: 'm.onnx', bytes },
      { name: 'const.bin', bytes: ext.file },
    ]);
    expect(ok.summary.weightLocations.constant).toEqual({ tensors: 1, parameters: 8, bytes: 32 });
    expect(ok.summary.weightLocations.external).toEqual({ tensors: 1, parameters: 8, bytes: 32 });
  });

  it('from disk: onnxruntime follows the relative paths and agrees with our tensorBytes', async () => {
    const dir = path.join(tmp, 'ext');
    fs.mkdirSync(path.join(dir, 'weights'), { recursive: true });
    const modelPath = path.join(dir, 'model.onnx');
    fs.writeFileSync(modelPath, modelBytes);
    for (const [loc, bytes] of Object.entries(fx.files)) fs.writeFileSync(path.join(dir, loc), bytes);

    // The CLI path: the data files are read from disk on demand.
    const opened = openModelFiles([{ name: 'model.onnx', bytes: new Uint8Array(fs.readFileSync(modelPath)) }], (loc) =>
      new Uint8Array(fs.readFileSync(path.join(dir, loc))),
    );
    const weights = opened.model.proto.graph!.initializer.map((t) => float32Data(t, opened.model.external));

    // Each weight alone, through Identity: onnxruntime's bytes equal tensorBytes.
    for (const t of opened.model.proto.graph!.initializer) {
      const idPath = path.join(dir, `id_${t.name}.onnx`);
      fs.writeFileSync(idPath, writeOnnx(initializerIdentityModel(t)));
      const s = await ort.InferenceSession.create(idPath);
      const out = (await s.run({})).out.data as Float32Array;
      await s.release();
      expect(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)).toEqual(new Uint8Array(tensorBytes(t, opened.model.external)));
    }

    // The whole model.
    const session = await ort.InferenceSession.create(modelPath);
    const x = Float32Array.of(0.5, -1, 2, 0.25);
    const y = (await session.run({ x: new ort.Tensor('float32', x, [1, 4]) })).y.data as Float32Array;
    await session.release();
    const want = reference(x, weights[0], weights[1], weights[2]);
    Array.from(y).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });
});

describe('pickModelFile', () => {
  it('picks the one .onnx file, refuses several or none', () => {
    expect(pickModelFile([{ name: 'a.bin' }, { name: 'M.ONNX' }])).toBe(1);
    expect(pickModelFile([{ name: 'noext' }])).toBe(0);
    expect(() => pickModelFile([])).toThrow(/No file was given/);
    expect(() => pickModelFile([{ name: 'a.onnx' }, { name: 'b.onnx' }])).toThrow(/Open one model at a time/);
    expect(() => pickModelFile([{ name: 'a.bin' }, { name: 'b.bin' }])).toThrow(/is an \.onnx model/);
  });

  it('a single file without extension is read (and sniffed)', () => {
    expect(openModelFiles([{ name: 'model', bytes: writeOnnx(mlpModel()) }]).summary.parameters.total).toBe(67);
    const e = openError([{ name: 'picture', bytes: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10) }]);
    expect(e.code).toBe('not-onnx');
    expect(e.message).toBe('"picture" is not an ONNX model: it looks like a PNG image.');
  });
});
