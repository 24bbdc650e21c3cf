/**
 * `pareto tco` on scenarios made from real-shaped bench runs (20 runs each, as the harness reports them, turned into
 * measured variants as the app's "use the benchmark" does): the range of each cost and "no measurable difference"
 * when the ranges overlap, in the text report and in --json. The CLI runs in-process (main(), as bin/pareto.mjs runs it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import { candidatesAsDraftVariants, candidatesFromRuns } from '../core/cost/bench-candidates';
import { draftToInput } from '../core/cost/draft-evaluation';
import { busyDraft, runs } from '../core/cost/test-bench-runs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'pareto-tco-noise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The scenario of the original (2 ms median) against a variant at `variantMedian`, written to a file. */
function scenarioFile(variantMedian: number): string {
  const { input } = draftToInput({ ...busyDraft(), variants: candidatesAsDraftVariants(candidatesFromRuns(runs(variantMedian)), 'mnist-cnn.onnx') });
  const p = join(dir, `scenario-${variantMedian}.json`);
  writeFileSync(p, JSON.stringify(input));
  return p;
}

async function pareto(args: string[]) {
  const r = await runCli(args, { cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pareto tco with benchmark noise', () => {
  it('medians within the noise: a range/mo column, "no measurable difference" and both ranges in the notes', async () => {
    const r = await pareto(['tco', scenarioFile(2.1)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/total\/mo\s+range\/mo\s+per 1M/);
    expect(r.stdout).toMatch(/\$[\d,]+–\$[\d,]+\s+\$[\d.]+\s+[\d.]+\s+[\d.]+\s+no measurable difference\n/);
    expect(r.stdout).not.toMatch(/[+−]\d+\.\d% \([+−]\$/);
    expect(r.stdout.replace(/\n\s+/g, ' ')).toMatch(/no measurable difference from the baseline: \$[\d,]+–\$[\d,]+\/month against \$[\d,]+–\$[\d,]+\/month \(the ranges overlap\)/);
    expect(r.stdout.replace(/\n\s+/g, ' ')).toMatch(/from the 95% confidence interval of the median latency/);
  });

  it('--json carries range and savings.difference', async () => {
    const r = await pareto(['tco', scenarioFile(2.1), '--json']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    const [base, variant] = res.variants.map((v: any) => v.cells[0]);
    expect(base.range.basis).toBe('median-ci');
    expect(base.range.monthly.low).toBeLessThan(base.monthly.total);
    expect(base.range.monthly.high).toBeGreaterThan(base.monthly.total);
    expect(variant.savings.difference).toMatchObject({ measurable: false, baseline: base.range.monthly, variant: variant.range.monthly });
    expect(variant.throughput.interval.level).toBe(0.95);
  });

  it('clearly different medians: the saving in percent and dollars, measurable', async () => {
    const r = await pareto(['tco', scenarioFile(1)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/−\d+\.\d% \(−\$[\d,]+\/mo\)/);
    expect(r.stdout).not.toMatch(/no measurable difference/);
    const j = JSON.parse((await pareto(['tco', scenarioFile(1), '--json'])).stdout);
    expect(j.variants[1].cells[0].savings.difference.measurable).toBe(true);
  });

  it('typed throughput (the example scenario): no range column, ranges equal to the point figures', async () => {
    const r = await pareto(['tco', 'examples/scenario.json']);
    expect(r.stdout).not.toMatch(/range\/mo/);
    const j = JSON.parse((await pareto(['tco', 'examples/scenario.json', '--json'])).stdout);
    const c = j.variants[0].cells[0];
    expect(c.range).toMatchObject({ basis: 'none', monthly: { low: c.monthly.total, high: c.monthly.total } });
    expect(c.range.note).toMatch(/typed throughput has no interval/);
  });
});
