import type { LoadedModel } from '../../state/models';
import { RecipeForm } from './RecipeForm';
import { VariantsTable } from './VariantsTable';

export function OptimizePanel({ model }: { model: LoadedModel }) {
  return (
    <section className="panel" data-testid="optimize">
      <h3>Make cheaper variants</h3>
      <RecipeForm model={model} />
      <h4>Variants</h4>
      <VariantsTable model={model} />
    </section>
  );
}
