import { expect, test, type Page } from './test';
import { openApp, shown, textFile } from './fixtures';
import { manySubgraphs } from './many-subgraphs';
import { seriousViolations, type Violation } from './axe';

/**
 * Accessibility: axe-core on every view with the sample loaded (and a variant and a benchmark run, so the tables
 * and charts are there), and the recipe switch driven by keyboard alone.
 */

/** One entry per rule: impact, rule, what is wrong, how many elements, the first few of them and why. */
export function describeViolations(view: string, violations: Violation[]): string[] {
  return violations.map((v) => {
    const where = v.nodes.slice(0, 4).map((n) => `    at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s*\n\s*/g, ' ') ?? ''}`);
    const more = v.nodes.length > 4 ? [`    … and ${v.nodes.length - 4} more`] : [];
    return [`[${view}] ${v.impact} ${v.id} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}): ${v.help}`, ...where, ...more].join('\n');
  });
}

/** The serious and critical violations on the page, described (one entry per rule). */
async function findings(page: Page, view: string): Promise<string[]> {
  return describeViolations(view, await seriousViolations(page));
}

async function openSample(page: Page) {
  await openApp(page);
  await expect(page.getByTestId('layer-table')).toBeVisible();
}

const view = (page: Page, name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true });


test('axe finds no serious or critical violations on Inspect, Optimize, Benchmark, Trade-off and Costs', async ({ page }) => {
  test.setTimeout(120_000);
  const found: string[] = [];
  await openSample(page);
  found.push(...(await findings(page, 'Inspect')));

  await view(page, 'Optimize').click();
  await page.getByTestId('run-recipe').click();
  await expect(page.locator('[data-testid="variant-row"][data-variant-name="int8 dynamic"]')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await page.locator('[data-testid="variant-row"]').getByRole('button', { name: /▸ int8 dynamic/ }).click(); // the details row too
  found.push(...(await findings(page, 'Optimize')));

  await view(page, 'Benchmark').click();
  const models = page.getByTestId('bench-form').locator('fieldset').first();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
  await page.getByLabel('Run mode').selectOption('fixed');
  await page.getByLabel('Run count').fill('5');
  await page.getByLabel('Warm-up runs').fill('1');
  await page.getByLabel('Max items').fill('16');
  await page.getByTestId('run-bench').click();
  await expect(page.locator('[data-testid="bench-row"][data-status="done"]')).toHaveCount(2, { timeout: 60_000 });
  found.push(...(await findings(page, 'Benchmark')));

  await view(page, 'Trade-off').click();
  await shown(page.getByTestId('tradeoff'));
  await page.waitForTimeout(300); // the chart draws in a later task
  found.push(...(await findings(page, 'Trade-off')));

  await view(page, 'Costs').click();
  await shown(page.getByTestId('costs'));
  await page.getByTestId('cost-example').click();
  await page.waitForTimeout(300);
  found.push(...(await findings(page, 'Costs')));

  expect(found.length, `axe: serious or critical violations\n${found.join('\n')}`).toBe(0);
});

test('axe: no model, a blank Costs form with its errors, an error banner, a subgraph tree, and every recipe form with its errors', async ({ page }) => {
  test.setTimeout(60_000);
  const found: string[] = [];
  await page.route('**/samples/manifest.json', (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto('/');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  found.push(...(await findings(page, 'empty state')));

  await view(page, 'Costs').click();
  await page.getByTestId('cost-blank').click();
  await expect(page.getByTestId('cost-invalid')).toBeVisible();
  found.push(...(await findings(page, 'Costs, blank form')));

  await page.getByTestId('file-input').setInputFiles(textFile());
  await expect(page.getByTestId('error-banner')).toBeVisible();
  found.push(...(await findings(page, 'error banner')));

  await page.getByTestId('file-input').setInputFiles(manySubgraphs());
  await shown(page.getByTestId('subgraphs'));
  await page.locator('[data-testid="subgraphs"] summary').first().click();
  found.push(...(await findings(page, 'Inspect, 60 subgraphs')));

  await view(page, 'Optimize').click();
  await page.getByText('Prune, then quantize', { exact: true }).click();
  await page.getByLabel('Quantization mode').selectOption('static');
  await page.getByLabel('Calibration method').selectOption('percentile');
  await page.getByLabel('Target sparsity').fill('1.5');
  await expect(page.getByTestId('prune-error')).toBeVisible();
  found.push(...(await findings(page, 'Optimize, prune then quantize with errors')));

  expect(found.length, `axe: serious or critical violations\n${found.join('\n')}`).toBe(0);
});

/** Presses Tab until `check` holds for the focused element (at most `max` presses). */
async function tabUntil(page: Page, check: (el: Element | null) => boolean, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluateHandle(() => document.activeElement);
    if (await el.evaluate(check)) return;
  }
  throw new Error(`Tab never reached the element (${max} presses)`);
}

const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLInputElement | null;
  return { tag: el?.tagName, type: el?.type, value: el?.value, checked: el?.checked, text: el?.textContent?.trim() };
});

test('keyboard only: Tab to Optimize and to the recipe switch, choose Prune with the arrow keys, make a variant', async ({ page }) => {
  test.setTimeout(90_000);
  await openSample(page);
  await page.locator('body').focus();
  await tabUntil(page, (el) => el?.tagName === 'BUTTON' && el.textContent === 'Optimize');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('recipe-form')).toBeVisible();

  // The switch is one tab stop: Tab lands on the checked radio (Quantize), with a visible focus ring.
  await tabUntil(page, (el) => el instanceof HTMLInputElement && el.name === 'recipe');
  expect(await focused(page)).toMatchObject({ tag: 'INPUT', type: 'radio', value: 'quantize', checked: true });
  const quantize = page.locator('.segmented label', { has: page.getByTestId('recipe-quantize') });
  expect(await quantize.evaluate((l) => getComputedStyle(l).outlineStyle)).toBe('solid');
  await expect(page.getByRole('radiogroup', { name: 'Recipe' }).getByRole('radio')).toHaveCount(4);

  // Arrow keys move the choice, as in any radio group; Space keeps it.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('recipe-prune')).toBeChecked();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('recipe-prune+quantize')).toBeChecked();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('recipe-prune')).toBeChecked();
  await expect(page.getByRole('group', { name: 'Magnitude pruning' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Quantization' })).toHaveCount(0);

  // On to the sparsity field and the Make variant button, still by keyboard.
  await tabUntil(page, (el) => el?.getAttribute('aria-label') === 'Target sparsity');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('0.25');
  await tabUntil(page, (el) => el?.getAttribute('data-testid') === 'run-recipe');
  await page.keyboard.press('Enter');
  const row = page.locator('[data-testid="variant-row"][data-variant-name="prune 25% global"]');
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  // Pruning leaves the raw file as large as it was: the size column says so, not "1.0×".
  await expect(row.locator('td').nth(2)).toContainText('same size');
});
