import { describe, expect, it } from 'vitest';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { weightComposition } from '../inspect/composition';
import { concatBytes, mlpModel } from '../testing/fixtures';
import { applyRecipe } from './apply-recipe';
import type { Recipe } from './recipe';

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
