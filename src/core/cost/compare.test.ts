import { describe, expect, it } from 'vitest';
import { candidatesFromRuns, type BenchRunLike } from './bench-candidates';
import { compareModels, type ModelBench } from './compare';
import { evaluateTradeoff } from './tradeoff';
import { draftFromScenario } from './draft-from-scenario';
import { parseScenario } from './scenario';
import example from '../../../examples/scenario.json';

const env = { cores: 4, userAgent: 'Chrome/140', webgpu: null };
function run(id: string, cells: { target: string; name: string; ips: number; top1: number | null; items?: number; output?: string; mb: number }[]): BenchRunLike {
  return {
    id,
    startedAt: 1,
    cells: cells.map((c) => ({
      targetId: c.target,
      targetName: c.name,
      backend: 'wasm',
      threads: 1,
      status: 'done',
      outcome: {
        benchmark: {
          runtime: { threads: 1 },
          latency: { batches: [{ batch: 1, p50: 1000 / c.ips, p99: 2000 / c.ips, itemsPerSecond: c.ips }] },
          memory: { modelBytes: c.mb * 1e6 },
          after:
            c.top1 === null
              ? null
              : { kind: 'classification', labelForm: 'index', classes: 10, top1: { value: c.top1, lower: c.top1 - 0.01, upper: c.top1 + 0.01, correct: 1, level: 0.95, method: 'wilson' }, top5: null, items: c.items ?? 2000, output: c.output ?? 'probabilities', nonFiniteOutputs: 0, notes: [] },
        },
        environment: env,
      },
    })),
  };
}

const sig = (input: (number | string)[]) => ({
  inputs: [{ name: 'input', dtype: 'float32', shape: input }],
  outputs: [{ name: 'probabilities', dtype: 'float32', shape: ['batch', 10] }],
});

const cnn: ModelBench = {
  modelId: 'm1',
  modelName: 'mnist-cnn.onnx',
  ...sig(['batch', 1, 28, 28]),
  dataName: 'MNIST test split',
  candidates: candidatesFromRuns([run('b1', [{ target: 'original', name: 'original', ips: 500, top1: 0.991, mb: 0.42 }, { target: 'v1', name: 'int8 dynamic', ips: 700, top1: 0.99, mb: 0.12 }])], { v1: 'int8 dynamic' }),
};
const mlp: ModelBench = {
  modelId: 'm2',
  modelName: 'mnist-mlp.onnx',
  ...sig(['batch', 784]),
  dataName: 'MNIST test split',
  candidates: candidatesFromRuns([run('b2', [{ target: 'original', name: 'original', ips: 4000, top1: 0.9845, mb: 0.94 }])]),
};

describe('comparing models on one trade-off', () => {
  it('one model: its candidates unchanged', () => {
    const r = compareModels('m1', [cnn, { ...mlp, candidates: [] }]);
    expect(r.candidates).toEqual(cnn.candidates);
    expect(r.notes).toEqual([]);
  });

  it('two models on the same data share one chart, labelled model · variant; different inputs are said, and the cheapest model-and-variant is found', () => {
    const r = compareModels('m1', [cnn, mlp]);
    expect(r.models).toEqual(['mnist-cnn.onnx', 'mnist-mlp.onnx']);
    expect(r.candidates.map((c) => c.recipe)).toEqual(['mnist-cnn.onnx · original (float)', 'mnist-cnn.onnx · int8 dynamic', 'mnist-mlp.onnx · original (float)']);
    expect(new Set(r.candidates.map((c) => c.id)).size).toBe(3);
    expect(r.candidates.filter((c) => c.isOriginal).map((c) => c.id)).toEqual(['m1.original_wasm-1']);
    expect(r.notes.join(' ')).toMatch(/different inputs or outputs \(input input float32\[batch, 1, 28, 28\] \(mnist-cnn\.onnx\); input input float32\[batch, 784\] \(mnist-mlp\.onnx\)\): they are compared only on what they share: top-1 accuracy on MNIST test split \(output probabilities\)/);
    const parsed = parseScenario(example);
    if (!parsed.ok) throw new Error('example');
    const draft = { ...draftFromScenario(parsed.scenario), floorPoints: '1', averageRps: '3000', peakRps: '6000' };
    const t = evaluateTradeoff(draft, r.candidates, { targetId: null, x: 'cost' });
    expect(t.status).toBe('ok');
    if (t.status !== 'ok') return;
    // the MLP is 8× faster than the CNN's original and within a point of it: the cheapest across both models
    expect(t.cheapest?.recipe).toBe('mnist-mlp.onnx · original (float)');
    expect(t.points.find((p) => p.isBaseline)?.recipe).toBe('mnist-cnn.onnx · original (float)');
  });

  it('other data, fidelity, or another output: left out, saying why', () => {
    const other = { ...mlp, dataName: 'my.npy' };
    expect(compareModels('m1', [cnn, other]).leftOut[0].why).toMatch(/benchmarked on other data \(my\.npy, 2000 items\) than mnist-cnn\.onnx \(MNIST test split, 2000 items\)/);
    const fewer = { ...mlp, candidates: candidatesFromRuns([run('b3', [{ target: 'original', name: 'original', ips: 10, top1: 0.9, items: 64, mb: 1 }])]) };
    expect(compareModels('m1', [cnn, fewer]).leftOut[0].why).toMatch(/64 items/);
    const noLabels = { ...mlp, candidates: candidatesFromRuns([run('b4', [{ target: 'original', name: 'original', ips: 10, top1: null, mb: 1 }])]) };
    expect(compareModels('m1', [cnn, noLabels]).leftOut[0].why).toMatch(/fidelity to its own original/);
    const otherOut = { ...mlp, outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }], candidates: candidatesFromRuns([run('b5', [{ target: 'original', name: 'original', ips: 10, top1: 0.9, output: 'logits', mb: 1 }])]) };
    const r = compareModels('m1', [cnn, otherOut]);
    expect(r.leftOut[0].why).toMatch(/on output logits, mnist-cnn\.onnx's on probabilities/);
    expect(r.candidates).toHaveLength(2);
  });
});
