/**
 * Several named scenarios side by side (cloud CPU vs GPU vs users' devices, 50 vs 500 requests/s): each scenario is
 * evaluated as it stands, and for every target it gives the variant chosen there (the cheapest that meets the
 * accuracy floor, else the baseline, else the cheapest feasible), its monthly cost, cost per 1M inferences,
 * instances, energy, and where its throughput figure comes from (measured, scaled by a stated rule, or typed).
 *
 * Pure: no DOM, no React, no store.
 */
import type { CostDraft } from './draft';
import { evaluateDraft } from './draft-evaluation';
import type { FeasibleCell } from './result';

export interface ScenarioRow {
  scenarioId: string;
  scenario: string;
  targetId: string;
  target: string;
  kind: 'cloud' | 'owned' | 'edge';
  /** The variant costed on this row, and why it was chosen. */
  variant: string;
  chosenBecause: 'cheapest meeting the floor' | 'baseline' | 'cheapest';
  monthly: number;
  costPer1M: number;
  instances: number | null;
  kWhPerMonth: number;
  throughputLabel: string;
  estimate: boolean;
  averageRps: number;
  peakRps: number;
}

export interface ScenarioComparison {
  rows: ScenarioRow[];
  /** Scenarios that cannot be evaluated (field errors) or have no feasible variant on a target, each with why. */
  problems: { scenarioId: string; scenario: string; message: string }[];
}

const nameOf = (d: CostDraft, i: number) => d.name.trim() || `Scenario ${i + 1}`;

export function compareScenarios(scenarios: readonly { id: string; draft: CostDraft }[], evaluate = evaluateDraft): ScenarioComparison {
  const rows: ScenarioRow[] = [];
  const problems: ScenarioComparison['problems'] = [];
  scenarios.forEach(({ id, draft }, i) => {
    const scenario = nameOf(draft, i);
    const ev = evaluate(draft);
    if (!ev.ok) {
      const n = Object.keys(ev.fieldErrors).length;
      problems.push({ scenarioId: id, scenario, message: `${n} field${n === 1 ? ' needs' : 's need'} fixing before it can be compared (open it to see which)` });
      return;
    }
    const r = ev.result;
    r.targets.forEach((t, j) => {
      const fr = r.frontiers.find((f) => f.targetId === t.id);
      const feasible = r.variants.map((v) => ({ v, cell: v.cells[j] })).filter((x): x is { v: typeof x.v; cell: FeasibleCell } => x.cell.feasible);
      const floorPick = fr?.cheapestMeetingFloor?.variantId ? feasible.find((x) => x.v.id === fr.cheapestMeetingFloor?.variantId) : undefined;
      const basePick = feasible.find((x) => x.v.isBaseline);
      const cheapest = [...feasible].sort((a, b) => a.cell.costPer1M - b.cell.costPer1M)[0];
      const pick = floorPick ?? (fr?.cheapestMeetingFloor ? undefined : basePick) ?? cheapest;
      if (!pick) {
        const reasons = r.variants.map((v) => v.cells[j]).flatMap((c) => (c.feasible ? [] : [c.reason]));
        problems.push({ scenarioId: id, scenario, message: `${t.name}: no variant is feasible (${reasons[0] ?? 'no variant'})` });
        return;
      }
      rows.push({
        scenarioId: id,
        scenario,
        targetId: t.id,
        target: t.name,
        kind: t.kind,
        variant: pick.v.name,
        chosenBecause: pick === floorPick ? 'cheapest meeting the floor' : pick === basePick ? 'baseline' : 'cheapest',
        monthly: pick.cell.monthly.total,
        costPer1M: pick.cell.costPer1M,
        instances: pick.cell.instances?.total ?? null,
        kWhPerMonth: pick.cell.energy.kWhPerMonth,
        throughputLabel: pick.cell.throughput.label,
        estimate: pick.cell.throughput.estimate,
        averageRps: r.traffic.averageRps,
        peakRps: r.traffic.peakRps,
      });
    });
  });
  return { rows, problems };
}
