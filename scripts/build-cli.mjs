#!/usr/bin/env node
/**
 * Builds the `pareto` CLI (src/cli/entry.ts, main.ts and the core they use) into one ES module, dist/cli/pareto.mjs, so
 * `npx pareto` starts without compiling TypeScript. Packages in node_modules stay external (imported at run time).
 * Run by `npm install` (prepare), by `npm test` (pretest), and by bin/pareto.mjs itself when the build is missing
 * or older than a source file. The output is written beside its final name and renamed, so a CLI started while
 * another process rebuilds never loads half a file.
 *
 *   node scripts/build-cli.mjs            build when stale
 *   node scripts/build-cli.mjs --force    build always
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const output = join(root, 'dist/cli/pareto.mjs');

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
  mkdirSync(dirname(output), { recursive: true });
  const tmp = `${output}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, 'src/cli/entry.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  renameSync(tmp, output);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--force') || isStale()) {
    const t0 = performance.now();
    await buildCli();
    console.log(`pareto CLI built: dist/cli/pareto.mjs (${Math.round(performance.now() - t0)} ms)`);
  }
}
