import { beforeEach, describe, expect, it } from 'vitest';
import { blankDraft } from '../core/cost/draft';
import type { BenchRun } from './bench';
import { initialCostState } from './cost';
import {
  addTarget,
  addVariant,
  applyBenchmarkToCalculator,
  importScenarioText,
  patchDraft,
  patchTarget,
  removeTarget,
  scenarioJson,
  selectCandidates,
  selectCostEvaluation,
  selectTradeoff,
  setPerTargetThroughput,
  startBlankScenario,
  variantToTyped,
  addScenario,
  removeScenario,
  selectScenario,
  selectScenarioComparison,
  selectScenarioInUse,
  syncScenariosWithBenchmark,
} from './cost-actions';
import { studio } from './store';

const env = { cores: 2, userAgent: 'Chrome/140', crossOriginIsolated: true, sharedArrayBuffer: true, webgpu: null };

function run(): BenchRun {
  const cell = (targetId: string, targetName: string, ips: number, top1: number, bytes: number) => ({
    targetId,
    targetName,
    backend: 'wasm' as const,
    threads: 1,
    status: 'done' as const,
    progress: { fraction: 1, stage: 'done' },
    outcome: {
      benchmark: {
        runtime: { id: 'ort-web', version: '1', backend: 'wasm', threads: 1 },
        coldStart: { createSessionMs: 1, firstRunMs: 1, firstRunBatch: 1 },
        latency: { batches: [{ batch: 1, p50: 1, p99: 2, itemsPerSecond: ips }] },
        memory: { modelBytes: bytes, sessionBytes: null, sessionBytesMethod: null, jsHeapBytes: null, rssBytes: null },
        after: { kind: 'classification', labelForm: 'index', classes: 10, top1: { value: top1, lower: top1 - 0.01, upper: top1 + 0.01, correct: 1 }, top5: null, items: 64, output: 'y', nonFiniteOutputs: 0, notes: [] },
      },
      environment: env,
    },
  });
  return {
    id: 'b1',
    modelId: 'm1',
    startedAt: 1,
    settings: { batchSizes: [1], runs: 10, warmupRuns: 2, timeBudgetMs: 5000, dataName: 'mnist', labelled: true },
    cells: [cell('original', 'original', 800, 0.99, 4e6), cell('v1', 'int8 dynamic', 1200, 0.985, 1e6)],
  } as unknown as BenchRun;
}

const model = { id: 'm1', name: 'mnist-cnn.onnx', summary: { inputs: [], outputs: [] } } as any;

beforeEach(() => {
  studio.setState({ ...initialCostState(), benchRuns: [], variants: [], models: [] });
});

describe('cost actions (store without rendering)', () => {
  it('the calculator opens on the example and evaluates it', () => {
    const ev = selectCostEvaluation(studio.getState());
    expect(ev.ok).toBe(true);
    // memoised: the same object until the form changes
    expect(selectCostEvaluation(studio.getState())).toBe(ev);
    patchDraft({ averageRps: '41' });
    expect(selectCostEvaluation(studio.getState())).not.toBe(ev);
  });

  it('a blank form, then typed figures, gives a result; a bad figure gives a field error', () => {
    startBlankScenario();
    expect(studio.getState().costDraft).toEqual(blankDraft());
    patchDraft({ averageRps: '10', peakRps: '20', sloP99Ms: '100', activeHoursPerDay: '24', utilizationPct: '60' });
    const d = studio.getState().costDraft;
    const v = d.variants[0].id;
    const t = d.targets[0].id;
    studio.setState((s) => ({ costDraft: { ...s.costDraft, variants: s.costDraft.variants.map((x) => ({ ...x, modelSizeMB: '10', itemsPerSecond: '50' })) } }));
    patchTarget(t, { instance: 'aws/c7i.large' });
    expect(selectCostEvaluation(studio.getState()).ok).toBe(true);
    patchDraft({ utilizationPct: '150' });
    const ev = selectCostEvaluation(studio.getState());
    expect(!ev.ok && ev.fieldErrors.targetUtilization).toMatch(/150%/);
    expect(v).toBe('v1');
  });

  it('removing a target drops its per-target figures; adding gives fresh ids', () => {
    const id = addTarget('owned');
    expect(id).toBe('t1');
    const vid = addVariant();
    setPerTargetThroughput(vid, id, '99');
    expect(studio.getState().costDraft.variants.find((x) => x.id === vid)?.perTarget[id]?.itemsPerSecond).toBe('99');
    removeTarget(id);
    expect(studio.getState().costDraft.variants.find((x) => x.id === vid)?.perTarget).toEqual({});
  });

  it('a bad scenario file is refused with its problems and the form stays', () => {
    const before = studio.getState().costDraft;
    expect(importScenarioText('bad.json', '{"version":1,"traffic":{"averageRps":-1}}')).toBe(false);
    expect(studio.getState().costImportErrors?.errors.map((e) => e.path)).toContain('traffic.averageRps');
    expect(studio.getState().costDraft).toBe(before);
    expect(importScenarioText('x.json', 'not json')).toBe(false);
    // the exported JSON reads back
    expect(importScenarioText('round.json', scenarioJson())).toBe(true);
    expect(studio.getState().costImportErrors).toBeNull();
  });

  it('benchmark results become measured variants, and typed on request', () => {
    studio.setState({ benchRuns: [run()], models: [{ id: 'm1', name: 'mnist-cnn.onnx', summary: { inputs: [], outputs: [] } } as any] });
    const candidates = selectCandidates('m1')(studio.getState());
    expect(candidates).toHaveLength(2);
    expect(selectCandidates('m1')(studio.getState())).toBe(candidates);
    expect(applyBenchmarkToCalculator('m1')).toBe(2);
    const d = studio.getState().costDraft;
    expect(d.variants.map((v) => v.source)).toEqual(['measured', 'measured']);
    expect(d.baseline).toBe(candidates[0].id);
    const ev = selectCostEvaluation(studio.getState());
    expect(ev.ok).toBe(true);
    variantToTyped(d.variants[1].id);
    const v = studio.getState().costDraft.variants[1];
    expect(v).toMatchObject({ source: 'typed', itemsPerSecond: '1200', p99Ms: '2', batchSize: '1', measured: null });
  });

  it('the trade-off of a model costs its benchmark on the calculator target', () => {
    studio.setState({ benchRuns: [run()], models: [model] });
    patchDraft({ floorPoints: '1' });
    const r = selectTradeoff('m1')(studio.getState());
    expect(r.status).toBe('ok');
    expect(selectTradeoff('m1')(studio.getState())).toBe(r);
    if (r.status !== 'ok') return;
    expect(r.cheapest?.recipe).toBe('int8 dynamic');
    expect(r.points.find((p) => p.isBaseline)?.recipe).toBe('original (float)');
  });

  it('one scenario: it follows the benchmark until its variants are edited; Costs and Trade-off say which figures they use', () => {
    expect(selectScenarioInUse(studio.getState()).figures).toMatch(/^typed figures \(3 variants, no benchmark yet\)/);
    studio.setState({ benchRuns: [run()], models: [model], activeModelId: 'm1' });
    expect(syncScenariosWithBenchmark()).toBe(1);
    const inUse = selectScenarioInUse(studio.getState());
    expect(inUse.figures).toBe('measured by the benchmark of mnist-cnn.onnx (run b1)');
    expect(inUse.followsBenchmark).toBe(true);
    expect(studio.getState().scenarios[0].draft).toBe(studio.getState().costDraft);
    // An edit of the variants stops the following; "Use the benchmark" turns it back on.
    addVariant();
    expect(selectScenarioInUse(studio.getState()).followsBenchmark).toBe(false);
    expect(syncScenariosWithBenchmark()).toBe(0);
    expect(applyBenchmarkToCalculator('m1')).toBe(2);
    expect(selectScenarioInUse(studio.getState()).followsBenchmark).toBe(true);
  });

  it('named scenarios side by side: a copy at another traffic, each evaluated, compared in one table', () => {
    studio.setState({ benchRuns: [run()], models: [model], activeModelId: 'm1' });
    syncScenariosWithBenchmark();
    patchDraft({ name: '50 requests/s', averageRps: '50', peakRps: '50' });
    const second = addScenario();
    expect(studio.getState().scenarios.map((x) => x.draft.name)).toEqual(['50 requests/s', '50 requests/s (copy)']);
    patchDraft({ name: '500 requests/s', averageRps: '500', peakRps: '500' });
    expect(studio.getState().scenarios[0].draft.averageRps).toBe('50');
    const cmp = selectScenarioComparison(studio.getState());
    expect(cmp.problems).toEqual([]);
    const first = cmp.rows.filter((r) => r.scenario === '50 requests/s');
    const tenfold = cmp.rows.filter((r) => r.scenario === '500 requests/s');
    expect(first.length).toBe(studio.getState().costDraft.targets.length);
    expect(tenfold.map((r) => r.target)).toEqual(first.map((r) => r.target));
    for (let i = 0; i < first.length; i++) expect(tenfold[i].monthly).toBeGreaterThan(first[i].monthly);
    expect(first[0].throughputLabel).toMatch(/WASM 1 thread/);
    selectScenario('s1');
    expect(studio.getState().costDraft.name).toBe('50 requests/s');
    removeScenario(second);
    removeScenario('s1'); // never the last
    expect(studio.getState().scenarios.map((x) => x.id)).toEqual(['s1']);
  });
});
