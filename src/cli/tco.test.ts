/**
 * `pareto tco`, end to end: the CLI runs in-process (main(), as bin/pareto.mjs runs it) on examples/scenario.json and on scenarios
 * written to a temp dir. The figures are the hand-computed ones of src/core/cost/tco.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const example = join(root, 'examples/scenario.json');
const dir = mkdtempSync(join(tmpdir(), 'pareto-tco-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pareto(args: string[]) {
  const r = await runCli(args, { cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

/** The report with wrapped lines (longer than 100 columns, continued 4 columns further in) joined back. */
function unwrapped(out: string): string {
  const res: string[] = [];
  for (const l of out.split('\n')) {
    const prev = res[res.length - 1];
    const indent = (s: string) => (s.match(/^ */) as RegExpMatchArray)[0].length;
    if (prev !== undefined && [...prev].length > 100 && l.trim() && indent(l) >= indent(prev) + 4) res[res.length - 1] = `${prev} ${l.trim()}`;
    else res.push(l);
  }
  return res.join('\n');
}

const longest = (out: string) => Math.max(...out.split('\n').map((l) => [...l].length));

function allFinite(x: unknown): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(allFinite);
  if (x && typeof x === 'object') return Object.values(x).every(allFinite);
  return true;
}

describe('pareto tco', () => {
  it('prints two tables per variant with every target, savings, break-even and the defaults used with their sources', async () => {
    const r = await pareto(['tco', 'examples/scenario.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^TCO: Support-ticket classifier/);
    expect(out).toContain('70.1M inferences/month');
    // fp32 on AWS c7i.xlarge: 5 instances, $651.52 compute, $1,354 a month, $19.33 per 1M (hand-computed in tco.test.ts)
    // (the parts per month in one table, the total, per 1M, energy, CO2e and the comparison in the next)
    expect(out).toMatch(/AWS c7i\.xlarge\s+60\s+8\s+5\s+\$651\.52\s+\$3\.24\s+\$9\.46\s+\$0\.00\s+\$690\.21\s+\$1,354\n/);
    expect(out).toMatch(/AWS c7i\.xlarge\s+\$1,354\s+\$19\.33\s+29\.3\s+10\.1\s+baseline\n/);
    // int8 on AWS: 3 instances; 1354.44 − 1093.79 = 260.65 saved, 19.2%
    expect(out).toMatch(/AWS c7i\.xlarge\s+150\s+8\s+3\s+\$390\.91/);
    expect(out).toMatch(/AWS c7i\.xlarge\s+\$1,094\s+\$15\.61\s+16\.8\s+5\.79\s+−19\.2% \(−\$260\.65\/mo\)\n/);
    expect(out).toContain('owning 32-core server in colocation costs less than renting AWS c7i.xlarge above 33.9% utilisation');
    expect(unwrapped(out)).toContain('cheapest at ≥ 91.1%: int8 dynamic');
    expect(out).toContain('energy is in the instance price');
    expect(out).toMatch(/Default figures used\n/);
    // each default names its publisher, publication, date and address
    expect(out).toMatch(/electricityPrice = 0\.0806 USD\/kWh\n {6}U\.S\. Energy Information Administration \(EIA\), "Electric Power Annual 2023/);
    expect(unwrapped(out)).toContain('Table 2.4: Average price of electricity to ultimate customers by end-use sector", published 2024-10-17');
    expect(out).toContain('\n      https://www.eia.gov/electricity/annual/html/epa_02_04.html\n');
    expect(out).toMatch(/Catalogue figures used\n  AWS c7i\.xlarge: on-demand \$0\.1785\/h\n/);
    expect(out).toContain('https://github.com/aws/karpenter-provider-aws/blob/main/pkg/providers/pricing/zz_generated.pricing_aws.go');
    expect(out).not.toMatch(/tco-facts|undated/);
    expect(out).toMatch(/colocationPerKWMonth = 200 USD\/kW-month \(estimate\)/);
  });

  it('--json prints the same result as JSON, every number finite', async () => {
    const r = await pareto(['tco', example, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    const cell = j.variants[0].cells[0];
    expect(cell.monthly.compute).toBeCloseTo(651.525, 9);
    expect(cell.instances).toEqual({ forLoad: 4, redundancy: 1, total: 5 });
    expect(j.defaultsUsed.every((d: any) => d.figure.source.publisher && d.figure.source.url && d.figure.source.date)).toBe(true);
    expect(allFinite(j)).toBe(true);
  });

  it('--explain prints each formula with its numbers', async () => {
    const r = await pareto(['tco', example, '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Instances for the peak: ceil(120 req/s ÷ (60 items/s × 0.6)) = ceil(3.33333) = 4 instances');
    expect(r.stdout).toContain('Compute (cloud): 5 × $0.1785/h × 730 h (always on) = 651.525 USD/month');
    expect(r.stdout).toContain('Break-even utilisation: (3315 + 8760 × 0.0150883) ÷ (8760 × (6.66667 × $0.1785 − 0.0289193)) = 0.33892\n');
  });

  it('marks a laptop measurement scaled to a server as an estimate, and an infeasible SLO as such', async () => {
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
    const r = await pareto(['tco', write('laptop.json', s)]);
    expect(r.code).toBe(0);
    // 4 vCPUs / 8 cores = 0.5: 120 × 0.5 = 60 items/s on AWS c7i.xlarge, marked with * and explained
    expect(r.stdout).toMatch(/AWS c7i\.xlarge\s+60\*\s+8\s+5/);
    expect(unwrapped(r.stdout)).toContain(
      'AWS c7i.xlarge: throughput 60 items/s is an ESTIMATE: laptop measurement (MacBook Air M2, 8 cores) × 0.5 (by core count: 4 vCPUs (AWS c7i.xlarge) ÷ 8 cores (MacBook Air M2) = 0.5)',
    );
    expect(r.stdout).toMatch(/AWS c7i\.xlarge\s+infeasible/);
    expect(unwrapped(r.stdout)).toContain('INFEASIBLE: "int8 dynamic" on AWS c7i.xlarge is infeasible: typed p99 400 ms exceeds the SLO of 150 ms.');
    expect(longest(r.stdout)).toBeLessThanOrEqual(120);
  });

  it('fits 120 columns: the example with and without --explain, and long names, which wrap or shorten', async () => {
    const plain = await pareto(['tco', example]);
    const explained = await pareto(['tco', example, '--explain']);
    expect(plain.code).toBe(0);
    expect(explained.code).toBe(0);
    // the unwrapped report is wider: the limit is doing something
    expect(Math.max(longest(unwrapped(plain.stdout)), longest(unwrapped(explained.stdout)))).toBeGreaterThan(120);
    for (const out of [plain.stdout, explained.stdout]) {
      for (const line of out.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(120);
    }
    const s = JSON.parse(readFileSync(example, 'utf8'));
    s.name = 'A scenario with a name long enough to need more than one line when printed, '.repeat(2);
    s.targets[2].name = 'An owned server in a colocation facility with a very long descriptive name indeed';
    s.variants[0].name = 'The current model, exported from the training run of last week, float32';
    const long = await pareto(['tco', write('long.json', s), '--explain']);
    expect(long.code).toBe(0);
    for (const line of long.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(120);
    expect(long.stdout).toContain('  An owned server…ve name indeed  ');
  });

  it('says "about the same", never "0.0%", for a difference that rounds to zero', async () => {
    const s = JSON.parse(readFileSync(example, 'utf8'));
    // the baseline's figures but 100 MB smaller: 0.1 GB × 3 versions × 2 replicas × $0.023 = $0.0138 a month less (0.001%)
    s.variants[1] = { ...s.variants[0], id: 'same', name: 'same but smaller', modelSizeMB: s.variants[0].modelSizeMB - 100 };
    const r = await pareto(['tco', write('same.json', s)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/AWS c7i\.xlarge\s+\$1,354\s+\$19\.33\s+29\.3\s+10\.1\s+about the same \(−\$0\.0138\/mo\)\n/);
    expect(r.stdout).not.toMatch(/[−+]0\.0%/);
  });

  it('reports a bad scenario field by field, exit 1', async () => {
    const s = JSON.parse(readFileSync(example, 'utf8'));
    s.traffic.peakRps = -120;
    s.targetUtilization = 1.5;
    s.targets[0].instance = '';
    s.variants[1].throughput.itemsPerSecond = 0;
    const p = write('bad.json', s);
    const r = await pareto(['tco', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`pareto: error: the scenario "${p}" is not valid (4 problems):\n`);
    expect(r.stderr).toContain('  traffic.peakRps: must be greater than 0 requests/s, not -120\n');
    expect(r.stderr).toContain('  targetUtilization: must be at most 1, not 1.5');
    expect(r.stderr).toContain('  targets.0.instance: choose an instance from the catalogue\n');
    expect(r.stderr).toContain('  variants.1.throughput.itemsPerSecond: must be greater than 0 items/s, not 0');
    // With --json the errors also go to stdout, as JSON.
    const j = await pareto(['tco', p, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).errors).toContainEqual({ path: 'targets.0.instance', message: 'choose an instance from the catalogue' });
  });

  it('refuses a file that is not JSON or not there, exit 1', async () => {
    const r = await pareto(['tco', write('broken.json', '{ "version": 1,')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: cannot read the scenario ".*broken\.json" as JSON: /);
    const m = await pareto(['tco', join(dir, 'missing.json')]);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/cannot read scenario ".*missing\.json": no such file/);
    const v = await pareto(['tco', write('v2.json', { version: 2 })]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('version: unsupported version 2: this version of Pareto reads version 1');
  });

  it('is listed in the help; a missing argument is a usage error', async () => {
    const h = await pareto(['--help']);
    expect(h.stdout).toMatch(/tco <scenario>/);
    const u = await pareto(['tco']);
    expect(u.code).toBe(2);
  });
});
