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
  x: XMetric;
  /** Selected point (a candidate id). */
  selected: string | null;
}

export interface CostSlice {
  /** The scenario being edited in the Costs view, as typed. */
  costDraft: CostDraft;
  tradeoff: TradeoffSettings;
  /** Problems of the last imported scenario file (path: message), shown until the next import or edit. */
  costImportErrors: { file: string; errors: { path: string; message: string }[] } | null;
}

export const createCostSlice: StateCreator<CostSlice, [], [], CostSlice> = () => ({
  costDraft: exampleDraft(),
  tradeoff: { targetId: null, x: 'cost', selected: null },
  costImportErrors: null,
});
