import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { formatBytes } from '../src/core/units';
import { median, row, type BenchCase } from './registry';

const RUNS = 3;

export const cliInspect: BenchCase = {
  id: 'inspect',
  title: 'pareto inspect',
  async run(ctx) {
    const m = await ctx.bigModel();
    const bin = join(ctx.root, 'bin/pareto.mjs');
    const times: number[] = [];
    const once = (args: string[]) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [bin, 'inspect', m.path, ...args], { cwd: ctx.root, encoding: 'utf8', maxBuffer: 1 << 26 });
      const dt = performance.now() - t0;
      if (r.status !== 0) throw new Error(`pareto inspect exited ${r.status}: ${r.stderr.trim()}`);
      return dt;
    };
    ctx.log(`inspect: pareto inspect ×${RUNS + 1}`);
    once([]); // warm tsx's transform cache
    for (let i = 0; i < RUNS; i++) times.push(once([]));
    const json = once(['--json']);
    // Startup alone, for scale.
    const t0 = performance.now();
    spawnSync(process.execPath, [bin, '--version'], { cwd: ctx.root });
    const startup = performance.now() - t0;
    return [
      row(
        'pareto inspect (300 MB model), wall time',
        median(times),
        'ms',
        `${formatBytes(m.bytes.length)} file, median of ${RUNS}; --json ${json.toFixed(0)} ms; \`pareto --version\` ${startup.toFixed(0)} ms`,
      ),
    ];
  },
};
