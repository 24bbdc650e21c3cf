/**
 * The Costs view shows the noise of the benchmarks behind its figures: each cost from a benchmark has its low–high
 * range under it, and a saving within the noise reads "no measurable difference" with both ranges. Rendered to static
 * HTML from real-shaped bench runs (20 runs each, as the harness reports them), the same path as "use the benchmark".
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { candidatesAsDraftVariants, candidatesFromRuns } from '../../core/cost/bench-candidates';
import { evaluateDraft } from '../../core/cost/draft-evaluation';
import type { FeasibleCell } from '../../core/cost/tco';
import { busyDraft, runs } from '../../core/cost/test-bench-runs';
import { CostResults } from './CostResults';
import { rangeText } from './format';

function rendered(variantMedian: number) {
  const ev = evaluateDraft({ ...busyDraft(), variants: candidatesAsDraftVariants(candidatesFromRuns(runs(variantMedian)), 'mnist-cnn.onnx') });
  if (!ev.ok) throw new Error(JSON.stringify(ev.errors));
  return { r: ev.result, out: renderToStaticMarkup(createElement(CostResults, { r: ev.result })) };
}

/** The cell of one column of one row, as HTML. */
function col(out: string, variantId: string, name: string): string {
  const row = out.slice(out.indexOf(`data-variant-id="${variantId}"`));
  const m = row.match(new RegExp(`data-col="${name}"[^>]*>([^<]*)<`));
  return m ? m[1] : '';
}

describe('ranges in the Costs view', () => {
  it('medians within the noise: every cost shows its range, and the saving is "no measurable difference"', () => {
    const { r, out } = rendered(2.1);
    for (const v of r.variants) {
      const c = v.cells[0] as FeasibleCell;
      expect(col(out, v.id, 'monthly-range')).toBe(rangeText(c.range.monthly));
      expect(col(out, v.id, 'per1M-range')).toBe(rangeText(c.range.costPer1M));
      expect(col(out, v.id, 'instances-range')).toBe(`${c.range.instances!.low}–${c.range.instances!.high}`);
    }
    const variant = r.variants[1];
    const saving = col(out, variant.id, 'savings');
    expect(saving).toMatch(/^no measurable difference \(\$[\d,.]+–\$[\d,.]+ against \$[\d,.]+–\$[\d,.]+\/month\)$/);
    expect(out).toContain(`data-col="savings" data-measurable="false"`);
  });

  it('clearly different medians: the saving in percent and dollars, measurable', () => {
    const { r, out } = rendered(1);
    expect(col(out, r.variants[1].id, 'savings')).toMatch(/^saves \d+\.\d% \(\$[\d,.]+\/month\)$/);
    expect(out).toContain(`data-col="savings" data-measurable="true"`);
  });
});
