/**
 * Prune 50% global unstructured on the shared ~300 MB model: throughput and peak memory (see bench/quantize.ts).
 * Two ways: in place (inPlace: true), which the app's optimize worker and the CLI could use since they own the model
 * they read from bytes (not wired yet), and the copying path (the input model left untouched: the contract's default).
 * The in-place peak memory is measured in a fresh process too: this file run as a script,
 *   node --expose-gc --import tsx bench/prune.ts --child-in-place <model.onnx>
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { formatBytes } from '../src/core/format';
import { readOnnx } from '../src/core/formats/onnx/read';
import { applyRecipe } from '../src/core/transforms/apply-recipe';
import type { Recipe } from '../src/core/transforms/recipe';
import { RECIPES, transformRows, type TransformMemoryResult } from './quantize';
import { median, row, type BenchCase, type BenchContext, type BenchRow } from './registry';

const IN_PLACE: Recipe = {
  steps: [{ transform: 'prune', options: { ...(RECIPES.prune.steps[0].options as object), inPlace: true } }],
};
const RUNS = 3;
const LABEL = 'prune 50% global unstructured';
const NOTE = 'in place (inPlace: true; the app\u2019s worker and the CLI do not use it yet)';

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const shared = new Float64Array(workerData);
const stop = new Int32Array(workerData, 16, 1);
let n = 0;
(function tick() {
  const rss = process.memoryUsage.rss();
  if (rss > shared[0]) shared[0] = rss;
  shared[1] = ++n;
  if (Atomics.load(stop, 0) === 0) setTimeout(tick, 1);
})();
`;

/** The in-place run in a fresh process (same measurement as bench/quantize.ts's child). */
async function child(path: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const sab = new SharedArrayBuffer(24);
  const shared = new Float64Array(sab, 0, 2);
  const worker = new Worker(SAMPLER, { eval: true, workerData: sab });
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const rssStart = process.memoryUsage.rss();
  const bytes = readFileSync(path);
  const model = readOnnx(bytes, { fileName: path });
  gc();
  const rssLoaded = process.memoryUsage.rss();
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  shared[0] = rssLoaded;
  const t0 = performance.now();
  const result = await applyRecipe(model, IN_PLACE);
  const ms = performance.now() - t0;
  const after = process.memoryUsage.rss();
  await new Promise((r) => setTimeout(r, 20));
  Atomics.store(new Int32Array(sab, 16, 1), 0, 1);
  await worker.terminate();
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  const sampled = Math.max(shared[0], after);
  const newHigh = maxAfter > maxBefore;
  const out: TransformMemoryResult = {
    kind: 'prune',
    modelBytes: bytes.length,
    ms,
    rssStart,
    rssLoaded,
    peakRss: newHigh ? Math.max(maxAfter, sampled) : sampled,
    outputBytes: result.bytes,
    peakSource: newHigh && maxAfter >= sampled ? 'maxrss' : 'sampler',
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function measureInPlaceMemory(ctx: BenchContext, modelPath: string): Promise<TransformMemoryResult> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/prune.ts', '--child-in-place', modelPath], {
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
      if (code !== 0 || !line.startsWith('{')) rej(new Error(`prune in-place memory child exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else res(JSON.parse(line) as TransformMemoryResult);
    });
  });
}

/** In place: every run prunes a fresh model read from its own copy of the file's bytes (made outside the timing). */
async function inPlaceRows(ctx: BenchContext): Promise<BenchRow[]> {
  const m = await ctx.bigModel();
  ctx.log(`prune: in place ×${RUNS + 1} on ${formatBytes(m.bytes.length)}`);
  const times: number[] = [];
  const cpu: number[] = [];
  let outBytes = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    let model: ReturnType<typeof readOnnx> | undefined = readOnnx(m.bytes.slice(), { fileName: m.fileName });
    ctx.gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await applyRecipe(model, IN_PLACE);
    const dt = performance.now() - t0;
    const dc = process.cpuUsage(c0);
    outBytes = r.bytes;
    model = undefined;
    if (i > 0) {
      times.push(dt);
      cpu.push((dc.user + dc.system) / 1000);
    }
  }
  const cpuMs = median(cpu);
  const ms = median(times);
  const gbps = m.weightBytes / 1e9 / (ms / 1000);
  ctx.log('prune: in place, peak memory in a fresh process');
  const mem = await measureInPlaceMemory(ctx, m.path);
  const total = (mem.peakRss - mem.rssStart) / mem.modelBytes;
  const extra = (mem.peakRss - mem.rssLoaded) / mem.modelBytes;
  const range = `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`;
  return [
    row(
      `${LABEL}: throughput`,
      gbps,
      'GB/s',
      `${NOTE}; ${formatBytes(m.weightBytes)} float32 weights, ${formatBytes(m.bytes.length)} model → ${formatBytes(outBytes)}; ` +
        `median ${ms.toFixed(0)} ms of ${RUNS} runs (${range}), one thread, in process; CPU time ${cpuMs.toFixed(0)} ms (${(m.weightBytes / 1e9 / (cpuMs / 1000)).toFixed(2)} GB/s); load avg ${loadavg()[0].toFixed(1)}; aim ≥ 1 GB/s`,
    ),
    row(
      `${LABEL}: peak memory`,
      total,
      '× model',
      `${NOTE}; fresh process: peak RSS ${formatBytes(mem.peakRss - mem.rssStart)} over the start (model file + decoded model + work + result), ` +
        `${extra.toFixed(2)}× over the loaded model (${mem.peakSource}); run took ${mem.ms.toFixed(0)} ms; aim ≤ 2×`,
    ),
  ];
}

export const pruneBench: BenchCase = {
  id: 'prune',
  title: 'prune (50% global unstructured)',
  run: async (ctx) => {
    const inPlace = await inPlaceRows(ctx);
    const copying = await transformRows(ctx, 'prune', `${LABEL} (copying: input untouched)`);
    return [...inPlace, ...copying];
  },
};

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain && process.argv[2] === '--child-in-place') {
  const path = process.argv[3];
  if (!path) throw new Error('usage: bench/prune.ts --child-in-place <model.onnx>');
  await child(path);
}
