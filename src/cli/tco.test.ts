/**
 * `pareto tco`, end to end: the real CLI is spawned (bin/pareto.mjs) on examples/scenario.json and on scenarios
 * written to a temp dir. The figures are the hand-computed ones of src/core/cost/tco.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/pareto.mjs');
const example = join(root, 'examples/scenario.json');
const dir = mkdtempSync(join(tmpdir(), 'pareto-tco-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pareto(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

function allFinite(x: unknown): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(allFinite);
  if (x && typeof x === 'object') return Object.values(x).every(allFinite);
  return true;
}

describe('pareto tco', () => {
  it('prints a table per variant with every target, savings, break-even and the defaults used', () => {
    const r = pareto(['tco', 'examples/scenario.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^TCO: Support-ticket classifier/);
    expect(out).toContain('70.1M inferences/month');
    // fp32 on AWS c7i.xlarge: 5 instances, $651.52 compute, $1,354 a month, $19.33 per 1M (hand-computed in tco.test.ts)
    expect(out).toMatch(/AWS c7i\.xlarge\s+60\s+8\s+5\s+\$651\.52\s+\$3\.24\s+\$9\.46\s+\$0\.00\s+\$690\.21\s+\$1,354\s+\$19\.33\s+29\.3\s+10\.1\s+baseline/);
    // int8 on AWS: 3 instances; 1354.44 − 1093.79 = 260.65 saved, 19.2%
    expect(out).toMatch(/AWS c7i\.xlarge\s+150\s+8\s+3\s+\$390\.91.*−19\.2% \(−\$260\.65\/mo\)/);
    expect(out).toContain('owning 32-core server in colocation costs less than renting AWS c7i.xlarge above 33.9% utilisation');
    expect(out).toContain('cheapest at ≥ 91.1%: int8 dynamic');
    expect(out).toContain('energy is in the instance price');
    expect(out).toMatch(/Default figures used\n/);
    expect(out).toMatch(/electricityPrice = 0\.0806 USD\/kWh: US industrial average .*, 2024-10-17/);
    expect(out).toMatch(/colocationPerKWMonth = 200 USD\/kW-month \(estimate\)/);
  });

  it('--json prints the same result as JSON, every number finite', () => {
    const r = pareto(['tco', example, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    const cell = j.variants[0].cells[0];
    expect(cell.monthly.compute).toBeCloseTo(651.525, 9);
    expect(cell.instances).toEqual({ forLoad: 4, redundancy: 1, total: 5 });
    expect(j.defaultsUsed.every((d: any) => d.figure.source && d.figure.date)).toBe(true);
    expect(allFinite(j)).toBe(true);
  });

  it('--explain prints each formula with its numbers', () => {
    const r = pareto(['tco', example, '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Instances for the peak: ceil(120 req/s ÷ (60 items/s × 0.6)) = ceil(3.33333) = 4 instances');
    expect(r.stdout).toContain('Compute (cloud): 5 × $0.1785/h × 730 h (always on) = 651.525 USD/month');
    expect(r.stdout).toContain('Break-even utilisation: (3315 + 8760 × 0.0150883) ÷ (8760 × (6.66667 × $0.1785 − 0.0289193)) = 0.33892\n');
  });

  it('marks a laptop measurement scaled to a server as an estimate, and an infeasible SLO as such', () => {
    const s = JSON.parse(readFileSync(example, 'utf8'));
    s.variants[0].throughput = {
      source: 'measured',
      device: { name: 'MacBook Air M2', class: 'laptop', cores: 8 },
      points: [
        { batchSize: 1, itemsPerSecond: 40, p99Ms: 30 },
        { batchSize: 8, itemsPerSecond: 120, p99Ms: 110 },
      ],
    };
    s.variants[1].throughput = { source: 'typed', itemsPerSecond: 100, p99Ms: 400 };
    const r = pareto(['tco', write('laptop.json', s)]);
    expect(r.code).toBe(0);
    // 4 vCPUs / 8 cores = 0.5: 120 × 0.5 = 60 items/s on AWS c7i.xlarge, marked with * and explained
    expect(r.stdout).toMatch(/AWS c7i\.xlarge\s+60\*\s+8\s+5/);
    expect(r.stdout).toContain(
      'AWS c7i.xlarge: throughput 60 items/s is an ESTIMATE: laptop measurement (MacBook Air M2, 8 cores) × 0.5 (by core count: 4 vCPUs (AWS c7i.xlarge) ÷ 8 cores (MacBook Air M2) = 0.5)',
    );
    expect(r.stdout).toMatch(/AWS c7i\.xlarge\s+infeasible/);
    expect(r.stdout).toContain('INFEASIBLE: "int8 dynamic" on AWS c7i.xlarge is infeasible: typed p99 400 ms exceeds the SLO of 150 ms.');
  });

  it('reports a bad scenario field by field, exit 1', () => {
    const s = JSON.parse(readFileSync(example, 'utf8'));
    s.traffic.peakRps = -120;
    s.targetUtilization = 1.5;
    s.targets[0].instance = '';
    s.variants[1].throughput.itemsPerSecond = 0;
    const p = write('bad.json', s);
    const r = pareto(['tco', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`pareto: error: the scenario "${p}" is not valid (4 problems):\n`);
    expect(r.stderr).toContain('  traffic.peakRps: must be greater than 0 requests/s, not -120\n');
    expect(r.stderr).toContain('  targetUtilization: must be at most 1, not 1.5');
    expect(r.stderr).toContain('  targets.0.instance: choose an instance from the catalogue\n');
    expect(r.stderr).toContain('  variants.1.throughput.itemsPerSecond: must be greater than 0 items/s, not 0');
    // With --json the errors also go to stdout, as JSON.
    const j = pareto(['tco', p, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).errors).toContainEqual({ path: 'targets.0.instance', message: 'choose an instance from the catalogue' });
  });

  it('refuses a file that is not JSON or not there, exit 1', () => {
    const r = pareto(['tco', write('broken.json', '{ "version": 1,')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: cannot read the scenario ".*broken\.json" as JSON: /);
    const m = pareto(['tco', join(dir, 'missing.json')]);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/cannot read scenario ".*missing\.json": no such file/);
    const v = pareto(['tco', write('v2.json', { version: 2 })]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('version: unsupported version 2: this version of Pareto reads version 1');
  });

  it('is listed in the help; a missing argument is a usage error', () => {
    const h = pareto(['--help']);
    expect(h.stdout).toMatch(/tco <scenario>/);
    const u = pareto(['tco']);
    expect(u.code).toBe(2);
  });
});
