import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from './test';
import { evaluate, type FeasibleCell } from '../src/core/cost/tco';
import { money } from '../src/ui/cost/format';
import { benchDone, fixedRuns, openApp, shown } from './fixtures';

const field = (page: Page | Locator, path: string) => page.locator(`[data-field="${path}"]`);
const errorAt = (page: Page, path: string) => page.locator(`[data-error-for="${path}"]`);
const row = (page: Page, variant: string, target: string) => page.locator(`[data-testid="cost-row"][data-variant-id="${variant}"][data-target-id="${target}"]`);

/** Nothing on the page may read NaN or Infinity. */
async function expectNoNonFinite(page: Page) {
  const text = await page.locator('main').innerText();
  expect(text).not.toMatch(/\bNaN\b|Infinity/);
}


test("a product manager with no model: types figures, compares two cloud instances and owned hardware, and bad figures are refused at the field", async ({ page }) => {
  // No sample: the app opens with no model at all.
  await page.route('**/samples/manifest.json', (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto('/');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.getByRole('button', { name: 'Costs', exact: true }).click();
  await shown(page.getByTestId('costs'));
  await page.getByTestId('cost-blank').click();
  // a blank form says what is missing, next to each field, and computes nothing
  await expect(errorAt(page, 'traffic.averageRps')).toHaveText('required');
  await expect(errorAt(page, 'targets.0.instance')).toContainText('choose an instance');
  await expect(page.getByTestId('cost-invalid')).toBeVisible();

  // Traffic and service level
  for (const [path, value] of [
    ['traffic.averageRps', '40'],
    ['traffic.peakRps', '120'],
    ['traffic.activeHoursPerDay', '16'],
    ['slo.p99Ms', '150'],
    ['targetUtilization', '60'],
    ['redundancy', '1'],
    ['accuracyFloor.maxDropPoints', '1'],
  ] as const) {
    await field(page, path).fill(value);
  }
  // Two variants, throughput typed
  const typeVariant = async (i: number, v: [string, string, string, string, string, string]) => {
    const keys = ['name', 'accuracy', 'modelSizeMB', 'throughput.itemsPerSecond', 'throughput.p99Ms', 'throughput.batchSize'];
    for (let k = 0; k < keys.length; k++) await field(page, `variants.${i}.${keys[k]}`).fill(v[k]);
  };
  await typeVariant(0, ['FP32', '92.1', '420', '60', '90', '8']);
  await page.getByTestId('add-variant').click();
  await typeVariant(1, ['int8', '91.6', '110', '150', '60', '8']);
  // Two cloud instances and one owned server
  await field(page, 'targets.0.instance').selectOption('aws/c7i.xlarge');
  await page.getByTestId('add-cloud').click();
  await field(page, 'targets.1.instance').selectOption('gcp/n2-standard-4');
  await field(page, 'targets.1.pricing.model').selectOption('committed');
  await field(page, 'targets.1.pricing.discount').fill('37');
  await page.getByTestId('add-owned').click();
  for (const [f, value] of [
    ['purchasePrice', '9000'],
    ['lifetimeYears', '4'],
    ['residualFraction', '10'],
    ['powerIdleW', '120'],
    ['powerMaxW', '350'],
    ['vcpus', '32'],
    ['opexPerYear', '450'],
  ] as const) {
    await field(page, `targets.2.${f}`).fill(value);
  }
  // the server is faster than one instance: per-target throughput
  await field(page, 'variants.0.throughput.perTarget.t3.itemsPerSecond').fill('400');
  await field(page, 'variants.1.throughput.perTarget.t3.itemsPerSecond').fill('1000');

  await expect(page.getByTestId('cost-results')).toBeVisible();
  // The same figures through the core give the same money, cell by cell.
  const scenario = {
    version: 1,
    traffic: { averageRps: 40, peakRps: 120, activeHoursPerDay: 16 },
    slo: { p99Ms: 150 },
    targetUtilization: 0.6,
    redundancy: 1,
    accuracyFloor: { maxDropPoints: 1 },
    variants: [
      { id: 'v1', name: 'FP32', accuracy: 92.1, modelSizeMB: 420, throughput: { source: 'typed', itemsPerSecond: 60, p99Ms: 90, batchSize: 8, perTarget: { t3: { itemsPerSecond: 400, p99Ms: 90, batchSize: 8 } } } },
      { id: 'v2', name: 'int8', accuracy: 91.6, modelSizeMB: 110, throughput: { source: 'typed', itemsPerSecond: 150, p99Ms: 60, batchSize: 8, perTarget: { t3: { itemsPerSecond: 1000, p99Ms: 60, batchSize: 8 } } } },
    ],
    targets: [
      { kind: 'cloud', id: 't1', instance: 'aws/c7i.xlarge' },
      { kind: 'cloud', id: 't2', instance: 'gcp/n2-standard-4', pricing: { model: 'committed', discount: 0.37 } },
      { kind: 'owned', id: 't3', purchasePrice: 9000, lifetimeYears: 4, residualFraction: 0.1, powerIdleW: 120, powerMaxW: 350, vcpus: 32, opexPerYear: 450 },
    ],
  };
  const expected = evaluate(scenario);
  expect(expected.ok).toBe(true);
  if (!expected.ok) return;
  for (const v of expected.result.variants) {
    for (const c of v.cells as FeasibleCell[]) {
      const r = row(page, c.variantId, c.targetId);
      await expect(r).toHaveAttribute('data-feasible', 'true');
      await expect(r.locator('[data-col="monthly"]')).toHaveText(money(c.monthly.total));
      await expect(r.locator('[data-col="per1M"]')).toHaveText(money(c.costPer1M));
      await expect(r.locator('[data-col="instances"]')).toHaveText(String(c.instances?.total));
    }
  }
  // hand-checked in docs/tco.md: FP32 on c7i.xlarge is 5 instances; int8 saves money on every target
  await expect(row(page, 'v1', 't1').locator('[data-col="instances"]')).toHaveText('5');
  await expect(row(page, 'v2', 't2').locator('[data-col="savings"]')).toContainText(/saves \d+\.\d% \(\$[\d,.]+\/month\)/);
  await expect(page.locator('[data-testid="cost-floor"][data-target-id="t1"]')).toContainText('int8');
  // owned against rented: one verdict per variant and cloud instance
  await expect(page.getByTestId('break-even-row')).toHaveCount(4);
  await expect(page.getByTestId('break-even')).toContainText('owning');
  // the charts are drawn
  await expect(page.getByTestId('chart-parts').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(page.getByTestId('chart-traffic').locator('.recharts-line').first()).toBeVisible();
  // every default shows its source and date; the catalogue entries too
  const storage = page.getByTestId('cost-storage').getByTestId('field-source').first();
  await expect(storage).toContainText('Amazon Web Services');
  await expect(storage).toContainText('S3 Standard');
  await expect(storage).toContainText('read 2026-12-06');
  await expect(storage.getByRole('link', { name: 'Amazon Web Services' })).toHaveAttribute('href', 'https://aws.amazon.com/s3/pricing/');
  await expect(page.locator('[data-testid="cost-target"][data-target-id="t1"]')).toContainText('2026-07-20');
  const sources = page.getByTestId('cost-sources');
  for (const text of ['electricityPrice', '2024-10-17', 'gridIntensity', 'storagePrice', 'loadedHourlyRate', 'colocationPerKWMonth', 'aws/karpenter-provider-aws', '2026-08-03']) {
    await expect(sources).toContainText(text);
  }
  // typed throughput is not an estimate
  await expect(page.getByTestId('estimate-badge')).toHaveCount(0);
  await expectNoNonFinite(page);

  // Bad figures are refused next to their field, with a reason; nothing reads NaN or Infinity.
  await field(page, 'traffic.averageRps').fill('-5');
  await expect(errorAt(page, 'traffic.averageRps')).toContainText('greater than 0');
  await expect(errorAt(page, 'traffic.averageRps')).toContainText('-5');
  await field(page, 'targetUtilization').fill('120');
  await expect(errorAt(page, 'targetUtilization')).toContainText('not 120%');
  await field(page, 'variants.1.throughput.itemsPerSecond').fill('0');
  await expect(errorAt(page, 'variants.1.throughput.itemsPerSecond')).toContainText('zero throughput');
  await field(page, 'targets.1.instance').selectOption('');
  await expect(errorAt(page, 'targets.1.instance')).toContainText('choose an instance');
  await field(page, 'slo.p99Ms').fill('fast');
  await expect(errorAt(page, 'slo.p99Ms')).toContainText('must be a number');
  await expect(page.getByTestId('cost-invalid')).toBeVisible();
  await expect(page.getByTestId('cost-results')).toHaveCount(0);
  await expectNoNonFinite(page);
  // fixed again, the results come back
  await field(page, 'traffic.averageRps').fill('40');
  await field(page, 'targetUtilization').fill('60');
  await field(page, 'variants.1.throughput.itemsPerSecond').fill('150');
  await field(page, 'targets.1.instance').selectOption('gcp/n2-standard-4');
  await field(page, 'slo.p99Ms').fill('150');
  await expect(row(page, 'v1', 't1').locator('[data-col="monthly"]')).toHaveText(money((expected.result.variants[0].cells[0] as FeasibleCell).monthly.total));

  // the scenario exports as JSON that the CLI reads
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cost-export-json').click()]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as unknown;
  const again = evaluate(exported);
  expect(again.ok && again.result.variants[1].cells.map((c) => (c.feasible ? c.monthly.total : null))).toEqual(
    expected.result.variants[1].cells.map((c) => (c.feasible ? c.monthly.total : null)),
  );
});

async function openWithVariants(page: Page) {
  await openApp(page, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Optimize', exact: true }).click();
  await page.getByLabel('Quantization mode').selectOption('dynamic');
  await page.getByTestId('run-recipe').click();
  await page.getByText('Prune', { exact: true }).click();
  await page.getByTestId('run-recipe').click();
  for (const name of ['int8 dynamic', 'prune 50% global']) {
    await expect(page.locator(`[data-testid="variant-row"][data-variant-name="${name}"]`)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  }
  await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
}

test('an engineer: benchmarks the variants, sees the trade-off chart, and picks the cheapest variant that meets the floor', async ({ page }) => {
  test.setTimeout(240_000);
  await openWithVariants(page);
  const models = page.getByTestId('bench-form').locator('fieldset').first();
  for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
  await fixedRuns(page, { batches: '1, 4', runs: 10, warmup: 2, items: 64 });
  await page.getByTestId('run-bench').click();
  await benchDone(page);

  // The engineer's traffic: busy enough that instance counts differ between variants.
  await page.getByRole('button', { name: 'Costs', exact: true }).click();
  await field(page, 'traffic.averageRps').fill('20000');
  await field(page, 'traffic.peakRps').fill('60000');
  await page.getByRole('button', { name: 'Trade-off', exact: true }).click();

  const tradeoff = page.getByTestId('tradeoff');
  await shown(tradeoff);
  const points = page.getByTestId('tradeoff-point');
  await expect(points).toHaveCount(3); // original, int8 dynamic, pruned: on WASM
  await expect(page.locator('[data-testid="tradeoff-point"][data-baseline="true"]')).toHaveAttribute('data-recipe', 'original (float)');
  await expect(page.locator('[data-testid="tradeoff-point"][data-frontier="true"]').first()).toBeVisible();
  // the frontier is drawn as a line
  await expect(page.getByTestId('tradeoff-chart').locator('.recharts-scatter-line path, .recharts-scatter-line').first()).toBeAttached();
  // dominated points, if any, are dimmed
  for (const p of await page.locator('[data-testid="tradeoff-point"][data-dominated="true"]').all()) {
    expect(Number(await p.locator('.tradeoff-marker').getAttribute('fill-opacity'))).toBeLessThan(1);
  }
  // the laptop measurement is never shown as a server figure without saying so
  await expect(tradeoff.getByTestId('scale-derivation')).toContainText('by core count');
  await expect(tradeoff.getByTestId('scale-derivation')).toContainText('this machine');
  await expect(page.getByTestId('tradeoff-table').locator('.badge.warn').first()).toHaveText('estimate');

  // The floor: at most 1 point below the baseline.
  await field(tradeoff, 'accuracyFloor.maxDropPoints').fill('1');
  const callout = page.getByTestId('tradeoff-cheapest');
  await expect(callout).toContainText('Cheapest within 1 point of the baseline');
  await expect(page.locator('[data-testid="tradeoff-point"][data-cheapest="true"]')).toHaveCount(1);
  const rows = await page.getByTestId('tradeoff-row').evaluateAll((els) =>
    els.map((e) => ({
      y: Number(e.getAttribute('data-y')),
      cost: e.getAttribute('data-cost') ? Number(e.getAttribute('data-cost')) : null,
      cheapest: e.getAttribute('data-cheapest') === 'true',
      baseline: e.getAttribute('data-baseline') === 'true',
    })),
  );
  const base = rows.find((r) => r.baseline)!;
  const meeting = rows.filter((r): r is typeof r & { cost: number } => r.y >= base.y - 1 - 1e-9 && r.cost !== null);
  const cheapest = rows.find((r) => r.cheapest)!;
  expect(cheapest.y).toBeGreaterThanOrEqual(base.y - 1 - 1e-9);
  expect(cheapest.cost).toBe(Math.min(...meeting.map((r) => r.cost)));
  await expect(page.getByTestId('tradeoff-saving')).toHaveText(/saves \d+\.\d% \(\$[\d,.]+\/month\)|same cost|costs|the baseline itself|no measurable difference \(\$[\d,.]+(–\$[\d,.]+)? against \$[\d,.]+(–\$[\d,.]+)?\/month\)/);

  // Hover shows the recipe and figures; click selects.
  const target = page.locator('[data-testid="tradeoff-point"][data-cheapest="true"]');
  await target.locator('.tradeoff-marker').hover();
  await expect(page.getByTestId('tradeoff-tooltip')).toContainText('cost per 1M');
  await target.locator('.tradeoff-marker').click();
  await expect(page.getByTestId('tradeoff-selected')).toBeVisible();
  await expect(target).toHaveAttribute('data-selected', 'true');

  // Other x axes
  await page.getByTestId('tradeoff-x').selectOption('p99');
  await expect(page.getByTestId('tradeoff-chart')).toContainText('p99 latency');
  await expect(points).toHaveCount(3);
  await page.getByTestId('tradeoff-x').selectOption('size');
  await expect(points).toHaveCount(3);
  await page.getByTestId('tradeoff-x').selectOption('cost');

  // Export: SVG (the recharts SVG, standalone) and PNG (drawn on a canvas)
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), tradeoff.getByTestId('export-svg').click()]);
  expect(svgDownload.suggestedFilename()).toBe('tradeoff-cost.svg');
  const svg = readFileSync(await svgDownload.path(), 'utf8');
  expect(svg).toMatch(/^<\?xml/);
  expect(svg).toContain('<svg');
  expect(svg).toContain('Pareto frontier');
  expect(svg).toContain('data-testid="tradeoff-point"');
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), tradeoff.getByTestId('export-png').click()]);
  expect(pngDownload.suggestedFilename()).toBe('tradeoff-cost.png');
  const png = readFileSync(await pngDownload.path());
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.length).toBeGreaterThan(5000);
  await expectNoNonFinite(page);

  // The same measurements feed the calculator.
  await page.getByTestId('open-costs').click();
  await page.getByTestId('cost-use-bench').click();
  await expect(page.getByTestId('cost-variant-row')).toHaveCount(3);
  await expect(page.getByTestId('cost-results').getByTestId('estimate-badge').first()).toBeVisible();
  await expectNoNonFinite(page);
});
