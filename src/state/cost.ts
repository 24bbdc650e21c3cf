import type { StateCreator } from 'zustand/vanilla';
import type { CostDraft } from '../core/cost/draft';
import { draftFromScenario } from '../core/cost/draft-from-scenario';
import type { XMetric } from '../core/cost/tradeoff';
import { parseScenario } from '../core/cost/scenario';
import example from '../../examples/scenario.json';

/** The calculator starts on the product manager's example (examples/scenario.json): figures to edit, not a blank page. */
export function exampleDraft(): CostDraft {
  const parsed = parseScenario(example);
  if (!parsed.ok) throw new Error(`examples/scenario.json is not a valid scenario: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return draftFromScenario(parsed.scenario);
}

export interface TradeoffSettings {
  /** Calculator target the trade-off is costed on; null = the first. */
  targetId: string | null;
  /** Put every opened model's benchmarked variants on one chart (those measured on the same data). */
  compareModels: boolean;
  x: XMetric;
  /** Selected point (a candidate id). */
  selected: string | null;
}

/** One of the workspace's named scenarios (its name is the draft's). */
export interface NamedScenario {
  id: string;
  draft: CostDraft;
  /**
   * The variants follow the workspace's benchmarks (refreshed when a run finishes) until the user edits, imports or
   * replaces them; "Use the benchmark" turns it back on.
   */
  followsBenchmark: boolean;
}

export interface CostSlice {
  /** The active scenario's draft, as typed (the one Costs edits and Trade-off costs on). */
  costDraft: CostDraft;
  /** Every named scenario, the active one included (its draft is `costDraft`). */
  scenarios: NamedScenario[];
  activeScenarioId: string;
  tradeoff: TradeoffSettings;
  /** Problems of the last imported scenario file (path: message), shown until the next import or edit. */
  costImportErrors: { file: string; errors: { path: string; message: string }[] } | null;
}

export function initialCostState(): Pick<CostSlice, 'costDraft' | 'scenarios' | 'activeScenarioId' | 'tradeoff' | 'costImportErrors'> {
  const draft = exampleDraft();
  return {
    costDraft: draft,
    scenarios: [{ id: 's1', draft, followsBenchmark: true }],
    activeScenarioId: 's1',
    tradeoff: { targetId: null, compareModels: true, x: 'cost', selected: null },
    costImportErrors: null,
  };
}

export const createCostSlice: StateCreator<CostSlice, [], [], CostSlice> = () => initialCostState();
