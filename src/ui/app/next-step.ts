/** The app's views, and the pointer to the next one a newcomer takes: Inspect → Optimize → Benchmark → Trade-off → Costs. */

export const VIEW_LABELS = { inspect: 'Inspect', optimize: 'Optimize', benchmark: 'Benchmark', tradeoff: 'Trade-off', costs: 'Costs' } as const;
export type View = keyof typeof VIEW_LABELS;

/** What the user has done so far with the active model. */
export interface Progress {
  /** Variants that finished. */
  variantsDone: number;
  /** Benchmark cells that finished (any run). */
  benchCellsDone: number;
}

export interface NextStep {
  view: View;
  /** One sentence: what to do next, and why. */
  text: string;
}

/** The next step from `view`, given what is done; null where the path ends (Costs) or there is no model. */
export function nextStep(view: View, hasModel: boolean, p: Progress): NextStep | null {
  if (!hasModel) return null;
  switch (view) {
    case 'inspect':
      return { view: 'optimize', text: 'Next: make cheaper variants of this model (int8 quantization, pruning) and see what they cost in size and accuracy.' };
    case 'optimize':
      return p.variantsDone > 0
        ? { view: 'benchmark', text: 'Next: measure the original and your variants (latency, throughput, accuracy) on this machine.' }
        : { view: 'benchmark', text: 'Make a variant above first; then measure it against the original.' };
    case 'benchmark':
      return p.benchCellsDone > 0
        ? { view: 'tradeoff', text: 'Next: see cost against accuracy for every variant and backend, and the cheapest one that is good enough.' }
        : { view: 'tradeoff', text: 'Run a benchmark above first; then compare cost against accuracy.' };
    case 'tradeoff':
      return { view: 'costs', text: 'Next: set your traffic, prices and hardware to see what each variant costs a month.' };
    case 'costs':
      return null;
  }
}
