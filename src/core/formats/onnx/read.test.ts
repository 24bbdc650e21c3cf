import { describe, expect, it } from 'vitest';
import { toBinary } from '@bufbuild/protobuf';
import { isParetoError, type ParetoError } from '../../errors';
import { concatBytes, constantWeightsModel, convNetModel, ifSubgraphModel, mlpModel, randomFloats, rng, toTypedFields } from '../../testing/fixtures';
import { lenField, unknownFieldsModel, varintField } from '../../testing/unknown-fields';
import * as build from './builder';
import { DataType, ModelProtoSchema, type ModelProto, type TensorProto } from './proto';
import { MAX_PROTOBUF_BYTES, readOnnx, validateGraph } from './read';
import { graphsOf } from './walk';
import { writeOnnx, writeOnnxParts } from './write';

const { node, graph, valueInfo, floatTensor, attr } = build;

/** The ParetoError readOnnx throws (fails the test when it does not throw one). */
function readError(bytes: Uint8Array, fileName?: string): ParetoError {
  try {
    readOnnx(bytes, { fileName });
  } catch (e) {
    if (isParetoError(e)) return e;
    throw new Error(`expected a ParetoError, got ${String(e)}`);
  }
  throw new Error('expected readOnnx to throw');
}

/** Every tensor holding data in the model (initializers and attribute tensors, all graphs). */
function allTensors(m: ModelProto): TensorProto[] {
  const out: TensorProto[] = [];
  for (const { graph: g } of graphsOf(m)) {
    out.push(...g.initializer);
    for (const n of g.node) for (const a of n.attribute) if (a.t) out.push(a.t);
  }
  return out;
}

describe('readOnnx: decoding through the protobuf library without copying tensor bytes', () => {
  it('raw_data of initializers, Constant tensors and subgraph tensors are views into the input buffer', () => {
    for (const m of [convNetModel(), constantWeightsModel(), ifSubgraphModel()]) {
      const bytes = writeOnnx(m);
      const read = readOnnx(bytes);
      const tensors = allTensors(read.proto);
      expect(tensors.length).toBeGreaterThan(0);
      for (const t of tensors) {
        expect(t.rawData.length).toBeGreaterThan(0);
        expect(t.rawData.buffer).toBe(bytes.buffer);
        expect(t.rawData.byteOffset).toBeGreaterThanOrEqual(bytes.byteOffset);
        expect(t.rawData.byteOffset + t.rawData.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
      }
      expect(read.byteLength).toBe(bytes.length);
      expect(read.external.size).toBe(0);
    }
  });

  it('also when the input is a subarray of a larger buffer at an odd offset, and for hand-encoded bytes', () => {
    const { bytes } = unknownFieldsModel();
    const host = new Uint8Array(bytes.length + 7);
    host.set(bytes, 3);
    const view = host.subarray(3, 3 + bytes.length);
    const read = readOnnx(view);
    for (const t of allTensors(read.proto)) {
      expect(t.rawData.buffer).toBe(host.buffer);
      // Same bytes as the tensor in the unshifted file.
      expect(t.rawData.byteOffset - 3).toBeGreaterThanOrEqual(0);
    }
    const big = read.proto.graph!.initializer.find((t) => t.name === 'scale_big')!;
    expect(big.rawData.length).toBe(128 * 160 * 4);
  });
});

describe('readOnnx: input that is not ONNX', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /is empty/],
    [
      'a PNG header',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      /PNG image/,
    ],
    ['JSON text', new TextEncoder().encode('{"modelTopology": {"layers": []}, "weightsManifest": []}'), /JSON/],
    ['plain text', new TextEncoder().encode('hello, this is not a model\n'), /text file/],
    [
      'a .npy array',
      concatBytes([Uint8Array.of(0x93), new TextEncoder().encode("NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), new Uint8Array(12)]),
      /NumPy \.npy/,
    ],
    ['a ZIP (PyTorch .pt)', Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0), /ZIP archive/],
    ['gzip', Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3), /gzip/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`${what} -> not-onnx with a specific message`, () => {
      const e = readError(bytes, 'input.bin');
      if (bytes.length === 0) expect(e.code).toBe('not-onnx');
      expect(e.code).toBe('not-onnx');
      expect(e.message).toMatch(message);
      expect(e.message).toContain('"input.bin"');
    });
  }

  it('random bytes -> not-onnx, never "truncated"', () => {
    const r = rng(2024);
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(r() * 400) }, () => Math.floor(r() * 256));
      const e = readError(bytes);
      expect(e.code, `random input #${i}`).toBe('not-onnx');
      expect(e.message).toMatch(/is not an ONNX model/);
    }
  });

  it('a file over 2 GiB -> too-large (checked before anything is decoded)', () => {
    const huge = { length: MAX_PROTOBUF_BYTES + 1 } as unknown as Uint8Array;
    const e = readError(huge);
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/2 GiB/);
  });
});

describe('readOnnx: truncated files', () => {
  const models: [string, Uint8Array][] = [
    ['conv net', writeOnnx(convNetModel())],
    ['Constant weights (> 64 KiB)', writeOnnx(constantWeightsModel())],
    ['If subgraphs with weights', writeOnnx(ifSubgraphModel())],
    ['unknown fields', unknownFieldsModel().bytes],
  ];
  for (const [what, bytes] of models) {
    it(`${what}: cut at 10%, 50% and 99% -> truncated, with sizes in the message`, () => {
      for (const frac of [0.1, 0.5, 0.99]) {
        const cut = Math.floor(bytes.length * frac);
        const e = readError(bytes.subarray(0, cut), 'model.onnx');
        expect(e.code, `cut at ${frac}`).toBe('truncated');
        expect(e.message).toMatch(/^"model\.onnx" is truncated: it starts like an ONNX model \(IR version 8\)/);
        expect(e.message).toContain(`it has ${cut} bytes`);
        expect(e.message).toMatch(/Copy or download it again/);
      }
    });
  }

  it('a cut inside a top-level field newer than the schema -> truncated', () => {
    const { bytes, appended } = unknownFieldsModel();
    // The model's unknown fields are the last bytes of the file: cut inside them.
    for (const back of [1, 3, appended.model.length - 2]) {
      const e = readError(bytes.subarray(0, bytes.length - back));
      expect(e.code, `cut ${back} bytes from the end`).toBe('truncated');
    }
  });

  it('every cut point of a model with typed float fields says it is truncated (cuts inside a float included)', () => {
    // Cuts inside float_data / a float attribute make the library read past a DataView, not "premature EOF".
    const m = build.model({
      graph: graph({
        name: 'g',
        nodes: [node('Gemm', ['x', 'W', 'B'], ['y'], { alpha: attr.f(0.5), beta: attr.f(2), transB: attr.i(1) })],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 2])],
        initializers: [toTypedFields(floatTensor('W', [2, 4], randomFloats(8, 1))), toTypedFields(floatTensor('B', [2], randomFloats(2, 2)))],
      }),
      opset: 17,
    });
    const bytes = writeOnnx(m);
    const seen = new Set<string>();
    for (let cut = 2; cut < bytes.length; cut++) {
      const e = readError(bytes.subarray(0, cut));
      seen.add(e.code);
      // A cut between the graph and the opset imports still decodes: the model then lacks its opsets.
      expect(['truncated', 'invalid-model'], `cut ${cut}`).toContain(e.code);
      expect(e.message, `cut ${cut}`).toMatch(/truncated/);
    }
    expect(seen).toEqual(new Set(['truncated', 'invalid-model']));
  });

  it('a file cut right after its header (before the graph) -> truncated', () => {
    // Small model: the library writes fields in number order, so the graph (7) follows ir_version..doc_string.
    const bytes = writeOnnx(mlpModel());
    const shell = mlpModel();
    shell.graph = undefined;
    shell.opsetImport = [];
    shell.metadataProps = [];
    const header = toBinary(ModelProtoSchema, shell);
    expect(bytes.subarray(0, header.length)).toEqual(header);
    // Big model: the graph is hoisted after the other fields, so the header holds the opset imports too.
    const big = constantWeightsModel();
    const bigHeader = writeOnnxParts(big)[0];
    expect(readOnnx(concatBytes([bigHeader, lenField(7, new Uint8Array(0))])).proto.opsetImport.length).toBe(1);
    for (const cut of [bytes.subarray(0, header.length), bigHeader]) {
      const e = readError(cut);
      expect(e.code).toBe('truncated');
      expect(e.message).toMatch(/only the header of an ONNX model \(IR version 8\) and no graph/);
    }
  });

  it('a file whose top-level fields are whole but whose graph is corrupt -> invalid-model ("damaged")', () => {
    // Graph field whose payload is garbage of the declared length.
    const shell = mlpModel();
    shell.graph = undefined;
    const garbage = Uint8Array.of(0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x07);
    const bytes = concatBytes([toBinary(ModelProtoSchema, shell), lenField(7, garbage)]);
    const e = readError(bytes);
    expect(e.code).toBe('invalid-model');
    expect(e.message).toMatch(/is damaged: it is laid out like an ONNX model \(IR version 8\)/);
  });

  it('no opset imports -> invalid-model', () => {
    const m = mlpModel();
    m.opsetImport = [];
    const e = readError(writeOnnx(m));
    expect(e.code).toBe('invalid-model');
    expect(e.message).toMatch(/declares no opset imports/);
  });

  it('a ModelProto with no graph at all (and no header) -> not-onnx', () => {
    const e = readError(concatBytes([varintField(5, 3), lenField(2, new TextEncoder().encode('x'))]));
    expect(e.code).toBe('not-onnx');
    expect(e.message).toMatch(/holds no graph/);
  });
});

describe('validateGraph', () => {
  const withNodes = (nodes: ReturnType<typeof node>[], outputs = ['y'], inits: TensorProto[] = []) =>
    build.model({
      graph: graph({
        name: 'g',
        nodes,
        inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
        outputs: outputs.map((o) => valueInfo(o, DataType.FLOAT, [1, 4])),
        initializers: inits,
      }),
      opset: 17,
    });

  it('a node reading a tensor that does not exist -> invalid-graph naming the tensor and the node', () => {
    const m = withNodes([node('Add', ['x', 'ghost_bias'], ['y'], {}, { name: 'add0' })]);
    const e = readError(writeOnnx(m));
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toContain('"ghost_bias"');
    expect(e.message).toContain('node "add0" (Add)');
    expect(e.details).toEqual([expect.stringContaining('ghost_bias')]);
  });

  it('a graph output nobody produces -> invalid-graph', () => {
    const m = withNodes([node('Relu', ['x'], ['y'])], ['y', 'orphan']);
    const e = readError(writeOnnx(m));
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toContain('graph output "orphan" is not produced by any node');
  });

  it('optional (empty) inputs, initializers and nodes out of topological order are fine', () => {
    const m = withNodes(
      [node('Relu', ['c'], ['y']), node('Clip', ['x', '', 'hi'], ['c'])],
      ['y'],
      [floatTensor('hi', [], Float32Array.of(6))],
    );
    expect(() => validateGraph(m)).not.toThrow();
    expect(() => readOnnx(writeOnnx(m))).not.toThrow();
  });

  it('a subgraph reading an outer-scope value is valid', () => {
    expect(() => readOnnx(writeOnnx(ifSubgraphModel()))).not.toThrow();
  });

  it('a subgraph reading a value that exists nowhere -> invalid-graph with the subgraph path', () => {
    const m = ifSubgraphModel();
    const then = m.graph!.node[0].attribute.find((a) => a.name === 'then_branch')!.g!;
    then.node[0].input[0] = 'nowhere';
    const e = readError(writeOnnx(m));
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toContain('main/if0.then_branch');
    expect(e.message).toContain('"nowhere"');
  });

  it('a main-graph node reading a value that only exists inside a subgraph -> invalid-graph', () => {
    const m = ifSubgraphModel();
    m.graph!.node.push(node('Relu', ['t_out'], ['leak']));
    const e = readError(writeOnnx(m));
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toContain('"t_out"');
  });
});
