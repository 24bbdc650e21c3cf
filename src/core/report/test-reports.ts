/**
 * App-shaped inputs for the report tests: the MNIST CNN sample's summary figures, variants with their metrics, and
 * bench runs whose batch sizes are summaries of log-normal latencies (as the harness makes them, test-bench-runs.ts)
 * on a Chrome user agent, with the example scenario. Test support only: nothing in the app imports it.
 */
import example from '../../../examples/scenario.json';
import type { AccuracyResult } from '../bench/accuracy';
import { latencies } from '../cost/test-bench-runs';
import { summarizeSamples } from '../bench/stats';
import type { AppBatchLike, AppReportInput, AppRunLike, AppVariantLike } from './from-app';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

export const CNN_SUMMARY = {
  format: 'onnx' as const,
  fileBytes: 428_321,
  externalDataBytes: 0,
  parameters: { total: 105_866, bytes: 423_464, byDtype: [] },
  nodeCount: 11,
  opsets: [{ domain: '', version: 13 }],
  inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 1, 28, 28] }],
  outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }],
};

const SPEC = {
  inputs: [
    {
      name: 'input',
      dtype: 'float32',
      shape: [1, 1, 28, 28],
      dims: [
        { name: 'batch', value: 1, source: 'default' as const, reason: 'batch-like dim, default 1', batch: true },
        { name: null, value: 1, source: 'model' as const, reason: 'declared', batch: false },
        { name: null, value: 28, source: 'model' as const, reason: 'declared', batch: false },
        { name: null, value: 28, source: 'model' as const, reason: 'declared', batch: false },
      ],
      values: { kind: 'data' as const, reason: 'from the data (mnist-test-x.npy)' },
    },
  ],
};

function top1(value: number): AccuracyResult {
  return { kind: 'classification', labelForm: 'index', classes: 10, top1: { value, lower: value - 0.0047, upper: value + 0.0035, level: 0.95, method: 'wilson', correct: Math.round(value * 2000) }, top5: null, items: 2000, output: 'logits', nonFiniteOutputs: 0, notes: [] } as unknown as AccuracyResult;
}

function batchOf(batch: number, median: number, seed: number): AppBatchLike {
  const s = latencies(median, 40, seed);
  const sum = summarizeSamples(s);
  return { batch, runs: s.length, p50: sum.p50, p90: sum.p90, p99: sum.p99, min: sum.min, max: sum.max, itemsPerSecond: (batch * s.length * 1000) / s.reduce((a, b) => a + b, 0), medianCI: sum.medianCI };
}

/** A scenario unlike the example (and the link dictionary): other targets, figures and names. */
const OTHER_SCENARIO = {
  version: 1,
  name: 'Handwriting kiosk fleet, EU region, peak season 2027',
  traffic: { averageRps: 310, peakRps: 1475, activeHoursPerDay: 11.5 },
  slo: { p99Ms: 45 },
  targetUtilization: 0.72,
  redundancy: 2,
  schedule: 'active-hours',
  accuracyFloor: { maxDropPoints: 0.5 },
  variants: [{ id: 'x', accuracy: 90, modelSizeMB: 1, throughput: { source: 'typed', itemsPerSecond: 10 } }],
  targets: [
    { kind: 'cloud', id: 'azure-f4', instance: 'aws/m7i.xlarge', pricing: { model: 'committed', discount: 0.28 } },
    { kind: 'edge', id: 'kiosks', name: 'Kiosk tablets', powerIdleW: 3.5, powerMaxW: 11, devices: 4200, pricePerKWh: 0.31 },
  ],
  storage: { modelVersions: 5, replicas: 3, retainedBytesPerRequest: 850, retentionDays: 14, pricePerGBMonth: 0.026 },
  network: { egressBytesPerRequest: 640, pricePerGB: 0.087 },
  maintenance: { updatesPerYear: 12, hoursPerUpdate: 6.5, loadedHourlyRate: 95 },
};

const RECIPES = ['int8 dynamic, per-channel', 'fp16', '50% pruned (global)', 'int8 static (QDQ)', '2:4 pruned', 'weight-only int8'];
const BACKENDS = [
  { backend: 'wasm', threads: 1 },
  { backend: 'webgpu', threads: 1 },
  { backend: 'wasm', threads: 4 },
];

/** One model, the original plus `variants - 1` variants (so `variants` rows per backend), on `backends` backends. */
export function appInput(variants: number, backends: number, opts: { batches?: number[]; scenario?: boolean | 'other'; modelName?: string } = {}): AppReportInput {
  const vs: AppVariantLike[] = RECIPES.slice(0, variants - 1).map((r, i) => ({
    id: `v${i + 1}`,
    modelId: 'm1',
    name: `mnist-cnn.${r.split(/[ ,]/)[0]}`,
    status: 'done',
    recipe: r,
    metrics: {
      size: { bytes: 120_000 + i * 7_919, gzipBytes: 98_000 + i * 3_001 },
      composition: { sparsity: i === 1 ? 0.5012 : 0.0003 },
      verdict: { degraded: i === 1, reasons: i === 1 ? ['output "logits": top-1 agreement 97.9% < 99% (2000 items)'] : [], rule: 'degraded when class-score top-1 agreement < 99% or dense-output cosine < 0.99' },
    },
  }));
  const targets = ['original', ...vs.map((v) => v.id)];
  const env = { userAgent: UA, cores: 8, crossOriginIsolated: true, webgpu: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', isFallbackAdapter: true } };
  const run: AppRunLike = {
    modelId: 'm1',
    startedAt: 1,
    settings: { dataName: 'mnist-test-x.npy (the sample\'s test split)', labelled: true },
    data: { items: 2000 },
    cells: targets.flatMap((t, ti) =>
      BACKENDS.slice(0, backends).map((b, bi) => ({
        targetId: t,
        backend: b.backend,
        threads: b.threads,
        status: 'done',
        outcome: {
          benchmark: {
            runtime: { id: `onnxruntime-web/${b.backend}`, version: '1.22.0', threads: b.threads },
            coldStart: { createSessionMs: 21.7 + ti, firstRunMs: 3.1 + bi },
            latency: { batches: (opts.batches ?? [1]).map((n, k) => batchOf(n, (0.9 + 0.2 * ti) * n ** 0.7 * (bi + 1), 100 * ti + 10 * bi + k)) },
            memory: { modelBytes: t === 'original' ? 428_321 : 120_000 + (ti - 1) * 7_919 },
            after: top1(0.991 - 0.002 * ti),
          },
          environment: env,
          inputSpec: SPEC,
        },
      })),
    ),
  };
  const { variants: _v, ...scenario } = example as Record<string, unknown>;
  return {
    models: [{ id: 'm1', name: opts.modelName ?? 'mnist-cnn.onnx', summary: CNN_SUMMARY, sha256: '9f2c'.repeat(16) }],
    variants: vs,
    runs: [run],
    scenario: opts.scenario === false ? null : opts.scenario === 'other' ? OTHER_SCENARIO : { ...scenario, variants: _v },
    chart: { x: 'cost', targetId: null, floorPoints: 1 },
    createdAt: '2026-12-07T01:00:00.000Z',
  };
}
