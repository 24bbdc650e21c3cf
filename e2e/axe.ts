import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

export type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/**
 * axe-core's serious and critical violations on the page; `within`: only those parts of it.
 *
 * axe runs in the page itself (legacy mode): by default the builder runs axe in each frame, then opens a blank page of
 * its own to merge the frames' results, and closes it, on every check; the app has no frames. And axe keeps the whole
 * list of elements only for violations (`resultTypes`): it builds a selector and an HTML snippet for every element that
 * passed each rule too, for a result nobody reads here. Same rules, same violations (a page given five known faults:
 * the same five rules and elements either way); the ten checks of a11y.spec.ts took 17.3 s that way, 6.6 s this way.
 */
export async function seriousViolations(page: Page, within: string[] = []): Promise<Violation[]> {
  const axe = new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] });
  for (const selector of within) axe.include(selector);
  const result = await axe.analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
