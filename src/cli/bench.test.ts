/**
 * `pareto bench`, end to end: the real CLI is spawned (bin/pareto.mjs) on the shipped MNIST samples (their test split
 * is the default data) and on builder-made models in a temp dir. Timings are never asserted (shared, noisy
 * machines): only that the figures are consistent with each other and that the accuracy is right.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import { writeNpy } from '../core/data/npy';
import { writeNpz } from '../core/data/npz';
import * as b from '../core/formats/onnx/builder';
import { DataType } from '../core/formats/onnx/proto';
import { writeOnnx } from '../core/formats/onnx/write';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLES = join(root, 'public/samples');
const haveSamples = ['mnist-mlp.onnx', 'mnist-cnn.onnx', 'mnist-test-x.npy', 'mnist-test-y.npy', 'manifest.json'].every((f) => existsSync(join(SAMPLES, f)));

async function pareto(args: string[], cwd = root) {
  const r = await runCli(args, { cwd: cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function json(args: string[], cwd = root) {
  const r = await pareto(['bench', ...args, '--json'], cwd);
  if (r.code !== 0) throw new Error(`pareto bench ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Top-level keys of `pareto bench --json`, in order, as documented in docs/cli.md. */
const DOCUMENTED = ['resultVersion', 'command', 'model', 'environment', 'settings', 'data', 'inputSpec', 'coldStart', 'latency', 'memory', 'accuracy', 'notes'];

/** A 4-feature, 3-class linear classifier: scores = x · W + b, W picks feature i for class i. */
function tabular(fixedBatch?: number) {
  const w = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]); // [4, 3]
  return b.model({
    graph: b.graph({
      name: 'tabular',
      inputs: [b.valueInfo('features', DataType.FLOAT, [fixedBatch ?? 'N', 4])],
      outputs: [b.valueInfo('scores', DataType.FLOAT, [fixedBatch ?? 'N', 3])],
      initializers: [b.floatTensor('w', [4, 3], w), b.floatTensor('bias', [3], new Float32Array(3))],
      nodes: [b.node('Gemm', ['features', 'w', 'bias'], ['scores'], {}, { name: 'fc' })],
    }),
  });
}

let dir: string;
const p = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pareto-bench-'));
  writeFileSync(p('tab.onnx'), writeOnnx(tabular()));
  writeFileSync(p('fixed.onnx'), writeOnnx(tabular(2)));
  // class = argmax of the first 3 features; 2 of 6 rows labelled wrong on purpose → 4/6 correct
  const rows = [
    [1, 0, 0, 9, 0],
    [0, 2, 0, 9, 1],
    [0, 0, 3, 9, 2],
    [5, 1, 1, 9, 0],
    [1, 5, 1, 9, 2],
    [1, 1, 5, 9, 0],
  ];
  writeFileSync(p('tab.csv'), 'a,b,c,d,label\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
  const x = Float32Array.from(rows.flatMap((r) => r.slice(0, 4)));
  const y = BigInt64Array.from(rows.map((r) => BigInt(r[4])));
  writeFileSync(p('tab.npz'), writeNpz({ x: { dtype: 'float32', shape: [6, 4], data: x }, y: { dtype: 'int64', shape: [6], data: y } }, { compress: true }));
  writeFileSync(p('tab-x.npy'), writeNpy('float32', [6, 4], x));
  writeFileSync(p('tab-y.npy'), writeNpy('int64', [6], y));
  writeFileSync(p('tab-y-short.npy'), writeNpy('int64', [5], y.subarray(0, 5)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveSamples)('pareto bench on the samples', () => {
  it('mnist-cnn: the test split by default, accuracy as the manifest says; figures consistent; JSON keys documented', async () => {
    const r = await json(['public/samples/mnist-cnn.onnx', '--batch', '1,8', '--time-budget', '2']);
    expect(Object.keys(r)).toEqual(DOCUMENTED);
    // the bench sections of docs/cli.md
    const doc = readFileSync(join(root, 'docs/cli.md'), 'utf8')
      .split('\n## ')
      .filter((sec) => sec.startsWith('`pareto bench'))
      .join('\n');
    expect(doc).toContain('`pareto bench --json` output');
    for (const k of DOCUMENTED) expect(doc).toContain(`| \`${k}\``);
    for (const k of [...Object.keys(r.environment), ...Object.keys(r.settings), ...Object.keys(r.latency[0]), ...Object.keys(r.memory), ...Object.keys(r.coldStart), ...Object.keys(r.data)]) {
      expect(doc).toContain(`\`${k}\``);
    }
    for (const k of Object.keys(r.accuracy)) expect(doc).toContain(`\`${k}\``);

    const manifest = JSON.parse(readFileSync(join(SAMPLES, 'manifest.json'), 'utf8'));
    const entry = manifest.models.find((m: { id: string }) => m.id === 'mnist-cnn');
    expect(r.data).toMatchObject({ source: 'samples', items: 2000, task: 'classification' });
    expect(r.accuracy).toMatchObject({ kind: 'classification', items: 2000, classes: 10, labelForm: 'index' });
    expect(r.accuracy.top1.correct).toBe(entry.testCorrect);
    expect(r.accuracy.top1.method).toBe('wilson');
    expect(r.accuracy.top1.lower).toBeLessThan(r.accuracy.top1.value);

    expect(r.environment).toMatchObject({ runtime: 'onnxruntime-node', backend: 'cpu', threads: 1, requestedThreads: 1 });
    expect(r.environment.cores).toBeGreaterThan(0);
    expect(r.settings).toMatchObject({ mode: 'adaptive', batchSizes: [1, 8], timeBudgetSeconds: 2, targetRelativeHalfWidth: 0.02, percentiles: 'linear-interpolation' });
    expect(r.latency.map((l: { batch: number }) => l.batch)).toEqual([1, 8]);
    for (const l of r.latency) {
      expect(['precision', 'time-budget', 'max-runs']).toContain(l.stoppedBy);
      expect(l.minMs).toBeLessThanOrEqual(l.p50Ms);
      expect(l.p50Ms).toBeLessThanOrEqual(l.p90Ms);
      expect(l.p90Ms).toBeLessThanOrEqual(l.p99Ms);
      expect(l.p99Ms).toBeLessThanOrEqual(l.maxMs);
      expect(l.itemsPerSecond).toBeCloseTo((l.batch * 1000 * l.runs) / l.measuredMs, 6);
      if (l.stoppedBy === 'precision') expect(l.relativeHalfWidth).toBeLessThanOrEqual(0.02);
      expect(l.medianCI.lowerMs).toBeLessThanOrEqual(l.p50Ms);
    }
    expect(r.coldStart.createSessionMs).toBeGreaterThan(0);
    expect(r.memory.modelBytes).toBe(readFileSync(join(SAMPLES, 'mnist-cnn.onnx')).length);
    expect(r.memory.rssBytes).toBeGreaterThan(r.memory.jsHeapUsedBytes);
  });

  it('mnist-mlp on onnxruntime-web (WASM under Node) reports the same accuracy; fixed run count', async () => {
    const node = await json(['public/samples/mnist-mlp.onnx', '--runs', '20', '--warmup', '2']);
    const wasm = await json(['public/samples/mnist-mlp.onnx', '--runs', '20', '--warmup', '2', '--backend', 'wasm']);
    expect(wasm.environment).toMatchObject({ runtime: 'onnxruntime-web/wasm', backend: 'wasm', threads: 1 });
    expect(wasm.latency[0]).toMatchObject({ runs: 20, warmupRuns: 2, stoppedBy: 'run-count' });
    expect(wasm.settings).toMatchObject({ mode: 'fixed', runs: 20, timeBudgetSeconds: null, targetRelativeHalfWidth: null });
    expect(Math.abs(wasm.accuracy.top1.value - node.accuracy.top1.value) * 100).toBeLessThanOrEqual(0.1);
    expect(node.accuracy.top1.correct).toBe(1969); // manifest: testCorrect
  });

  it('prints a readable report', async () => {
    const r = await pareto(['bench', 'public/samples/mnist-mlp.onnx', '--runs', '10', '--batch', '1,4']);
    expect(r.code).toBe(0);
    for (const s of ['pareto bench mnist-mlp.onnx', 'onnxruntime-node', 'Cold start', 'Latency', 'p50', 'items/s', 'Memory', 'Accuracy', 'top-1', '98.45%', 'samples test split']) {
      expect(r.stdout).toContain(s);
    }
    expect(r.stdout).toMatch(/^\s+4\s+10\s/m);
    expect(r.stderr).toBe('');
  });
});

describe('pareto bench on user data', () => {
  it('CSV with a label column, .npz with x/y, .npy pair: the same accuracy', async () => {
    const csv = await json([p('tab.onnx'), '--data', p('tab.csv'), '--label-column', 'label', '--runs', '5']);
    expect(csv.data).toMatchObject({ source: 'file', items: 6, task: 'classification' });
    expect(csv.accuracy).toMatchObject({ kind: 'classification', classes: 3, top5: null });
    expect(csv.accuracy.top1.correct).toBe(4);
    const npz = await json([p('tab.onnx'), '--data', p('tab.npz'), '--runs', '5']);
    expect(npz.accuracy.top1.correct).toBe(4);
    const npy = await json([p('tab.onnx'), '--data', p('tab-x.npy'), '--labels', p('tab-y.npy'), '--runs', '5', '--batch', '1,3']);
    expect(npy.accuracy.top1.correct).toBe(4);
    expect(npy.latency.map((l: { batch: number }) => l.batch)).toEqual([1, 3]);
  });

  it('without labels: fidelity to --reference; without data: synthetic inputs and no accuracy', async () => {
    copyFileSync(p('tab.onnx'), p('copy.onnx'));
    const f = await json([p('copy.onnx'), '--data', p('tab-x.npy'), '--reference', p('tab.onnx'), '--runs', '5']);
    expect(f.accuracy).toMatchObject({ kind: 'fidelity', items: 6, relativeL2: 0 });
    expect(f.accuracy.top1Agreement.value).toBe(1);
    expect(f.accuracy.snrDb.value).toBeNull(); // identical outputs: infinite SNR is written as null
    const s = await json([p('tab.onnx'), '--runs', '5']);
    expect(s.data).toMatchObject({ source: 'synthetic', inputs: null, labels: null, items: null });
    expect(s.accuracy).toBeNull();
    expect(s.notes.join(' ')).toMatch(/synthetic/);
    // --reference without --data: fidelity on the spec's synthetic items, and the notes say so.
    const r = await json([p('copy.onnx'), '--reference', p('tab.onnx'), '--runs', '5']);
    expect(r.data).toMatchObject({ source: 'synthetic', inputs: null, items: 64 });
    expect(r.accuracy).toMatchObject({ kind: 'fidelity', items: 64, relativeL2: 0 });
    expect(r.notes).toContain("No --data: fidelity on 64 synthetic inputs made by the input spec (seeded), compared with tab.onnx's outputs.");
  });

  it('a fixed batch dimension: measured at that size; another size is refused', async () => {
    const r = await json([p('fixed.onnx'), '--data', p('tab-x.npy'), '--labels', p('tab-y.npy'), '--runs', '5']);
    expect(r.settings.batchSizes).toEqual([2]);
    expect(r.accuracy.top1.correct).toBe(4);
    const bad = await pareto(['bench', p('fixed.onnx'), '--batch', '8']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/batch dimension is fixed at 2.*cannot run batch 8/);
  });

  it('bad data: a clear message, exit 1, before anything runs', async () => {
    const cases: [string[], RegExp][] = [
      [['--data', p('tab-x.npy'), '--labels', p('tab-y-short.npy')], /tab-y-short\.npy has 5 labels, but the inputs hold 6 items/],
      [['--data', p('tab.csv')], /tab\.csv has 5 feature columns \(is one of them the label\? name it as the label column\), but the model's input "features" takes 4/],
      [['--data', p('tab.csv'), '--label-column', 'nope'], /no column "nope"; its columns are "a", "b", "c", "d", "label"/],
      [['--data', p('missing.npy')], /cannot read data file .*missing\.npy": no such file/],
      [['--data', p('tab.onnx')], /use a \.npy, \.npz or \.csv file/],
    ];
    for (const [args, re] of cases) {
      const r = await pareto(['bench', p('tab.onnx'), ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    }
    writeFileSync(p('nan.npy'), writeNpy('float32', [2, 4], Float32Array.from([0, 1, 2, 3, 4, NaN, 6, 7])));
    expect((await pareto(['bench', p('tab.onnx'), '--data', p('nan.npy')])).stderr).toMatch(/nan\.npy contains NaN \(item 1\)/);
  });

  it('bad options: usage errors, exit 2', async () => {
    for (const args of [['--batch', '0'], ['--batch', 'x'], ['--backend', 'gpu'], ['--runs', '0'], ['--threads', 'many'], ['--task', 'ranking'], ['--time-budget', '0'], ['--labels', p('tab-y.npy')]]) {
      const r = await pareto(['bench', p('tab.onnx'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^pareto: error: /);
    }
  });
});
