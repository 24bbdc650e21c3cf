/**
 * `pareto quantize` and `pareto prune`, end to end: the CLI runs in-process (main(), as bin/pareto.mjs runs it; Ctrl-C is tested on the real process) on builder-made models
 * in a temp dir and on the shipped MNIST samples (skipped, with the reason, while those files are absent). Outputs
 * must load in onnxruntime-node and be as small as the mode promises; bad input must exit non-zero with a message
 * and leave no output and no temp file behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from '@bufbuild/protobuf';
import { ort } from '../runtimes/ort-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import { writeNpy } from '../core/data/npy';
import * as b from '../core/formats/onnx/builder';
import { DataLocation, DataType, StringStringEntryProtoSchema, TensorProtoSchema, type TensorProto } from '../core/formats/onnx/proto';
import { writeOnnx } from '../core/formats/onnx/write';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/pareto.mjs');
const SAMPLES = join(root, 'public/samples');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (main(), as bin/pareto.mjs runs it). */
async function pareto(args: string[], cwd = root): Promise<Result> {
  const r = await runCli(args, { cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI with --json and returns the parsed result (fails the test with stderr otherwise). */
async function json(args: string[], cwd = root) {
  const r = await pareto([...args, '--json'], cwd);
  if (r.code !== 0) throw new Error(`pareto ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Deterministic pseudo-random weights, uniform in [-scale, scale) (an LCG). */
function fill(n: number, seed = 1, scale = 0.1): Float32Array {
  let s = (seed * 2654435761) >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}
/** Uniform weights with variance 1 / fanIn. */
const weights = (n: number, seed: number, fanIn: number) => fill(n, seed, Math.sqrt(3 / fanIn));

const IN = 256;
const HID = 512;
const OUT = 10;

/** Gemm (transB) → Relu → MatMul (unnamed node) → y. */
function mlp(ext?: { w1: TensorProto; w2: TensorProto }) {
  return b.model({
    producerName: 'optimize-test',
    graph: b.graph({
      name: 'mlp',
      inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', IN])],
      outputs: [b.valueInfo('y', DataType.FLOAT, ['batch', OUT])],
      initializers: [
        ext?.w1 ?? b.floatTensor('w1', [HID, IN], weights(HID * IN, 1, IN)),
        b.floatTensor('b1', [HID], fill(HID, 2)),
        ext?.w2 ?? b.floatTensor('w2', [HID, OUT], weights(HID * OUT, 3, HID)),
      ],
      nodes: [
        b.node('Gemm', ['x', 'w1', 'b1'], ['h'], { transB: b.attr.i(1) }, { name: 'fc1' }),
        b.node('Relu', ['h'], ['hr'], {}, { name: 'relu1' }),
        b.node('MatMul', ['hr', 'w2'], ['y'], {}, { name: '' }),
      ],
    }),
  });
}

/** Conv → Relu → Flatten → Gemm: x [batch, 1, 16, 16]. */
function convNet() {
  return b.model({
    graph: b.graph({
      name: 'cnn',
      inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', 1, 16, 16])],
      outputs: [b.valueInfo('y', DataType.FLOAT, ['batch', OUT])],
      initializers: [
        b.floatTensor('cw', [16, 1, 3, 3], weights(16 * 9, 5, 9)),
        b.floatTensor('cb', [16], fill(16, 6)),
        b.floatTensor('fw', [OUT, 16 * 16 * 16], weights(OUT * 4096, 7, 4096)),
        b.floatTensor('fb', [OUT], fill(OUT, 8)),
      ],
      nodes: [
        b.node('Conv', ['x', 'cw', 'cb'], ['c'], { pads: b.attr.ints([1, 1, 1, 1]), kernel_shape: b.attr.ints([3, 3]) }, { name: 'conv1' }),
        b.node('Relu', ['c'], ['cr'], {}, { name: 'relu' }),
        b.node('Flatten', ['cr'], ['f'], { axis: b.attr.i(1) }, { name: 'flatten' }),
        b.node('Gemm', ['f', 'fw', 'fb'], ['y'], { transB: b.attr.i(1) }, { name: 'fc' }),
      ],
    }),
  });
}

function externalTensor(name: string, dims: number[], location: string, offset: number, length: number): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: DataType.FLOAT,
    dims: dims.map(BigInt),
    dataLocation: DataLocation.EXTERNAL,
    externalData: [
      create(StringStringEntryProtoSchema, { key: 'location', value: location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(length) }),
    ],
  });
}

/** A model of `layers` 1024×1024 MatMuls (4 MB each), for the interrupt test. */
function bigMlp(layers: number) {
  const d = 1024;
  const nodes = [];
  const inits = [];
  for (let l = 0; l < layers; l++) {
    inits.push(b.floatTensor(`W${l}`, [d, d], weights(d * d, l + 1, d)));
    nodes.push(b.node('MatMul', [l === 0 ? 'x' : `h${l - 1}`, `W${l}`], [l === layers - 1 ? 'y' : `h${l}`], {}, { name: `mm${l}` }));
  }
  return b.model({
    graph: b.graph({ name: 'big', inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', d])], outputs: [b.valueInfo('y', DataType.FLOAT, ['batch', d])], initializers: inits, nodes }),
  });
}

let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);

/** A fresh empty output directory. */
let outCount = 0;
function outDir(): string {
  const d = p(`out${outCount++}`);
  mkdirSync(d);
  return d;
}

async function loads(path: string): Promise<ort.InferenceSession> {
  const s = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  return s;
}

async function runModel(path: string, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await loads(path);
  try {
    const r = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) });
    return r[s.outputNames[0]].data as Float32Array;
  } finally {
    await s.release();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pareto-optimize-'));
  writeFileSync(p('mlp.onnx'), writeOnnx(mlp()));
  writeFileSync(p('cnn.onnx'), writeOnnx(convNet()));
  const rows = 96;
  writeFileSync(p('x.npy'), writeNpy('float32', [rows, IN], Float32Array.from({ length: rows * IN }, (_, i) => (Math.sin(i * 0.71) + 1) / 2)));
  writeFileSync(p('x-cnn.npy'), writeNpy('float32', [40, 1, 16, 16], Float32Array.from({ length: 40 * 256 }, (_, i) => (Math.cos(i * 0.13) + 1) / 2)));
  writeFileSync(p('x-wide.npy'), writeNpy('float32', [rows, IN + 1], new Float32Array(rows * (IN + 1))));
  writeFileSync(p('labels.npy'), writeNpy('int64', [rows], new BigInt64Array(rows)));

  // The MLP with its weights in an external data file (in a subfolder, so outputs land elsewhere).
  const w1 = weights(HID * IN, 1, IN);
  const w2 = weights(HID * OUT, 3, HID);
  const data = new Uint8Array(w1.byteLength + w2.byteLength);
  data.set(new Uint8Array(w1.buffer), 0);
  data.set(new Uint8Array(w2.buffer), w1.byteLength);
  mkdirSync(p('ext'));
  writeFileSync(
    p('ext', 'model.onnx'),
    writeOnnx(mlp({ w1: externalTensor('w1', [HID, IN], 'model.bin', 0, w1.byteLength), w2: externalTensor('w2', [HID, OUT], 'model.bin', w1.byteLength, w2.byteLength) })),
  );
  writeFileSync(p('ext', 'model.bin'), data);

  const full = writeOnnx(mlp());
  writeFileSync(p('truncated.onnx'), full.subarray(0, Math.floor(full.length / 2)));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Keys of the --json result, as documented in docs/cli.md. */
const DOCUMENTED = [
  'resultVersion',
  'degraded',
  'degradedReasons',
  'command',
  'input',
  'output',
  'recipe',
  'recipeName',
  'timing',
  'size',
  'weights',
  'calibration',
  'layers',
  'skipped',
  'notes',
  'fidelity',
  'reports',
  'inputSpec',
];

describe('pareto quantize', () => {
  it('dynamic int8 (default): ~4x smaller weights, loads in onnxruntime-node, close outputs; documented JSON', async () => {
    const out = outDir();
    const r = await json(['quantize', p('mlp.onnx'), '-o', join(out, 'q.onnx')]);
    expect(Object.keys(r)).toEqual(DOCUMENTED);
    const doc = readFileSync(join(root, 'docs/cli.md'), 'utf8');
    for (const k of DOCUMENTED) expect(doc).toContain(`| \`${k}\``);
    expect(readdirSync(out)).toEqual(['q.onnx']);
    expect(r.recipeName).toBe('int8 dynamic');
    expect(r.command).toBe('quantize');
    expect(r.size.before.bytes).toBe(statSync(p('mlp.onnx')).size);
    expect(r.size.after.bytes).toBe(statSync(join(out, 'q.onnx')).size);
    expect(r.size.ratio).toBeGreaterThan(3.5);
    expect(r.size.after.gzipBytes).toBeLessThan(r.size.before.gzipBytes);
    const stats = r.reports[0].stats;
    expect(stats.weightBytesBefore / stats.weightBytesAfter).toBeGreaterThan(3.5);
    expect(r.weights.before.quantizedShare).toBe(0);
    expect(r.weights.after.quantizedShare).toBe(1);
    expect(r.layers.map((l: { name: string }) => l.name)).toEqual(['fc1', 'MatMul#2']);
    expect(r.layers[0]).toMatchObject({ opType: 'Gemm', weight: 'w1', scheme: 'int8 per-channel', parameters: HID * IN, bytesBefore: HID * IN * 4 });
    expect(r.fidelity.inputs).toBe('synthetic');
    expect(r.fidelity.file).toBeNull();
    expect(r.notes.some((n: string) => /synthetic/.test(n))).toBe(true);
    const f = r.fidelity.outputs.y;
    expect(f.cosine).toBeGreaterThan(0.999);
    expect(f.relativeL2).toBeLessThan(0.05);
    expect(f.top1Agreement).toBeGreaterThan(0.9);
    expect(r.timing.totalMs).toBeGreaterThanOrEqual(r.timing.transformMs);

    const s = await loads(join(out, 'q.onnx'));
    expect(s.outputNames).toEqual(['y']);
    await s.release();
  });

  it('prints a readable summary', async () => {
    const out = outDir();
    const r = await pareto(['quantize', p('mlp.onnx'), '-o', join(out, 'q.onnx'), '--per-tensor', '--exclude', 'MatMul', '--data', p('x.npy')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const o = r.stdout;
    expect(o).toMatch(/Recipe\s+int8 dynamic per-tensor/);
    expect(o).toMatch(/Time\s+[\d.]+ s in all \(quantize [\d.]+ s/);
    expect(o).toMatch(/Size\s+\d.* → .*smaller/);
    expect(o).toMatch(/gzip size\s+\d.* → /);
    expect(o).toMatch(/Quantized\s+0\.0% → \d/);
    expect(o).toMatch(/fc1\s+Gemm\s+w1\s+int8 per-tensor/);
    expect(o).toMatch(/Skipped\s+1 node left/);
    expect(o).toMatch(/MatMul#2\s+MatMul\s+excluded by op type \(--exclude \/ Exclude\)/);
    expect(o).toMatch(/Fidelity vs the original\s+onnxruntime-node, first 64 rows of .*x\.npy/);
    expect(o).toMatch(/^\s+y\s+0\.\d+\s+0\.9\d+\s+\d+\.\d%/m);
  });

  it('static (calibrated), weight-only and fp16 write models that load and stay close', async () => {
    const x = Float32Array.from({ length: 4 * IN }, (_, i) => (Math.sin(i * 0.71) + 1) / 2);
    const want = await runModel(p('mlp.onnx'), x, [4, IN]);
    for (const [mode, minRatio, extra] of [
      ['static', 3.5, ['--calibration', p('x.npy'), '--calibration-samples', '64', '--calibration-method', 'percentile']],
      ['weight-only', 3.5, ['--asymmetric']],
      ['fp16', 1.9, ['--exclude', 'fc1']],
    ] as const) {
      const out = outDir();
      const r = await json(['quantize', p('mlp.onnx'), '-o', join(out, 'q.onnx'), '--mode', mode, ...extra]);
      expect(readdirSync(out)).toEqual(['q.onnx']);
      const got = await runModel(join(out, 'q.onnx'), x, [4, IN]);
      let err = 0;
      let sig = 0;
      for (let i = 0; i < want.length; i++) {
        err += (got[i] - want[i]) ** 2;
        sig += want[i] ** 2;
      }
      expect(Math.sqrt(err / sig), mode).toBeLessThan(0.05);
      if (mode === 'fp16') {
        expect(r.skipped).toEqual([{ node: 'fc1', opType: 'Gemm', reason: 'excluded by name (--exclude / Exclude)' }]);
        expect(r.layers.map((l: { scheme: string }) => l.scheme)).toEqual(['float16']);
      } else {
        expect(r.size.ratio, mode).toBeGreaterThan(minRatio);
      }
      if (mode === 'static') {
        expect(r.calibration).toMatchObject({ samples: 64, batches: 2, batchSize: 32, method: 'percentile' });
        expect(r.fidelity.inputs).toBe('calibration');
        expect(r.fidelity.rows).toBe(64);
        expect(r.timing.calibrationMs).toBeGreaterThan(0);
      }
    }
  });

  it('quantizes a Conv model and a model with external data (the output stands alone)', async () => {
    const out = outDir();
    const c = await json(['quantize', p('cnn.onnx'), '-o', join(out, 'cnn.onnx'), '--mode', 'static', '--calibration', p('x-cnn.npy')]);
    expect(c.layers.map((l: { opType: string }) => l.opType).sort()).toEqual(['Conv', 'Gemm']);
    expect(c.fidelity.outputs.y.cosine).toBeGreaterThan(0.99);
    // Static: calibration runs a model whose weights live in the external file.
    const e = await json(['quantize', join('ext', 'model.onnx'), '-o', join(out, 'ext.onnx'), '--mode', 'static', '--calibration', 'x.npy'], dir);
    expect(e.size.before.bytes).toBeGreaterThan((HID * IN + HID * OUT) * 4);
    expect(e.size.ratio).toBeGreaterThan(3.5);
    expect(e.calibration.samples).toBe(96);
    expect(e.fidelity.outputs.y.cosine).toBeGreaterThan(0.999);
    expect(readdirSync(out).sort()).toEqual(['cnn.onnx', 'ext.onnx']);
    await (await loads(join(out, 'ext.onnx'))).release();
  });
});

describe('pareto prune', () => {
  it('50% global unstructured: half the weights are zero, gzip shrinks, the model loads; JSON keys as documented', async () => {
    const out = outDir();
    const r = await json(['prune', p('mlp.onnx'), '-o', join(out, 'p.onnx'), '--sparsity', '0.5', '--data', p('x.npy')]);
    expect(Object.keys(r)).toEqual(DOCUMENTED);
    expect(r.recipeName).toBe('prune 50% global');
    expect(r.weights.after.sparsity).toBeCloseTo(0.5, 2);
    expect(r.size.after.bytes).toBe(statSync(join(out, 'p.onnx')).size);
    expect(r.size.after.gzipBytes).toBeLessThan(r.size.before.gzipBytes * 0.8);
    expect(r.layers.every((l: { sparsity: number }) => l.sparsity > 0)).toBe(true);
    expect(r.fidelity).toMatchObject({ inputs: 'data', rows: 64 });
    expect(r.notes[0]).toMatch(/Zeros do not make dense runtimes faster/);
    expect(readdirSync(out)).toEqual(['p.onnx']);
    await (await loads(join(out, 'p.onnx'))).release();
  });

  it('2:4 and layer scope, with --skip by op type; text summary', async () => {
    const out = outDir();
    const r = await json(['prune', p('cnn.onnx'), '-o', join(out, 'p24.onnx'), '--pattern', '2:4', '--skip', 'Conv']);
    expect(r.recipeName).toBe('prune 2:4');
    expect(r.layers).toHaveLength(1);
    expect(r.layers[0]).toMatchObject({ name: 'fc', scheme: '2:4', sparsity: 0.5 });
    expect(r.skipped).toEqual([{ node: 'conv1', opType: 'Conv', reason: 'in the skip list' }]);
    const t = await pareto(['prune', p('mlp.onnx'), '-o', join(out, 'layer.onnx'), '--sparsity', '0.3', '--scope', 'layer']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/Recipe\s+prune 30% layer/);
    expect(t.stdout).toMatch(/Sparsity\s+0\.0% → 30\.0% zeros/);
    expect(t.stdout).toMatch(/fc1\s+Gemm\s+w1\s+own target 30\.0%\s+131k\s+30\.0%/);
    expect(readdirSync(out).sort()).toEqual(['layer.onnx', 'p24.onnx']);
  });
});

describe('bad input: non-zero exit, a message, no output and no temp file', () => {
  const cases: [string, (out: string) => string[], number, RegExp][] = [
    ['a truncated model', (o) => ['quantize', p('truncated.onnx'), '-o', join(o, 'x.onnx')], 1, /truncated/],
    ['a model that does not exist', (o) => ['prune', p('nope.onnx'), '-o', join(o, 'x.onnx'), '--sparsity', '0.5'], 1, /no such file/],
    ['sparsity 1.5', (o) => ['prune', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--sparsity', '1.5'], 2, /sparsity must be a number in \[0, 1\)/],
    ['sparsity not a number', (o) => ['prune', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--sparsity', 'half'], 2, /--sparsity takes/],
    ['no --sparsity', (o) => ['prune', p('mlp.onnx'), '-o', join(o, 'x.onnx')], 2, /--sparsity/],
    ['an unknown op type', (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--op-types', 'MatMul,Attention'], 2, /'Attention'/],
    ['an unknown mode', (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--mode', 'int4'], 2, /mode must be one of/],
    ['an exclude that names nothing', (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--exclude', 'fc9'], 1, /--exclude "fc9" names no node or op type/],
    ['a skip that names nothing', (o) => ['prune', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--sparsity', '0.5', '--skip', 'Conv'], 1, /--skip "Conv" names no node/],
    ['static without --calibration', (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--mode', 'static'], 1, /static mode needs calibration data: pass --calibration <inputs\.npy>/],
    [
      'calibration of the wrong shape',
      (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--mode', 'static', '--calibration', p('x-wide.npy')],
      1,
      /expected float32 \[N, 256\] \(N samples\), got float32 \(96, 257\); dimension 1 is 257, not 256/,
    ],
    ['calibration of the wrong dtype', (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--calibration', p('labels.npy')], 1, /got int64 \(96\); the dtype is int64/],
    ['calibration that is not .npy', (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--mode', 'static', '--calibration', p('mlp.onnx')], 1, /Not a NumPy \.npy file/],
    ['an output directory that does not exist', (o) => ['quantize', p('mlp.onnx'), '-o', join(o, 'missing', 'x.onnx')], 1, /directory ".*missing" does not exist/],
    ['-o the same as the input', () => ['prune', p('mlp.onnx'), '-o', p('mlp.onnx'), '--sparsity', '0.5'], 1, /is the input model/],
    ['no -o', () => ['quantize', p('mlp.onnx')], 2, /-o <out\.onnx>/],
    ['an N:M pattern the weights do not fit', (o) => ['prune', p('mlp.onnx'), '-o', join(o, 'x.onnx'), '--pattern', '3:7'], 1, /multiple of 7/],
  ];
  // Side by side (each is mostly process start-up); every case writes into its own directory.
  it.concurrent.each(cases)('%s', async (_name, args, code, message) => {
    const out = outDir();
    const mlpBytes = readFileSync(p('mlp.onnx'));
    const r = await pareto(args(out));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^pareto: error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(p('mlp.onnx')).equals(mlpBytes)).toBe(true);
  });

  it('Ctrl-C (SIGINT) while working leaves no temp file and no partial output', async () => {
    const src = p('big.onnx');
    if (!existsSync(src)) writeFileSync(src, writeOnnx(bigMlp(8)));
    const out = outDir();
    const target = join(out, 'big.int8.onnx');
    const child = spawn(process.execPath, [bin, 'quantize', src, '-o', target], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    // Interrupt as soon as the temp file exists (or when the command ends first, which also must leave no temp file).
    let sawTemp = false;
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      if (readdirSync(out).some((f) => f.endsWith('.tmp'))) {
        sawTemp = true;
        child.kill('SIGINT');
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    const code = await exited;
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (sawTemp && code === 130) {
      expect(stderr).toMatch(/interrupted \(SIGINT\); no output written/);
      expect(files).toEqual([]);
    } else {
      // Finished before the signal landed: the output is complete.
      expect(files).toEqual(['big.int8.onnx']);
      await (await loads(target)).release();
    }
  });
});

const SAMPLE_FILES = ['mnist-mlp.onnx', 'mnist-cnn.onnx', 'mnist-test-x.npy'];
const present = SAMPLE_FILES.filter((f) => existsSync(join(SAMPLES, f)));

describe('MNIST samples', () => {
  for (const name of ['mnist-mlp', 'mnist-cnn']) {
    const need = [`${name}.onnx`, 'mnist-test-x.npy'].filter((f) => !present.includes(f));
    const title = need.length ? `${name} (skipped: ${need.join(', ')} not in public/samples; run npm run samples)` : name;
    it.skipIf(need.length > 0)(`${title}: dynamic, static and prune keep top-1 agreement on real digits`, async () => {
      const model = join(SAMPLES, `${name}.onnx`);
      const x = join(SAMPLES, 'mnist-test-x.npy');
      const out = outDir();
      const dyn = await json(['quantize', model, '-o', join(out, 'dyn.onnx'), '--data', x]);
      const st = await json(['quantize', model, '-o', join(out, 'static.onnx'), '--mode', 'static', '--calibration', x]);
      const pr = await json(['prune', model, '-o', join(out, 'p50.onnx'), '--sparsity', '0.5', '--data', x]);
      for (const r of [dyn, st, pr]) {
        const f = Object.values(r.fidelity.outputs)[0] as { top1Agreement: number; cosine: number };
        expect(r.fidelity.rows).toBe(64);
        expect(f.top1Agreement, r.recipeName).toBeGreaterThanOrEqual(0.95);
        expect(r.skipped.filter((s: { reason: string }) => !/not selected/.test(s.reason)), r.recipeName).toEqual([]);
      }
      expect(dyn.size.ratio).toBeGreaterThan(3);
      expect(st.calibration.samples).toBe(256);
      expect(pr.weights.after.sparsity).toBeGreaterThan(0.45);
      expect(readdirSync(out).sort()).toEqual(['dyn.onnx', 'p50.onnx', 'static.onnx']);
      for (const f of readdirSync(out)) await (await loads(join(out, f))).release();
    });
  }
});
