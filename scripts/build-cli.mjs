#!/usr/bin/env node
/**
 * Builds the `pareto` CLI (src/cli/entry.ts, main.ts and the core they use) into ES modules under dist-cli/, so
 * `npx pareto` starts without compiling TypeScript: dist-cli/pareto.mjs, and in dist-cli/chunks/ the parts it loads
 * only when a command needs them (each runtime adapter with its package: onnxruntime-node, onnxruntime-web, TF.js).
 * `pareto --help`, `tco` or `report` load none of them, `quantize` only onnxruntime-node. Packages in node_modules
 * stay external (imported at run time). Run by `npm install` (prepare), by `npm test`, and by bin/pareto.mjs itself
 * when the build is missing or older than a source file. Not under dist/: `vite build` empties that folder.
 *
 * Every file is written beside its final name and renamed, the chunks (named by their content) before the entry that
 * imports them, so a CLI started while another process rebuilds never loads half a file; a chunk of an earlier build
 * stays a day (a command still running may load it later).
 *
 *   node scripts/build-cli.mjs            build when stale
 *   node scripts/build-cli.mjs --force    build always
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outdir = join(root, 'dist-cli');
export const output = join(outdir, 'pareto.mjs');
const DAY_MS = 24 * 3600 * 1000;

/** Newest modification time of the sources the CLI is built from (src/cli, src/core, src/runtimes, package.json). */
function newestSource() {
  let newest = statSync(join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src/cli', 'src/core', 'src/runtimes']) walk(join(root, d));
  return newest;
}

export function isStale() {
  return !existsSync(output) || statSync(output).mtimeMs < newestSource();
}

export async function buildCli() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { pareto: join(root, 'src/cli/entry.ts') },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const put = (path, contents) => {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  };
  const chunks = result.outputFiles.filter((f) => f.path !== output);
  for (const f of chunks) if (!existsSync(f.path)) put(f.path, f.contents);
  put(output, result.outputFiles.find((f) => f.path === output).contents);
  // Chunks no build of the last day refers to.
  const current = new Set(chunks.map((f) => f.path));
  const dir = join(outdir, 'chunks');
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const p = join(dir, name);
    if (!current.has(p) && Date.now() - statSync(p).mtimeMs > DAY_MS) rmSync(p, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--force') || isStale()) {
    const t0 = performance.now();
    await buildCli();
    console.log(`pareto CLI built: dist-cli/pareto.mjs (${Math.round(performance.now() - t0)} ms)`);
  }
}
