/**
 * A small valid scenario for the TCO tests (one typed variant on AWS c7i.xlarge), patched per test, and lookups
 * into a result. Test support only: nothing in the app imports it.
 */
import type { CellResult, FeasibleCell, TcoResult } from './result';
import { parseScenario, type Scenario } from './scenario';

/** 40 req/s average, 120 peak, 16 h/day; p99 SLO 150 ms; U = 0.6; redundancy 1; typed 60 items/s (p99 90 ms, batch 8). */
export function scenario(patch: (s: any) => void = () => {}): Scenario {
  const s: any = {
    version: 1,
    traffic: { averageRps: 40, peakRps: 120, activeHoursPerDay: 16 },
    slo: { p99Ms: 150 },
    targetUtilization: 0.6,
    redundancy: 1,
    variants: [{ id: 'a', modelSizeMB: 420, throughput: { source: 'typed', itemsPerSecond: 60, p99Ms: 90, batchSize: 8 } }],
    targets: [{ kind: 'cloud', id: 'aws', instance: 'aws/c7i.xlarge' }],
  };
  patch(s);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(`test scenario invalid: ${JSON.stringify(r.errors)}`);
  return r.scenario;
}

export function feasible(c: CellResult | undefined): FeasibleCell {
  if (!c?.feasible) throw new Error(`expected a feasible cell, got ${JSON.stringify(c)}`);
  return c;
}

export const cell = (r: TcoResult, variant = 0, target = 0) => feasible(r.variants[variant].cells[target]);
export const traced = (c: FeasibleCell, key: string) => c.trace.find((l) => l.key === key);
