/**
 * `npm run bench [-- <case id>...]`: runs the cases of ./cases.ts, prints a markdown table on stdout (progress
 * goes to stderr) and writes bench/results.json. A failing case becomes a "failed: …" row; the rest still run.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { formatBytes } from '../src/core/units';
import { writeOnnx } from '../src/core/formats/onnx/write';
import { cases } from './cases';
import { BIG_MLP_DIMS, generateMlp, TRANSFORM_MLP_DIMS } from './model';
import { row, type BenchContext, type BenchRow, type BigModel } from './registry';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tmpDir = join(root, '.bench-tmp');

function exposeGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => undefined;
  }
}

function formatValue(v: number | null): string {
  if (v === null) return '–';
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function markdownTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [r.name, formatValue(r.value), r.unit, r.note.replace(/\|/g, '\\|')]);
  const head = ['name', 'value', 'unit', 'note'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => (i === 1 ? s.padStart(w[i]) : s.padEnd(w[i]))).join(' | ')} |`;
  const sep = `|${w.map((n, i) => (i === 1 ? `${'-'.repeat(n + 1)}:` : '-'.repeat(n + 2))).join('|')}|`;
  return [line(head), sep, ...cells.map(line)].join('\n');
}

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = only.length ? cases.filter((c) => only.includes(c.id)) : cases;
  if (only.length && selected.length === 0) {
    console.error(`No bench case matches ${only.join(', ')}; cases: ${cases.map((c) => c.id).join(', ')}`);
    process.exit(2);
  }

  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const cleanup = () => rmSync(tmpDir, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const started = performance.now();
  const log = (m: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${m}\n`);
  const generated = new Map<string, Promise<BigModel>>();
  /** Generates an MLP once, writes it to tmpDir, and keeps it for every case that asks. */
  const generate = (label: string, fileName: string, dims: readonly number[]): Promise<BigModel> => {
    let m = generated.get(fileName);
    if (!m) {
      m = (async () => {
        log(`generating the ${label} model`);
        const { proto, weightBytes } = generateMlp(dims);
        const bytes = writeOnnx(proto);
        const path = join(tmpDir, fileName);
        writeFileSync(path, bytes);
        log(`model: ${formatBytes(bytes.length)} written to ${path}`);
        return { path, fileName, bytes, proto, weightBytes };
      })();
      generated.set(fileName, m);
    }
    return m;
  };
  const ctx: BenchContext = {
    root,
    tmpDir,
    gc: exposeGc(),
    log,
    bigModel: () => generate('~300 MB', 'bench-300mb.onnx', BIG_MLP_DIMS),
    transformModel: () => generate('~400 MB', 'bench-400mb.onnx', TRANSFORM_MLP_DIMS),
  };

  const rows: BenchRow[] = [];
  try {
    for (const c of selected) {
      const t0 = performance.now();
      try {
        rows.push(...(await c.run(ctx)));
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        rows.push(row(c.title, null, '', `failed: ${msg.split('\n')[0].slice(0, 200)}`));
      }
      log(`${c.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    cleanup();
  }

  const totalS = (performance.now() - started) / 1000;
  console.log(markdownTable(rows));
  console.log(`\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${formatBytes(totalmem())} RAM, Node ${process.version}; bench took ${totalS.toFixed(0)} s`);
  const results = {
    date: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryBytes: totalmem() },
    cases: selected.map((c) => c.id),
    durationSeconds: Math.round(totalS),
    rows,
  };
  writeFileSync(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('Wrote bench/results.json');
}

await main();
