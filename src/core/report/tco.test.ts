import { describe, expect, it } from 'vitest';
import { reportCandidates, evaluateReportTco } from './tco';
import { reportFromApp } from './from-app';
import { sig } from './build';
import { appInput } from './test-reports';

describe('report TCO', () => {
  const report = reportFromApp(appInput(3, 2));

  it('recomputing the shared scenario gives the shared figures digit for digit; a what-if changes them', () => {
    const same = evaluateReportTco(report, { round: sig });
    expect(same.ok && same.figures).toStrictEqual(report.tco!.figures);
    const busier = evaluateReportTco(report, { round: sig, scenario: { ...report.tco!.scenario, traffic: { averageRps: 4000, peakRps: 12000, activeHoursPerDay: 16 } } });
    expect(busier.ok).toBe(true);
    if (!busier.ok) return;
    const k = report.tco!.figures.findIndex((f) => f.costPer1M !== null);
    expect(busier.figures[k].instances).toBeGreaterThan(report.tco!.figures[k].instances!);
    // The trade-off prices the same measured variants on the chart's target.
    expect(busier.tradeoff.status).toBe('ok');
  });

  it('results become measured variants with the report\'s throughput and quality; the original is the baseline', () => {
    const c = reportCandidates(report);
    expect(c).toHaveLength(6);
    expect(c.filter((x) => x.isOriginal)).toHaveLength(2);
    expect(c[0].points[0].itemsPerSecond).toBe(report.results[0].batches[0].itemsPerSecond);
    expect(c[0].quality?.value).toBe(report.results[0].quality?.value);
    const bad = evaluateReportTco(report, { scenario: { ...report.tco!.scenario, slo: { p99Ms: 0 } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0].path).toBe('slo.p99Ms');
  });
});
