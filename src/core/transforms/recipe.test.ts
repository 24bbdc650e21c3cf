import { describe, expect, it } from 'vitest';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { weightComposition } from '../inspect/composition';
import { concatBytes, mlpModel } from '../testing/fixtures';
import { applyRecipe } from './apply-recipe';
import { recipeName, validateRecipe, type Recipe } from './recipe';
import * as build from '../formats/onnx/builder';
import { DataType } from '../formats/onnx/proto';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('applyRecipe owning the model (ownsModel)', () => {
  const recipe: Recipe = {
    steps: [
      { transform: 'prune', options: { sparsity: 0.5 } },
      { transform: 'quantize', options: { mode: 'dynamic' } },
    ],
  };

  it('gives byte-identical variants to the copying recipe; only the owned input changes', async () => {
    const bytes = writeOnnx(mlpModel());
    for (const r of [{ steps: [recipe.steps[0]] }, recipe]) {
      const kept = readOnnx(bytes.slice());
      const copy = await applyRecipe(kept, r);
      expect(same(writeOnnx(kept.proto), bytes)).toBe(true);
      const owned = readOnnx(bytes.slice());
      const inPlace = await applyRecipe(owned, r, { ownsModel: true });
      expect(same(concatBytes(inPlace.parts), concatBytes(copy.parts))).toBe(true);
      expect(weightComposition(owned.proto).sparsity).toBeGreaterThan(0.45); // the owned input was pruned
    }
  });
});

describe('a convert step', () => {
  it('converts an opset-9 model (Clip with min/max attributes) to 13, then dynamic int8 quantizes it', async () => {
    const { node, graph, valueInfo, floatTensor, attr } = build;
    const model = build.model({
      graph: graph({
        name: 'old',
        nodes: [node('MatMul', ['x', 'W'], ['h'], {}, { name: 'mm' }), node('Clip', ['h'], ['y'], { min: attr.f(0), max: attr.f(6) }, { name: 'relu6' })],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 8])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 4])],
        initializers: [floatTensor('W', [8, 4], Float32Array.from({ length: 32 }, (_, i) => Math.cos(i)))],
      }),
      opset: 9,
    });
    const quantizeOnly: Recipe = { steps: [{ transform: 'quantize', options: { mode: 'dynamic' } }] };
    const recipe: Recipe = { steps: [{ transform: 'convert', options: { opset: 13 } }, ...quantizeOnly.steps] };
    expect(recipeName(recipe)).toBe('opset 13 → int8 dynamic');
    const r = await applyRecipe(readOnnx(writeOnnx(model)), recipe);
    expect(r.reports.map((x) => x.transform)).toEqual(['convert', 'quantize']);
    expect(r.reports[0].notes).toContain("Clip (opset 11): min/max attributes → inputs — node 'relu6'.");
    expect(Number(r.model.opsetImport[0].version)).toBe(13);
    expect(r.model.graph!.node.map((n) => n.opType)).toContain('MatMulInteger');
    expect(() => validateRecipe({ steps: [{ transform: 'convert', options: { opset: 99 } }] })).toThrow(/opset must be a whole number/);
  });
});
