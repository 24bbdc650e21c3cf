import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openModelFiles } from '../../model/open';
import { readModelFiles } from '../open';
import { dimsOf, elementCount } from '../onnx/tensor';
import { DataType } from '../onnx/proto';
import { writeTfjs } from './write';
import { quantizationOf } from './weights';

const ROOT = resolve(__dirname, '../../../..');
const HUMAN = resolve(ROOT, 'node_modules/@vladmandic/human/models');

/** The real TF.js models the tests use: the samples (layers models) and public graph models from @vladmandic/human. */
export const TFJS_MODELS = {
  'mnist-cnn': { dir: resolve(ROOT, 'public/samples/mnist-cnn.tfjs'), json: 'model.json', shards: ['group1-shard1of1.bin'] },
  'mnist-mlp': { dir: resolve(ROOT, 'public/samples/mnist-mlp.tfjs'), json: 'model.json', shards: ['group1-shard1of1.bin'] },
  emotion: { dir: HUMAN, json: 'emotion.json', shards: ['emotion.bin'] },
  antispoof: { dir: HUMAN, json: 'antispoof.json', shards: ['antispoof.bin'] },
} as const;

export function tfjsFiles(name: keyof typeof TFJS_MODELS) {
  const m = TFJS_MODELS[name];
  return [m.json, ...m.shards].map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(resolve(m.dir, n))) }));
}

const enc = new TextEncoder();
const manifestOf = (files: { bytes: Uint8Array }[]) =>
  JSON.parse(new TextDecoder().decode(files[0].bytes)) as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }[] }[] };

/** model.json edited, with the given shards. */
function edited(name: keyof typeof TFJS_MODELS, edit: (j: Record<string, any>) => void, shards?: { name: string; bytes: Uint8Array }[]) {
  const files = tfjsFiles(name);
  const j = manifestOf(files) as unknown as Record<string, any>;
  edit(j);
  return [{ name: files[0].name, bytes: enc.encode(JSON.stringify(j)) }, ...(shards ?? files.slice(1))];
}

describe('TF.js format: reading', () => {
  it.each(Object.keys(TFJS_MODELS) as (keyof typeof TFJS_MODELS)[])('%s: parameter count and weights equal the manifest', (name) => {
    const files = tfjsFiles(name);
    const opened = openModelFiles(files);
    expect(opened.format).toBe('tfjs');
    const weights = manifestOf(files).weightsManifest.flatMap((g) => g.weights);
    const manifestParams = weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
    expect(opened.summary.parameters.total).toBe(manifestParams);
    const inits = opened.model.proto.graph!.initializer;
    expect(inits.map((t) => t.name)).toEqual(weights.map((w) => w.name));
    inits.forEach((t, i) => expect(dimsOf(t)).toEqual(weights[i].shape));
    // Every weight belongs to a layer or node (the per-layer table accounts for all of them).
    const inTable = opened.summary.layers.reduce((a, l) => a + l.parameters, 0);
    expect(inTable).toBe(manifestParams);
    expect(opened.summary.ops.length).toBeGreaterThan(2);
  });

  it('inspects like ONNX: the samples have the MACs and parameters of their ONNX twins; graph models get MACs on every node', () => {
    for (const name of ['mnist-cnn', 'mnist-mlp'] as const) {
      const tf = openModelFiles(tfjsFiles(name)).summary;
      const onnx = openModelFiles([{ name: `${name}.onnx`, bytes: new Uint8Array(readFileSync(resolve(ROOT, `public/samples/${name}.onnx`))) }]).summary;
      expect(tf.format).toBe('tfjs');
      expect(tf.macs.total).toBe(onnx.macs.total);
      expect(tf.macs.nodesUnknown).toBe(0);
      expect(tf.parameters.total).toBe(onnx.parameters.total);
    }
    // conv1 of the CNN: 28 x 28 outputs x 16 filters x 3 x 3 x 1.
    expect(openModelFiles(tfjsFiles('mnist-cnn')).summary.layers.find((l) => l.name === 'conv1')?.macs).toBe(28 * 28 * 16 * 9);
    const emotion = openModelFiles(tfjsFiles('emotion')).summary;
    expect(emotion.macs.nodesUnknown).toBe(0);
    expect(emotion.ops.find((o) => o.opType === 'DepthwiseConv2dNative')?.count).toBe(4);
  });

  it('keeps float16-quantized weights as stored (antispoof), counting their bytes as float16', () => {
    const opened = openModelFiles(tfjsFiles('antispoof'));
    const f16 = opened.model.proto.graph!.initializer.filter((t) => t.dataType === DataType.FLOAT16);
    expect(f16.length).toBeGreaterThan(5);
    for (const t of f16) expect(quantizationOf(t)).toEqual({ dtype: 'float32', quantization: { dtype: 'float16' } });
    const byDtype = Object.fromEntries(opened.summary.parameters.byDtype.map((d) => [d.dtype, d]));
    expect(byDtype.float16.bytes).toBe(byDtype.float16.parameters * 2);
    expect(opened.summary.parameters.bytes).toBe(readFileSync(resolve(HUMAN, 'antispoof.bin')).length);
  });

  it('writes model.json + shards that read back to the same weights, in 4 MiB shards', () => {
    for (const name of ['mnist-cnn', 'antispoof'] as const) {
      const a = readModelFiles(tfjsFiles(name)).model;
      const out = writeTfjs(a.proto, 100_000);
      expect(out.shards.length).toBe(Math.ceil(out.shards.reduce((s, x) => s + x.bytes.length, 0) / 100_000));
      const b = readModelFiles([{ name: 'model.json', bytes: enc.encode(out.modelJson) }, ...out.shards.map((s) => ({ name: s.path, bytes: s.bytes }))]).model;
      const ta = a.proto.graph!.initializer;
      const tb = b.proto.graph!.initializer;
      expect(tb.map((t) => [t.name, t.dataType, elementCount(t)])).toEqual(ta.map((t) => [t.name, t.dataType, elementCount(t)]));
      ta.forEach((t, i) => expect(Buffer.from(tb[i].rawData).equals(Buffer.from(t.rawData))).toBe(true));
    }
  });
});

describe('TF.js format: bad input is refused with a clear message', () => {
  const open = (files: { name: string; bytes: Uint8Array }[]) => () => openModelFiles(files);
  const shard = (n: number) => [{ name: 'group1-shard1of1.bin', bytes: tfjsFiles('mnist-mlp')[1].bytes.subarray(0, n) }];

  it('malformed JSON, and JSON that is not a TF.js model', () => {
    expect(open([{ name: 'model.json', bytes: enc.encode('{"modelTopology": {') }])).toThrow(/"model.json" is not valid JSON/);
    expect(open([{ name: 'model.json', bytes: enc.encode('{"a": 1}') }])).toThrow(/no "modelTopology"/);
    expect(open(edited('mnist-mlp', (j) => (j.weightsManifest[0].weights[0].shape = [-3, 'x']))))
      .toThrow(/not a valid TF.js model at weightsManifest\[0\]\.weights\[0\]\.shape\[0\]/);
  });

  it('a missing, short or long shard, named', () => {
    const full = tfjsFiles('mnist-mlp')[1].bytes.length;
    expect(open(tfjsFiles('mnist-mlp').slice(0, 1))).toThrow(/shard "group1-shard1of1.bin", which was not provided/);
    expect(open([tfjsFiles('mnist-mlp')[0], ...shard(full - 4)])).toThrow(
      new RegExp(`shard "group1-shard1of1.bin" \\(${full - 4} bytes\\) holds ${full - 4} bytes, but the manifest's \\d+ weights need exactly ${full}: the shard is short`),
    );
    const long = [{ name: 'group1-shard1of1.bin', bytes: new Uint8Array(full + 8) }];
    expect(open([tfjsFiles('mnist-mlp')[0], ...long])).toThrow(/do not belong to this model.json/);
  });

  it('unknown dtypes and quantizations', () => {
    expect(open(edited('mnist-mlp', (j) => (j.weightsManifest[0].weights[1].dtype = 'float64')))).toThrow(/has dtype "float64"; TF.js weights are float32, int32, bool/);
    expect(open(edited('mnist-mlp', (j) => (j.weightsManifest[0].weights[1].quantization = { dtype: 'int4', scale: 1, min: 0 })))).toThrow(/quantized as "int4"; TF.js reads uint8, uint16, float16/);
    expect(open(edited('mnist-mlp', (j) => (j.weightsManifest[0].weights[1].quantization = { dtype: 'uint8' })))).toThrow(/without the scale and min/);
  });

  it('models nested absurdly deep inside each other', () => {
    let layer: Record<string, unknown> = { class_name: 'Dense', config: { name: 'd', units: 1 } };
    for (let i = 0; i < 200; i++) layer = { class_name: 'Sequential', config: { name: `s${i}`, layers: [layer] } };
    const json = { modelTopology: { class_name: 'Sequential', config: { name: 'top', layers: [layer] } }, weightsManifest: [] };
    expect(open([{ name: 'model.json', bytes: enc.encode(JSON.stringify(json)) }])).toThrow(/nested more than 32 deep/);
  });

  it('a layer class or an op TF.js does not know', () => {
    expect(open(edited('mnist-cnn', (j) => (j.modelTopology.config.layers[1].class_name = 'MyCustomPool')))).toThrow(/layer "pool1" is of class "MyCustomPool", which TF.js does not know/);
    expect(open(edited('emotion', (j) => (j.modelTopology.node.find((n: { op: string }) => n.op === 'Relu').op = 'FancyRelu')))).toThrow(/runs op "FancyRelu", which TF.js does not implement/);
  });

  it.each(['../group1-shard1of1.bin', '/etc/passwd', 'https://example.com/w.bin', 'a/../../b.bin', '..%2fw.bin', 'a\\..\\b.bin'])('shard path %s is refused', (p) => {
    expect(open(edited('mnist-mlp', (j) => (j.weightsManifest[0].paths = [p])))).toThrow(/not a plain relative path inside the model's folder/);
  });

  it('a folder drop picks model.json among the shards; other files say what is supported', () => {
    const files = tfjsFiles('mnist-cnn').map((f) => ({ ...f, name: `mnist-cnn.tfjs/${f.name}` }));
    expect(readModelFiles([...files].reverse()).format).toBe('tfjs');
    const metadata = { name: 'mnist-cnn.tfjs/metadata.json', bytes: enc.encode('{"labels": ["0", "1"]}') };
    expect(readModelFiles([metadata, ...files]).fileName).toBe('mnist-cnn.tfjs/model.json');
    expect(() => readModelFiles([{ name: 'a.bin', bytes: new Uint8Array(4) }, { name: 'b.bin', bytes: new Uint8Array(4) }])).toThrow(
      /is an \.onnx model or a TF\.js model\.json/,
    );
  });
});
