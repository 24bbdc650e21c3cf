import { describe, expect, it } from 'vitest';
import type { AccuracyResult } from '../bench/accuracy';
import { blankDraft, newTarget, type CostDraft } from './draft';
import {
  baselineOf,
  candidatesAsDraftVariants,
  candidatesFromRuns,
  deviceOf,
  qualityOf,
  type BenchCellLike,
  type BenchRunLike,
} from './bench-candidates';
import { evaluateTradeoff } from './tradeoff';
import { nonFinite } from './tco';

const env = { cores: 2, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36', webgpu: null };

const acc = (value: number): AccuracyResult => ({
  kind: 'classification',
  labelForm: 'index',
  classes: 10,
  top1: { value, lower: value - 0.01, upper: value + 0.01, correct: Math.round(value * 64) } as any,
  top5: null,
  items: 64,
  output: 'y',
  nonFiniteOutputs: 0,
  notes: [],
});

function cell(targetId: string, targetName: string, ips: [number, number], top1: number | null, bytes: number, backend = 'wasm'): BenchCellLike {
  return {
    targetId,
    targetName,
    backend,
    threads: 1,
    status: 'done',
    outcome: {
      benchmark: {
        runtime: { threads: 1 },
        latency: {
          batches: [
            { batch: 1, p50: 1000 / ips[0], p99: 1500 / ips[0], itemsPerSecond: ips[0] },
            { batch: 4, p50: 4000 / ips[1], p99: 5000 / ips[1], itemsPerSecond: ips[1] },
          ],
        },
        memory: { modelBytes: bytes },
        after: top1 === null ? null : acc(top1),
      },
      environment: env,
    },
  };
}

const runs: BenchRunLike[] = [
  {
    id: 'b1',
    startedAt: 1,
    cells: [
      cell('original', 'original', [1000, 2000], 0.99, 4_000_000),
      cell('v1', 'int8 dynamic', [1500, 3500], 0.985, 1_000_000),
      cell('v2', 'prune 50% global', [1000, 2000], 0.95, 4_000_000),
      { targetId: 'v3', targetName: 'x', backend: 'wasm', threads: 1, status: 'failed' },
    ],
  },
];

function draft(): CostDraft {
  return {
    ...blankDraft(),
    averageRps: '400',
    peakRps: '1200',
    activeHoursPerDay: '24',
    sloP99Ms: '100',
    utilizationPct: '60',
    redundancy: '0',
    targets: [{ ...newTarget('t1', 'cloud'), instance: 'aws/c7i.xlarge' }],
  };
}

describe('bench results → cost candidates', () => {
  it('one candidate per finished model × backend, with quality in percent and size in MB', () => {
    const c = candidatesFromRuns(runs, { v1: 'int8 dynamic', v2: 'prune 50% global' });
    expect(c.map((x) => x.name)).toEqual(['original (float) · WASM 1 thread', 'int8 dynamic · WASM 1 thread', 'prune 50% global · WASM 1 thread']);
    expect(c[1].quality?.value).toBeCloseTo(98.5, 9);
    expect(c[1].modelSizeMB).toBe(1);
    expect(c[1].points).toEqual([
      { batchSize: 1, itemsPerSecond: 1500, p99Ms: 1 },
      { batchSize: 4, itemsPerSecond: 3500, p99Ms: 5000 / 3500 },
    ]);
    expect(baselineOf(c)?.modelTargetId).toBe('original');
  });

  it('a later run of the same model and backend replaces the earlier one', () => {
    const later: BenchRunLike = { id: 'b2', startedAt: 2, cells: [cell('v1', 'int8 dynamic', [3000, 6000], 0.98, 1_000_000)] };
    const c = candidatesFromRuns([later, ...runs]);
    expect(c.find((x) => x.modelTargetId === 'v1')?.points[0].itemsPerSecond).toBe(3000);
    expect(c.find((x) => x.modelTargetId === 'v1')?.runId).toBe('b2');
  });

  it('the measuring device is never called a server: a 1-thread WASM run counts one core', () => {
    expect(deviceOf(env, 'wasm', 1)).toEqual({ name: 'this machine: Chrome 140, WASM 1 thread', class: 'other', cores: 1, processor: 'cpu' });
    expect(deviceOf({ ...env, userAgent: 'Mozilla/5.0 (Linux; Android 14) Mobile Chrome/140' }, 'webgpu', 1).class).toBe('phone');
    expect(deviceOf(env, 'webgpu', 1).processor).toBe('gpu');
  });

  it('without labels, quality is fidelity; the original is its own reference', () => {
    expect(qualityOf(null, true)).toMatchObject({ kind: 'fidelity', value: 100 });
    expect(qualityOf(null, false)).toBeNull();
    const fid = { kind: 'fidelity', top1Agreement: { value: 0.97, lower: 0.95, upper: 0.99 }, cosine: { value: 0.999 } } as unknown as AccuracyResult;
    expect(qualityOf(fid, false)).toMatchObject({ kind: 'fidelity', value: 97 });
  });

  it('unusable points are left out with a note; a zero p99 (coarse timer) is lifted above 0', () => {
    const c = cell('original', 'original', [1000, 2000], 0.99, 1);
    c.outcome!.benchmark.latency.batches = [
      { batch: 1, p50: 0, p99: 0, itemsPerSecond: 5000 },
      { batch: 4, p50: 1, p99: 1, itemsPerSecond: Infinity },
    ];
    const [x] = candidatesFromRuns([{ id: 'b', startedAt: 0, cells: [c] }]);
    expect(x.points).toEqual([{ batchSize: 1, itemsPerSecond: 5000, p99Ms: 0.001 }]);
    expect(x.notes.join(' ')).toMatch(/batch 4.*left out/);
  });

  it('candidates become measured variants of the calculator', () => {
    const v = candidatesAsDraftVariants(candidatesFromRuns(runs), 'mnist-cnn.onnx');
    expect(v[0]).toMatchObject({ source: 'measured', accuracy: '99', modelSizeMB: '4' });
    expect(v[0].measured?.origin).toMatch(/mnist-cnn\.onnx/);
  });
});

describe('the trade-off', () => {
  const candidates = candidatesFromRuns(runs, { v1: 'int8 dynamic', v2: 'prune 50% global' });

  it('costs every candidate on the target, draws the frontier and finds the cheapest within the floor', () => {
    const d = { ...draft(), floorPoints: '1' };
    const r = evaluateTradeoff(d, candidates, { targetId: null, x: 'cost' });
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(nonFinite(r)).toBeUndefined();
    const [orig, int8, pruned] = r.points;
    expect(orig.isBaseline).toBe(true);
    // c7i.xlarge has 4 vCPUs; the measurement used 1 core: × 4, an estimate, and it says so
    expect(int8.itemsPerSecond).toBe(3500 * 4);
    expect(int8.estimate).toBe(true);
    expect(int8.throughputLabel).toMatch(/by core count: 4 vCPUs \(AWS c7i.xlarge\) ÷ 1 core \(/);
    // int8 is cheaper and within 1 point: on the frontier, the cheapest meeting the floor, with a saving
    expect(r.floor).toBeCloseTo(98, 9);
    expect(r.cheapest?.id).toBe(int8.id);
    expect(int8.savings?.monthly).toBeGreaterThan(0);
    expect(int8.savings?.fraction).toBeGreaterThan(0);
    // the pruned model costs the same as the original and is less accurate: dominated
    expect(pruned.dominated).toBe(true);
    expect(pruned.meetsFloor).toBe(false);
    expect(r.frontier).toContain(int8.id);
  });

  it('the x axis can be latency, size or energy; the frontier follows it', () => {
    const size = evaluateTradeoff(draft(), candidates, { targetId: null, x: 'size' });
    expect(size.status === 'ok' && size.points.map((p) => p.x)).toEqual([4, 1, 4]);
    const p99 = evaluateTradeoff(draft(), candidates, { targetId: null, x: 'p99' });
    expect(p99.status === 'ok' && p99.points[0].x).toBe(1.5);
    const energy = evaluateTradeoff(draft(), candidates, { targetId: null, x: 'energy' });
    expect(energy.status === 'ok' && energy.points.every((p) => p.x !== null && p.x > 0)).toBe(true);
    expect(size.status === 'ok' && size.cheapest).toBeNull(); // no floor set
  });

  it('a GPU target needs a scale factor: the error is keyed by the calculator path of that target', () => {
    const d = draft();
    d.targets.push({ ...newTarget('t2', 'cloud'), instance: 'aws/g4dn.xlarge' });
    const r = evaluateTradeoff(d, candidates, { targetId: 't2', x: 'cost' });
    expect(r.status).toBe('invalid');
    if (r.status !== 'invalid') return;
    expect(r.fieldErrors['targets.1.scale']).toMatch(/accelerator/);
    d.targets[1] = { ...d.targets[1], scale: 'factor', factor: '20', derivation: 'MLPerf ResNet-50: T4 vs 1 CPU core' };
    const ok = evaluateTradeoff(d, candidates, { targetId: 't2', x: 'cost' });
    expect(ok.status === 'ok' && ok.points[0].throughputLabel).toMatch(/MLPerf/);
  });

  it('errors of other targets and of the typed variants do not block the trade-off', () => {
    const d = draft();
    d.variants[0].itemsPerSecond = '0';
    d.targets.push({ ...newTarget('t2', 'cloud'), instance: '' });
    expect(evaluateTradeoff(d, candidates, { targetId: 't1', x: 'cost' }).status).toBe('ok');
  });

  it('no benchmark: says so', () => {
    expect(evaluateTradeoff(draft(), [], { targetId: null, x: 'cost' }).status).toBe('empty');
  });
});
