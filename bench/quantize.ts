/**
 * Bench cases for the transforms, on the ~400 MB float32 MLP (ctx.transformModel()):
 * - throughput: applyRecipe (the transform plus serialising the result into parts) as the CLI and the app's optimize
 *   worker run it: on a model read with readOnnx from its own copy of the file's bytes (weights are views, mostly
 *   unaligned, as when a user opens a file), owning the model (ownsModel: prune writes into those bytes); in this process, on
 *   one core; GB/s of float32 weights, median of 3 runs after a warm-up;
 * - peak memory: the same in a fresh `node --expose-gc` process (this file run as a script, like write-memory.ts):
 *   node --expose-gc --import tsx bench/quantize.ts --child quantize|prune|prune-in-place <model.onnx>
 *   prints one JSON line. Peak RSS comes from a worker sampling every millisecond and from getrusage's maxRSS.
 * The browser runs the same code in a Web Worker (src/workers); it is not timed separately.
 * bench/prune.ts holds the prune case; both share the helpers here.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatBytes } from '../src/core/units';
import { readOnnx } from '../src/core/formats/onnx/read';
import { applyRecipe } from '../src/core/transforms/apply-recipe';
import { recipeName, type Recipe } from '../src/core/transforms/recipe';
import { startPeakRss } from './peak-rss';
import { median, row, type BenchCase, type BenchContext, type BenchRow } from './registry';

/** prune: as the app and the CLI run it (in place, ownsModel); prune-copying: the core's default (input untouched). */
export type TransformKind = 'quantize' | 'prune' | 'prune-copying';

// The compressed size is what the CLI measures separately; the transform itself is timed here.
const PRUNE_50 = { sparsity: 0.5, scope: 'global', pattern: 'unstructured', compressedSize: 'off' } as const;

export const RECIPES: Record<TransformKind, Recipe> = {
  quantize: { steps: [{ transform: 'quantize', options: { mode: 'dynamic', perChannel: true } }] },
  // Run owning the model (OWNS_MODEL): prunes the input model's own bytes, so every run needs a fresh model (see transformRows).
  prune: { steps: [{ transform: 'prune', options: PRUNE_50 }] },
  'prune-copying': { steps: [{ transform: 'prune', options: PRUNE_50 }] },
};

/** Kinds run owning their model, as the app and the CLI run prune: they change the model they are given (quantize never
 * writes into its input, so one model serves all its runs). */
const OWNS_MODEL: ReadonlySet<TransformKind> = new Set(['prune']);

const RUNS = 3;

export interface TransformMemoryResult {
  kind: TransformKind;
  modelBytes: number;
  ms: number;
  /** RSS before the model file was read. */
  rssStart: number;
  /** RSS with the model read and decoded. */
  rssLoaded: number;
  peakRss: number;
  outputBytes: number;
  peakSource: 'maxrss' | 'sampler';
}

/* ------------------------------------------------------------------ child process ------------------------------------------------------------------ */


async function child(kind: TransformKind, path: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const sampler = await startPeakRss();
  gc();
  const rssStart = process.memoryUsage.rss();
  const bytes = readFileSync(path);
  const model = readOnnx(bytes, { fileName: path });
  gc();
  const rssLoaded = process.memoryUsage.rss();
  sampler.from(rssLoaded);
  const t0 = performance.now();
  const result = await applyRecipe(model, RECIPES[kind], { ownsModel: OWNS_MODEL.has(kind) });
  const ms = performance.now() - t0;
  const peak = await sampler.stop(process.memoryUsage.rss());
  const out: TransformMemoryResult = {
    kind,
    modelBytes: bytes.length,
    ms,
    rssStart,
    rssLoaded,
    peakRss: peak.peak,
    outputBytes: result.bytes,
    peakSource: peak.source,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Runs this file as a child process and returns its measurement. */
export function measureTransformMemory(ctx: BenchContext, kind: TransformKind, modelPath: string): Promise<TransformMemoryResult> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/quantize.ts', '--child', kind, modelPath], {
      cwd: ctx.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', rej);
    c.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) rej(new Error(`${kind} memory child exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else res(JSON.parse(line) as TransformMemoryResult);
    });
  });
}

/* ------------------------------------------------------------------ the case ------------------------------------------------------------------ */

/**
 * Throughput (in process) and peak memory (child) of one recipe on the ~400 MB model. A recipe that changes its
 * input (prune in place) gets a fresh model for every run, read from its own copy of the file's bytes outside the timing.
 */
export async function transformRows(ctx: BenchContext, kind: TransformKind, label: string, note = ''): Promise<BenchRow[]> {
  const m = await ctx.transformModel();
  const recipe = RECIPES[kind];
  const name = recipeName(recipe);
  const shared = OWNS_MODEL.has(kind) ? undefined : readOnnx(m.bytes, { fileName: m.fileName });
  const prefix = note ? `${note}; ` : '';
  ctx.log(`${kind}: ${name} ×${RUNS + 1} on ${formatBytes(m.bytes.length)}`);
  const times: number[] = [];
  const cpu: number[] = [];
  let outBytes = 0;
  let achieved = '';
  for (let i = 0; i < RUNS + 1; i++) {
    const model = shared ?? readOnnx(m.bytes.slice(), { fileName: m.fileName });
    ctx.gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await applyRecipe(model, recipe, { ownsModel: OWNS_MODEL.has(kind) });
    const dt = performance.now() - t0;
    const dc = process.cpuUsage(c0);
    outBytes = r.bytes;
    const stats = r.reports[0].stats as { sparsity?: { achieved: number } };
    if (stats.sparsity) achieved = `achieved sparsity ${(100 * stats.sparsity.achieved).toFixed(2)}%; `;
    if (i > 0) {
      times.push(dt);
      cpu.push((dc.user + dc.system) / 1000);
    }
  }
  // On a shared machine wall time includes waiting for a core; CPU time (this process, all threads) says what the
  // code itself costs.
  const cpuMs = median(cpu);
  const ms = median(times);
  const gbps = m.weightBytes / 1e9 / (ms / 1000);
  ctx.log(`${kind}: peak memory in a fresh process`);
  const mem = await measureTransformMemory(ctx, kind, m.path);
  const total = (mem.peakRss - mem.rssStart) / mem.modelBytes;
  const extra = (mem.peakRss - mem.rssLoaded) / mem.modelBytes;
  const range = `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`;
  return [
    row(
      `${label}: throughput`,
      gbps,
      'GB/s',
      `${prefix}${achieved}${formatBytes(m.weightBytes)} float32 weights, ${formatBytes(m.bytes.length)} model → ${formatBytes(outBytes)}; ` +
        `median ${ms.toFixed(0)} ms of ${RUNS} runs (${range}), one thread, in process; CPU time ${cpuMs.toFixed(0)} ms (${(m.weightBytes / 1e9 / (cpuMs / 1000)).toFixed(2)} GB/s); load avg ${loadavg()[0].toFixed(1)}; aim ≥ 1 GB/s`,
    ),
    row(
      `${label}: peak memory`,
      total,
      '× model',
      `${prefix}fresh process: peak RSS ${formatBytes(mem.peakRss - mem.rssStart)} over the start (model file + decoded model + work + result), ` +
        `${extra.toFixed(2)}× over the loaded model (${mem.peakSource}); run took ${mem.ms.toFixed(0)} ms; aim ≤ 2×`,
    ),
  ];
}

export const quantizeBench: BenchCase = {
  id: 'quantize',
  title: 'quantize (int8 dynamic, per-channel)',
  run: (ctx) => transformRows(ctx, 'quantize', 'quantize int8 dynamic per-channel'),
};

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain && process.argv[2] === '--child') {
  const kind = process.argv[3] as TransformKind;
  const path = process.argv[4];
  if (!(kind in RECIPES) || !path) throw new Error(`usage: bench/quantize.ts --child ${Object.keys(RECIPES).join('|')} <model.onnx>`);
  await child(kind, path);
}
