import { isParetoError } from '../core/errors';
import { validateRecipe, type Recipe } from '../core/transforms/recipe';
import { UsageError } from './errors';

/** Core validation errors about options ("sparsity must be in [0, 1)") are usage errors (exit 2). */
export function checkRecipe(recipe: Recipe): Recipe {
  try {
    return validateRecipe(recipe);
  } catch (e) {
    if (isParetoError(e) && e.code === 'bad-input') throw new UsageError(e.message);
    throw e;
  }
}
