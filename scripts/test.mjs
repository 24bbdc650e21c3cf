#!/usr/bin/env node
/**
 * `npm test`: every stage, each named as it starts and timed as it ends; a failed stage fails the run.
 * The type check and the unit tests run beside the production build and the end-to-end tests (the e2e stage is the
 * longest stage; the other lane fills the CPU it leaves, and under load ends after it). The second lane's output is held and printed, whole, when it ends
 * (so the two logs never interleave).
 *
 *   node scripts/test.mjs                 all stages
 *   node scripts/test.mjs unit e2e        only those stages, one after the other (names below)
 */
import { spawn, spawnSync } from 'node:child_process';

const STAGES = {
  cli: { what: 'build the pareto CLI (esbuild)', cmd: ['node', 'scripts/build-cli.mjs'] },
  typecheck: { what: 'tsc on the whole project, then src/core alone (no DOM, no Node types)', cmd: ['npm', 'run', '-s', 'typecheck'] },
  unit: { what: 'Vitest unit tests beside the code', cmd: ['npx', 'vitest', 'run'] },
  build: { what: 'production build (vite build)', cmd: ['npx', 'vite', 'build', '--logLevel', 'warn'] },
  e2e: { what: 'Playwright end-to-end tests in Chromium (built app and dev server)', cmd: ['npx', 'playwright', 'test'] },
};
/** The default plan: groups run in order; the lanes of a group run at the same time. */
const PLAN = [[['cli']], [['build', 'e2e'], ['typecheck', 'unit']]];

const NICE = process.platform !== 'win32' && spawnSync('nice', ['true']).status === 0;
const t0 = performance.now();
const times = [];
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs one stage; `hold` buffers its output until it ends. Resolves to true when it passed. */
function run(name, { hold = false, note = '' } = {}) {
  const s = STAGES[name];
  console.log(`\n▶ ${name}: ${s.what}${note}`);
  const start = performance.now();
  // A held lane runs at a lower CPU priority (nice 10) where `nice` exists: the first lane (the e2e tests, the longest
  // stage) gets the CPU when it needs it, and the held lane fills what it leaves idle instead of slowing it down.
  const cmd = hold && NICE ? ['nice', '-n', '10', ...s.cmd] : s.cmd;
  const child = spawn(cmd[0], cmd.slice(1), { stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  const out = [];
  if (hold) {
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const took = performance.now() - start;
      times.push(`${name} ${secs(took)}`);
      if (hold) {
        console.log(`\n── ${name} output ──`);
        process.stdout.write(Buffer.concat(out));
      }
      if (code === 0) console.log(`✓ ${name} (${secs(took)})`);
      else console.error(`\n✗ ${name} failed after ${secs(took)} (exit ${code ?? signal})`);
      resolve(code === 0);
    });
  });
}

async function lane(names, hold, note) {
  for (const n of names) if (!(await run(n, { hold, note }))) return false;
  return true;
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in STAGES));
if (unknown.length > 0) {
  console.error(`test: unknown stage ${unknown.join(', ')} (stages: ${Object.keys(STAGES).join(', ')})`);
  process.exit(2);
}
const plan = wanted.length > 0 ? wanted.map((w) => [[w]]) : PLAN;
let ok = true;
for (const group of plan) {
  const held = group.length > 1 ? group.slice(1) : [];
  const note = (names) => (group.length > 1 ? ` (beside ${group.filter((l) => l !== names).map((l) => l.join(' → ')).join(', ')})` : '');
  const results = await Promise.all([lane(group[0], false, note(group[0])), ...held.map((l) => lane(l, true, note(l)))]);
  if (results.includes(false)) {
    ok = false;
    break;
  }
}
const total = secs(performance.now() - t0);
if (!ok) {
  console.error(`\nnpm test failed after ${total} (${times.join(', ')})`);
  process.exit(1);
}
console.log(`\nAll stages passed in ${total}: ${times.join(', ')}`);
