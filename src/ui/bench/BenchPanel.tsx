import type { LoadedModel } from '../../state/models';
import { BenchForm } from './BenchForm';
import { BenchResults } from './BenchResults';
import { BenchExport } from '../report/BenchExport';

export function BenchPanel({ model }: { model: LoadedModel }) {
  return (
    <section className="panel" data-testid="bench">
      <h3>Benchmark</h3>
      <BenchForm model={model} />
      <h4>Results</h4>
      <BenchResults model={model} />
      <BenchExport model={model} />
    </section>
  );
}
