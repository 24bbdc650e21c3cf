import { expect, test, type Page } from './test';
import { benchDone, defaultSample, fixedRuns, modelView, shown } from './fixtures';
import { decodeReportLink, encodeReport } from '../src/core/report/codec';
import { buildReport } from '../src/core/report/build';
import { seriousViolations } from './axe';

/** Page errors and dialogs (an `onerror=alert(…)` that ran) fail the test, in any context. */
function watch(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
}

test('benchmark, share, open the link in a fresh context: the same figures, read-only, with a what-if', async ({ page, browser }) => {
  test.setTimeout(60_000);
  await page.goto('/');
  const file = defaultSample();
  await shown(modelView(page, file));
  await page.getByRole('button', { name: 'Benchmark' }).click();
  await fixedRuns(page, { runs: 10, warmup: 2, items: 64 });
  await page.getByTestId('run-bench').click();
  await benchDone(page);
  await expect(page.getByTestId('export-report-csv')).toBeVisible();

  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/^http:\/\/localhost:\d+\/#r=[A-Za-z0-9_-]+$/);
  const shared = decodeReportLink(link);
  expect(shared.results.length).toBeGreaterThanOrEqual(1);
  // The studio's p50 cell (the one after the shapes) shows what the link carries, to its rounding.
  const p50Cell = page.locator('[data-testid="bench-row"][data-target="original"]').first().getByTestId('bench-shapes').locator('xpath=following-sibling::td[1]');
  const studioP50 = Number(await p50Cell.innerText());
  expect(Math.abs(shared.results[0].batches[0].p50Ms - studioP50) / studioP50).toBeLessThan(0.01);

  const context = await browser.newContext();
  const reader = await context.newPage();
  const problems: string[] = [];
  watch(reader, problems);
  await reader.goto(link);
  await shown(reader.getByTestId('report-page'));
  await expect(reader.getByTestId('report-model-name')).toHaveText(file);
  const row = reader.getByTestId('report-result').first();
  const p50 = shared.results[0].batches[0].p50Ms;
  await expect(row.getByTestId('report-p50')).toHaveText(new RegExp(`^${p50 >= 1 ? p50.toFixed(2) : p50.toFixed(3)} ms$`));
  await expect(row.getByTestId('report-quality')).toContainText(`${shared.results[0].quality!.value.toFixed(2)}% top-1 accuracy`);
  await expect(row.getByTestId('report-env')).toContainText('cross-origin isolated');
  await expect(reader.getByTestId('report-tradeoff')).toBeVisible();
  expect((await seriousViolations(reader)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
  // Read-only: no model was opened, nothing to edit but the what-if.
  await expect(reader.getByTestId('model-summary')).toHaveCount(0);

  const first = reader.getByTestId('report-figure').first();
  const sharedCost = await first.getByTestId('shared-cost').innerText();
  await expect(first.getByTestId('whatif-cost')).toHaveText(sharedCost);
  await reader.getByTestId('whatif-traffic.averageRps').fill('4');
  await reader.getByTestId('whatif-traffic.peakRps').fill('12');
  await expect(first.getByTestId('whatif-cost')).not.toHaveText(sharedCost);
  await expect(first.getByTestId('shared-cost')).toHaveText(sharedCost);

  await reader.getByTestId('report-open-studio').click();
  await expect(reader.getByTestId('report-page')).toHaveCount(0);
  await reader.getByRole('button', { name: 'Costs', exact: true }).click();
  await expect(reader.getByLabel(/average/i).first()).toHaveValue('4');
  expect(problems).toEqual([]);
  await context.close();
});

test('a hostile link shows the name as text; a broken link shows what is wrong', async ({ page }) => {
  const problems: string[] = [];
  watch(page, problems);
  const name = '<img src=x onerror=alert(1)>';
  const report = buildReport({
    source: 'app',
    title: name,
    models: [{ name, format: 'onnx', bytes: 1000, sha256: null, summary: { parameters: 10, nodes: 1, opsets: 'ai.onnx 13', inputs: [`${name} float32 [1]`], outputs: [] } }],
    variants: [{ model: 0, name, recipe: name, bytes: 500, gzipBytes: null, sparsity: 0, degraded: true, reasons: [name], rule: name }],
    environments: [{ host: name, cores: 2, cpu: name, crossOriginIsolated: true, gpu: name, gpuFallback: false }],
    results: [0, null].map((variant) => ({
      model: 0, variant, backend: 'wasm', threads: 1, runtime: name, environment: 0, data: { name, items: 10, labelled: true }, inputSpec: [name],
      coldStart: { createSessionMs: 5, firstRunMs: 1 }, modelBytes: 1000, notes: [name],
      batches: [{ batch: 1, runs: 10, p50Ms: 1, p90Ms: 1.2, p99Ms: 1.5, itemsPerSecond: 1000, medianCI: null, minMs: 0.9, maxMs: 1.6 }],
      quality: { kind: 'accuracy' as const, value: variant === null ? 99 : 98, lower: null, upper: null, label: name },
    })),
    scenario: null,
    chart: { x: 'cost', targetId: null, floorPoints: null },
    notes: [name],
  });
  const payload = encodeReport(report);
  await page.goto(`/#r=${payload}`);
  await shown(page.getByTestId('report-model-name'));
  await expect(page.getByTestId('report-model-name')).toHaveText(name);
  await expect(page.getByTestId('report-title')).toHaveText(name);
  await expect(page.getByTestId('report-degraded')).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);

  await page.goto(`/#r=${payload.slice(0, payload.length - 30)}`);
  await expect(page.getByTestId('report-error')).toHaveAttribute('data-kind', 'cut-short');
  await expect(page.getByTestId('report-error-message')).toContainText('cut short');
  await page.goto('/#r=not*base64');
  await expect(page.getByTestId('report-error-message')).toContainText('not base64url');
  expect(problems).toEqual([]);
});
