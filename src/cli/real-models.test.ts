/**
 * Issue 10's quality bar on real public models (npm packages that ship .onnx files, and ONNX's own backend test
 * models): for each, the input spec is resolved only through the user-facing knobs (--shape, --dim, --value, --data),
 * a variant is made by the CLI in-process (program.ts's main, the same parsing and code path as `pareto`), and the
 * fidelity it reports is recomputed independently: both models run in onnxruntime-node's own API on the same inputs,
 * and the mean per-row cosine (one-value rows: the column's cosine, as documented in core/bench/fidelity.ts) must
 * agree within 1e-4. Each variant is then benchmarked on onnxruntime-web's WASM backend in Node (3 runs).
 *
 * Models are skipped, with the reason, when their package is not installed.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInputSpec } from '../core/bench/input-spec';
import type { Feeds, HostTensor } from '../core/bench/session';
import { writeNpz } from '../core/data/npz';
import type { NpyArray } from '../core/data/npy';
import { specJobData } from '../core/job/data';
import { openModelFiles } from '../core/model/open';
import { parseInputSpecFlags } from './options';
import { cli, cliJson, outputsOf, REAL, speechLike, textImages, vadNpz } from './real-model-data';

const dir = mkdtempSync(join(tmpdir(), 'pareto-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const paretoJson = (argv: string[]) => cliJson(argv, dir);

/* ------------------------------------------------------------ the independent check ------------------------------------------------------------ */

const cos = (a: number[], b: number[], from: number, to: number) => {
  let d = 0, na = 0, nb = 0;
  for (let i = from; i < to; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : d / Math.sqrt(na * nb);
};

const isDistributions = (v: number[], w: number) => {
  for (let at = 0; at < v.length; at += w) {
    const row = v.slice(at, at + w);
    if (row.some((x) => x < 0) || Math.abs(row.reduce((a, x) => a + x, 0) - 1) > 1e-3) return false;
  }
  return true;
};

/** Mean per-row cosine of each output (one value per row: the column's cosine), computed here, not by core. */
async function independentCosine(original: string, variant: string, feeds: readonly Feeds[]) {
  const [a, b] = [await outputsOf(original, feeds), await outputsOf(variant, feeds)];
  const out: Record<string, number> = {};
  for (const [name, r] of a) {
    const c = b.get(name)!.values;
    // a sequence of per-step probabilities ([items, steps, classes]) is compared per step (core/bench/compare.ts)
    const steps = r.last !== undefined && r.last >= 2 && isDistributions(r.values, r.last);
    const rows = steps ? r.values.length / r.last! : r.rows;
    const width = r.values.length / rows;
    if (width === 1 && r.rows > 1) out[name] = cos(r.values, c, 0, r.values.length);
    else {
      let s = 0;
      for (let row = 0; row < rows; row++) s += cos(r.values, c, row * width, (row + 1) * width);
      out[name] = s / rows;
    }
  }
  return out;
}

/** Feeds from an .npz written here: batch-first members in one batch, or (perSample) one feed per sample. */
function npzFeeds(arrays: Record<string, NpyArray>, perSample: boolean): Feeds[] {
  const n = Math.max(...Object.values(arrays).filter((a) => a.shape.length > 0).map((a) => a.shape[0]));
  const tensor = (a: NpyArray, i?: number): HostTensor => {
    if (a.shape.length === 0) return { dtype: a.dtype as HostTensor['dtype'], dims: [], data: a.data as never };
    if (i === undefined) return { dtype: a.dtype as HostTensor['dtype'], dims: a.shape, data: a.data as never };
    const size = a.shape.slice(1).reduce((x, y) => x * y, 1);
    return { dtype: a.dtype as HostTensor['dtype'], dims: a.shape.slice(1), data: (a.data as Float32Array).subarray(i * size, (i + 1) * size) as never };
  };
  if (!perSample) return [Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, tensor(a)]))];
  return Array.from({ length: n }, (_, i) => Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, a.shape.length === 0 ? tensor(a) : tensor(a, i)])));
}

/* ------------------------------------------------------------ the cases ------------------------------------------------------------ */

interface Case {
  id: string;
  model: string;
  /** The variant's command and options (without the model, -o and the spec flags). */
  make: string[];
  /** --shape/--dim/--value as a user types them. */
  spec: string[];
  /** Data written to <id>.npz and passed as --data (or --calibration for static). */
  npz?: { arrays: Record<string, NpyArray>; perSample: boolean; flag: '--data' | '--calibration' };
  /** Shapes the run must report (inputSpec), by input. */
  shapes: Record<string, number[]>;
  /** Spec flags for the WASM benchmark when not the run's own (a narrower text line: latency only, a few runs). */
  bench?: string[];
}

const textLines = textImages(1, 48, 320, 1);
const vadData = vadNpz(4, speechLike(4, 512, 7), { state: [2, 1, 128] }, 16000);
const legacyData = vadNpz(3, speechLike(3, 512, 8), { h: [2, 1, 64], c: [2, 1, 64] }, 16000);
const halfData = vadNpz(3, speechLike(3, 512, 9), { state: [2, 1, 128] });

const CASES: Case[] = [
  // a text detector with symbolic batch, H and W: H and W given by name, batch by the declared default
  { id: 'ocr-det', model: REAL.det, make: ['prune', '--sparsity', '0.3'], spec: ['--dim', 'p2o.DynamicDimension.1=32', '--dim', 'p2o.DynamicDimension.2=64'], shapes: { x: [1, 3, 32, 64] } },
  // opset 9 text recognition on a text-line-like image [1, 3, 48, 320]: dynamic int8 converts it first (issue 11: cosine >= 0.98)
  { id: 'ocr-rec', model: REAL.rec, make: ['quantize', '--mode', 'dynamic'], spec: [], npz: { arrays: { x: textLines }, perSample: false, flag: '--data' }, shapes: { x: [1, 3, 48, 320] }, bench: ['--shape', 'x=1x3x48x64'] },
  // opset 9 text orientation classifier, whole shape given
  { id: 'ocr-cls', model: REAL.cls, make: ['quantize', '--mode', 'weight-only'], spec: ['--shape', 'x=1x3x48x192'], shapes: { x: [1, 3, 48, 192] } },
  // Silero VAD v5 (input [?, ?], state [2, ?, 128], sr int64 scalar; If subgraphs): static int8 from an .npz
  { id: 'vad-v5', model: REAL.vadV5, make: ['quantize', '--mode', 'static'], spec: [], npz: { arrays: vadData, perSample: true, flag: '--calibration' }, shapes: { input: [1, 512], state: [2, 1, 128], sr: [] } },
  // Silero VAD (v6 weights), synthetic inputs: the whole input shape and the sample rate given
  { id: 'vad', model: REAL.vad, make: ['prune', '--pattern', '2:4'], spec: ['--shape', 'input=1x512', '--value', 'sr=16000'], shapes: { input: [1, 512], state: [2, 1, 128], sr: [] } },
  { id: 'vad-op15', model: REAL.vadOp15, make: ['quantize', '--mode', 'dynamic'], spec: ['--dim', 'sequence=512', '--value', 'sr=16000'], shapes: { input: [1, 512], state: [2, 1, 128], sr: [] } },
  { id: 'vad-half', model: REAL.vadHalf, make: ['quantize', '--mode', 'dynamic'], spec: [], npz: { arrays: halfData, perSample: true, flag: '--data' }, shapes: { input: [1, 512], state: [2, 1, 128] } },
  { id: 'vad-ifless', model: REAL.vadIfless, make: ['prune', '--sparsity', '0.5'], spec: ['--dim', 'sequence=512', '--value', 'sr=16000'], shapes: { input: [1, 512], sr: [], state: [2, 1, 128] } },
  // legacy Silero (LSTM; input, sr, h, c; opset 16 with com.microsoft domains)
  { id: 'vad-legacy', model: REAL.vadLegacy, make: ['quantize', '--mode', 'dynamic'], spec: [], npz: { arrays: legacyData, perSample: true, flag: '--data' }, shapes: { input: [1, 512], sr: [], h: [2, 1, 64], c: [2, 1, 64] } },
  // ONNX backend test models (opset 6)
  { id: 'onnx-conv2d', model: REAL.conv2d, make: ['quantize', '--mode', 'dynamic'], spec: [], shapes: { '0': [2, 3, 7, 5] } },
  { id: 'onnx-depthwise', model: REAL.depthwise, make: ['prune', '--sparsity', '0.5'], spec: [], shapes: { '0': [2, 4, 6, 6] } },
];

interface Outcome {
  json: Record<string, any>;
  variant: string;
  independent: Record<string, number>;
  bench: Record<string, any>;
}

const present = CASES.filter((c) => existsSync(c.model));
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  for (const c of present) {
    const variant = join(dir, `${c.id}.variant.onnx`);
    const dataArgs: string[] = [];
    let feeds: Feeds[];
    if (c.npz) {
      const file = join(dir, `${c.id}.npz`);
      writeFileSync(file, writeNpz(c.npz.arrays));
      dataArgs.push(c.npz.flag, file);
      feeds = npzFeeds(c.npz.arrays, c.npz.perSample);
    } else {
      // The synthetic inputs the CLI made: the same spec (from the same flags) and core's seeded rows.
      const flags = parseInputSpecFlags(cacOptions(c.spec));
      const opened = openModelFiles([{ name: 'm.onnx', bytes: readFileSync(c.model) }]);
      feeds = specJobData(resolveInputSpec(opened.summary, flags)).batches;
    }
    const t0 = performance.now();
    const json = await paretoJson([c.make[0], c.model, '-o', variant, ...c.make.slice(1), ...c.spec, ...dataArgs]);
    const t1 = performance.now();
    const independent = await independentCosine(c.model, variant, feeds);
    const t2 = performance.now();
    const benchSpec = c.bench ?? (c.npz ? specFlagsFor(json.inputSpec) : c.spec);
    const bench = await paretoJson(['bench', variant, '--backend', 'wasm', '--runs', '3', '--warmup', '1', ...benchSpec]);
    outcomes.set(c.id, { json, variant, independent, bench });
    // PARETO_REAL_REPORT=<file>: the figures per model as JSON lines (for the README's table), and how long each step took.
    if (process.env.PARETO_REAL_REPORT) {
      const row = { id: c.id, make: c.make.join(' '), inputs: json.fidelity.inputs, degraded: json.degraded, reasons: json.degradedReasons, outputs: json.fidelity.outputs, independent, wasmP50Ms: bench.latency[0].p50Ms, ms: { cli: t1 - t0, check: t2 - t1, bench: performance.now() - t2 } };
      appendFileSync(process.env.PARETO_REAL_REPORT, JSON.stringify(row) + '\n');
    }
  }
}, 240_000);

/** cac's options object for --shape/--dim/--value pairs (what parseInputSpecFlags reads). */
function cacOptions(spec: string[]): Record<string, string[]> {
  const o: Record<string, string[]> = { shape: [], dim: [], value: [] };
  for (let i = 0; i < spec.length; i += 2) o[spec[i].slice(2)].push(spec[i + 1]);
  return o;
}

/** The bench flags that reproduce a run's spec when its data came from a file: every input's shape, fixed values. */
function specFlagsFor(spec: { inputs: { name: string; shape: number[]; values: { kind: string; value?: number } }[] }): string[] {
  return spec.inputs.flatMap((e) => [
    ...(e.shape.length > 0 ? ['--shape', `${e.name}=${e.shape.join('x')}`] : []),
    ...(e.shape.length === 0 ? ['--value', `${e.name}=16000`] : []),
  ]);
}

describe.each(CASES.map((c) => [c.id, c] as const))('real model %s', (id, c) => {
  it.skipIf(!existsSync(c.model))(`${c.make.join(' ')}: the reported fidelity equals onnxruntime-node's, the spec is the one set, WASM benchmarks it`, () => {
    const o = outcomes.get(id)!;
    // The spec it ran with: every dim resolved by a declared rule (none silently 1: an image is never 1x1).
    const shapes = Object.fromEntries(o.json.inputSpec.inputs.map((e: { name: string; shape: number[] }) => [e.name, e.shape]));
    expect(shapes).toEqual(c.shapes);
    // Fidelity per output, on the data it says, equal to the independent computation.
    expect(o.json.fidelity.error).toBeUndefined();
    expect(o.json.fidelity.inputs).toBe(c.npz ? (c.npz.flag === '--data' ? 'data' : 'calibration') : 'synthetic');
    expect(Object.keys(o.json.fidelity.outputs).sort()).toEqual(Object.keys(o.independent).sort());
    for (const [name, cosine] of Object.entries(o.independent)) {
      expect(Math.abs(o.json.fidelity.outputs[name].cosine - cosine), `${id} output ${name}`).toBeLessThan(1e-4);
    }
    if (id === 'ocr-rec') {
      expect(o.json.notes.join('\n')).toMatch(/Converted the model from opset 9 to \d+ first/);
      expect(o.json.fidelity.outputs['softmax_11.tmp_0'].cosine).toBeGreaterThanOrEqual(0.98);
    }
    expect(typeof o.json.degraded).toBe('boolean');
    if (o.json.degraded) expect(o.json.degradedReasons.length).toBeGreaterThan(0);
    // The variant benchmarked on onnxruntime-web's WASM backend.
    expect(o.bench.environment.backend).toBe('wasm');
    expect(o.bench.latency[0].runs).toBe(3);
    expect(o.bench.latency[0].p50Ms).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(REAL.vadHalf) || !existsSync(REAL.vadOp15))('recurrent Silero VAD in pareto bench', () => {
  it('state [2, batch, 128] is no fixed batch of 2: silero_vad_half benchmarks at batch 1 and 4', async () => {
    const j = await paretoJson(['bench', REAL.vadHalf, '--dim', 'sequence=512', '--batch', '1,4', '--runs', '2', '--warmup', '1']);
    expect(j.latency.map((l: { batch: number }) => l.batch)).toEqual([1, 4]);
    expect(j.inputSpec.inputs.find((e: { name: string }) => e.name === 'state').shape).toEqual([2, 1, 128]);
  });

  it('with only --value sr=16000, a window the model does not declare is asked for by name; with it, it runs', async () => {
    const r = await cli(['bench', REAL.vadOp15, '--value', 'sr=16000', '--runs', '2'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/input "input" \[batch, sequence\]: give sequence \(--dim sequence=320 or --shape input=1x320\)/);
    const j = await paretoJson(['bench', REAL.vadOp15, '--value', 'sr=16000', '--dim', 'sequence=512', '--runs', '2', '--warmup', '1']);
    expect(j.inputSpec.inputs.map((e: { name: string; shape: number[] }) => [e.name, e.shape])).toEqual([['input', [1, 512]], ['state', [2, 1, 128]], ['sr', []]]);
    expect(j.latency[0].runs).toBe(2);
  });
});
