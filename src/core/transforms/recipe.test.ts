import { describe, expect, it } from 'vitest';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { weightComposition } from '../inspect/composition';
import { concatBytes, mlpModel } from '../testing/fixtures';
import { applyRecipe } from './apply-recipe';
import { forOwnedModel, recipeName, type Recipe } from './recipe';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('forOwnedModel', () => {
  const recipe: Recipe = {
    steps: [
      { transform: 'prune', options: { sparsity: 0.5 } },
      { transform: 'quantize', options: { mode: 'dynamic' } },
    ],
  };

  it('asks prune steps to work in place and leaves the rest (and the given recipe) alone', () => {
    const owned = forOwnedModel(recipe);
    expect(owned.steps[0]).toEqual({ transform: 'prune', options: { sparsity: 0.5, inPlace: true } });
    expect(owned.steps[1]).toEqual(recipe.steps[1]);
    expect(recipe.steps[0].options).toEqual({ sparsity: 0.5 });
    expect(recipeName(owned)).toBe(recipeName(recipe));
  });

  it('gives byte-identical variants to the copying recipe; only the owned input changes', async () => {
    const bytes = writeOnnx(mlpModel());
    for (const r of [{ steps: [recipe.steps[0]] }, recipe]) {
      const kept = readOnnx(bytes.slice());
      const copy = await applyRecipe(kept, r);
      expect(same(writeOnnx(kept.proto), bytes)).toBe(true);
      const owned = readOnnx(bytes.slice());
      const inPlace = await applyRecipe(owned, forOwnedModel(r));
      expect(same(concatBytes(inPlace.parts), concatBytes(copy.parts))).toBe(true);
      expect(weightComposition(owned.proto).sparsity).toBeGreaterThan(0.45); // the owned input was pruned
    }
  });
});
