#!/usr/bin/env node
/**
 * `npm test`: every stage in order, each named as it starts and timed as it ends; stops at the first failure.
 *   node scripts/test.mjs                 all stages
 *   node scripts/test.mjs unit e2e        only those stages (names below)
 */
import { spawnSync } from 'node:child_process';

const stages = [
  { name: 'cli', what: 'build the pareto CLI (esbuild)', cmd: ['node', 'scripts/build-cli.mjs'] },
  { name: 'typecheck', what: 'tsc on the whole project, then src/core alone (no DOM, no Node types)', cmd: ['npm', 'run', '-s', 'typecheck'] },
  { name: 'unit', what: 'Vitest unit tests beside the code', cmd: ['npx', 'vitest', 'run'] },
  { name: 'build', what: 'production build (vite build)', cmd: ['npx', 'vite', 'build', '--logLevel', 'warn'] },
  { name: 'e2e', what: 'Playwright end-to-end tests in Chromium (built app and dev server)', cmd: ['npx', 'playwright', 'test'] },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !stages.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`test: unknown stage ${unknown.join(', ')} (stages: ${stages.map((s) => s.name).join(', ')})`);
  process.exit(2);
}
const run = wanted.length > 0 ? stages.filter((s) => wanted.includes(s.name)) : stages;
const t0 = performance.now();
const times = [];
for (const [i, s] of run.entries()) {
  console.log(`\n▶ [${i + 1}/${run.length}] ${s.name}: ${s.what}`);
  const start = performance.now();
  const r = spawnSync(s.cmd[0], s.cmd.slice(1), { stdio: 'inherit' });
  const secs = (performance.now() - start) / 1000;
  times.push(`${s.name} ${secs.toFixed(1)} s`);
  if (r.status !== 0) {
    console.error(`\n✗ ${s.name} failed after ${secs.toFixed(1)} s (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.log(`✓ ${s.name} (${secs.toFixed(1)} s)`);
}
console.log(`\nAll stages passed in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${times.join(', ')}`);
