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
    once([]); // warm the file cache (and build the CLI if a source changed)
    for (let i = 0; i < RUNS; i++) times.push(once([]));
    const json = once(['--json']);
    // Startup alone: `pareto --help`, as a CI job calls it (median of 5).
    const helps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [bin, '--help'], { cwd: ctx.root });
      if (r.status !== 0) throw new Error(`pareto --help exited ${r.status}`);
      helps.push(performance.now() - t0);
    }
    const startup = median(helps);
    return [
      row('pareto --help, wall time (start-up)', startup, 'ms', `median of 5, built CLI (dist-cli/pareto.mjs); range ${Math.min(...helps).toFixed(0)}–${Math.max(...helps).toFixed(0)} ms`),
      row(
        'pareto inspect (300 MB model), wall time',
        median(times),
        'ms',
        `${formatBytes(m.bytes.length)} file, median of ${RUNS}; --json ${json.toFixed(0)} ms`,
      ),
    ];
  },
};
