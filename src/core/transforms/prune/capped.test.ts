import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floatTensor, graph, model, node, valueInfo } from '../../formats/onnx/builder';
import { DataType } from '../../formats/onnx/proto';
import { readOnnx } from '../../formats/onnx/read';
import { writeOnnx } from '../../formats/onnx/write';
import { randomFloats } from '../../testing/fixtures';
import { applyPrune, validatePruneOptions, type PruneOptions, type PruneStats } from './index';

const opts = (o: Partial<PruneOptions>): PruneOptions => validatePruneOptions(o);
import { floatWeights } from './testing';

/** Issue 11, item 2: per-layer sparsity in the report, a warning naming almost-emptied layers, maxLayerSparsity. */

const SAMPLES = resolve(__dirname, '../../../../public/samples');

/** x[1,64] -> MatMul(A[64,64], magnitudes ~1e-3) -> MatMul(B[64,256], ~1) -> y: a 50% global threshold empties A. */
function lopsided() {
  const A = randomFloats(64 * 64, 5).map((v) => v * 1e-3);
  const B = randomFloats(64 * 256, 6);
  const m = model({
    graph: graph({
      name: 'lopsided',
      nodes: [node('MatMul', ['x', 'A'], ['h'], {}, { name: 'small' }), node('MatMul', ['h', 'B'], ['y'], {}, { name: 'big' })],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 64])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 256])],
      initializers: [floatTensor('A', [64, 64], A), floatTensor('B', [64, 256], B)],
    }),
  });
  return { bytes: writeOnnx(m), A, B };
}

const zeros = (a: Float32Array) => a.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
/** Largest |w| zeroed (among the originally non-zero) and smallest |w| kept. */
function split(orig: Float32Array, pruned: Float32Array) {
  let maxPruned = 0;
  let minKept = Infinity;
  for (let i = 0; i < orig.length; i++) {
    if (pruned[i] === 0) maxPruned = Math.max(maxPruned, Math.abs(orig[i]));
    else minKept = Math.min(minKept, Math.abs(orig[i]));
  }
  return { maxPruned, minKept };
}

describe('per-layer sparsity under a global threshold', () => {
  it('reports each layer, and warns naming a layer over 95% zeros', async () => {
    const { bytes } = lopsided();
    const r = await applyPrune(readOnnx(bytes), opts({ sparsity: 0.5, compressedSize: 'off' }));
    const s = r.report.stats as unknown as PruneStats;
    expect(s.layers.map((l) => [l.tensor, l.sparsity])).toEqual([
      ['A', 1],
      ['B', 6144 / 16384],
    ]);
    expect(r.report.notes.join('\n')).toMatch(/per layer under the global threshold: from 37\.5% \(B\) to 100\.0% \(A\)/);
    expect(r.report.notes.join('\n')).toMatch(/Warning: a layer is almost emptied \(over 95\.0% zeros\): A \(100\.0%, small\)/);
  });

  it('maxLayerSparsity 0.8: A keeps exactly its largest 20%, the budget moves to B, the total stays exact', async () => {
    const { bytes, A, B } = lopsided();
    const r = await applyPrune(readOnnx(bytes), opts({ sparsity: 0.5, maxLayerSparsity: 0.8, compressedSize: 'off' }));
    const s = r.report.stats as unknown as PruneStats;
    const w = floatWeights(r.model);
    const a = w.get('A')!;
    const b = w.get('B')!;
    expect(zeros(a)).toBe(Math.floor(0.8 * 4096));
    expect(zeros(a) + zeros(b)).toBe(0.5 * (4096 + 16384));
    // Within each layer the zeros are its smallest magnitudes.
    for (const [o, p] of [[A, a], [B, b]] as const) {
      const { maxPruned, minKept } = split(o, p);
      expect(maxPruned).toBeLessThanOrEqual(minKept);
    }
    expect(s.layers.find((l) => l.tensor === 'A')).toMatchObject({ capped: true, sparsity: 3276 / 4096 });
    expect(s.layers.find((l) => l.tensor === 'B')!.capped).toBeUndefined();
    expect(s.threshold).toBe(split(B, b).maxPruned);
    expect(r.report.notes.join('\n')).toMatch(/1 layer was held at the per-layer cap of 0\.8 \(--max-layer-sparsity \/ Max sparsity per layer\): A\./);
    expect(r.report.notes.join('\n')).not.toMatch(/almost emptied/);
  });

  it('on the MNIST CNN sample: 97% global empties dense1 (warned); a 0.9 cap holds every layer and says the target is out of reach', async () => {
    const bytes = readFileSync(resolve(SAMPLES, 'mnist-cnn.onnx'));
    const free = await applyPrune(readOnnx(bytes), opts({ sparsity: 0.97, compressedSize: 'off' }));
    const fs = free.report.stats as unknown as PruneStats;
    const emptied = fs.layers.filter((l) => l.sparsity > 0.95).map((l) => l.tensor);
    expect(emptied).toContain('dense1.weight');
    for (const t of emptied) expect(free.report.notes.join('\n')).toContain(`${t} (`);
    const capped = await applyPrune(readOnnx(bytes), opts({ sparsity: 0.97, maxLayerSparsity: 0.9, compressedSize: 'off' }));
    const cs = capped.report.stats as unknown as PruneStats;
    for (const l of cs.layers) expect(l.sparsity).toBeLessThanOrEqual(0.9);
    expect(capped.report.notes.join('\n')).toMatch(/held at the per-layer cap of 0\.9.*the caps cannot hold the target: \d+ fewer weights pruned than asked/);
  });

  it('scope layer and overrides are held at the cap too', async () => {
    const { bytes } = lopsided();
    const r = await applyPrune(readOnnx(bytes), opts({ sparsity: 0.9, scope: 'layer', maxLayerSparsity: 0.6, overrides: { small: 0.3 }, compressedSize: 'off' }));
    const s = r.report.stats as unknown as PruneStats;
    expect(s.layers.map((l) => [l.tensor, l.sparsity, l.capped ?? false])).toEqual([
      ['A', Math.floor(0.3 * 4096) / 4096, false],
      ['B', Math.floor(0.6 * 16384) / 16384, true],
    ]);
  });

  it('validates maxLayerSparsity', () => {
    expect(validatePruneOptions({}).maxLayerSparsity).toBe(1);
    for (const bad of [0, -0.1, 1.5, Number.NaN, '0.5']) expect(() => validatePruneOptions({ maxLayerSparsity: bad })).toThrow(/maxLayerSparsity must be a number in \(0, 1\]/);
    expect(() => validatePruneOptions({ maxLayerSparsity: 90 })).toThrow(/for 90% write 0\.9/);
    expect(() => validatePruneOptions({ pattern: '2:4', maxLayerSparsity: 0.4 })).toThrow(/applies to unstructured/);
  });
});
