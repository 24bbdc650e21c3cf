import { studio } from '../../state/store';
import { useStudio } from '../../state/hooks';
import type { LoadedModel } from '../../state/models';
import { ExportButtons } from './ExportButtons';

/** The Benchmark view's export: this model's results (and the cost scenario) as JSON, CSV or Markdown. */
export function BenchExport({ model }: { model: LoadedModel }) {
  const done = useStudio((s) => s.benchRuns.some((r) => r.modelId === model.id && r.cells.some((c) => c.status === 'done')));
  if (!done) return null;
  return (
    <div className="bench-export">
      <ExportButtons report={async () => (await import('../../state/report')).reportOfState(studio.getState(), { modelId: model.id })} label="Export the results" />
    </div>
  );
}
