import { lazy, Suspense } from 'react';
import { JsonFileButton } from '../app/JsonFileButton';
import { DRAFT_PATHS } from '../../core/cost/draft';
import { activeModel } from '../../state/actions';
import {
  applyBenchmarkToCalculator,
  importScenarioText,
  loadExampleScenario,
  patchDraft,
  scenarioJson,
  selectCandidates,
  selectCostEvaluation,
  startBlankScenario,
} from '../../state/cost-actions';
import { useStudio } from '../../state/hooks';
import { CostResults } from './CostResults';
import { downloadFile } from './export';
import { ErrorList, pathLabel } from './Field';
import { ScenarioInUse } from './ScenarioInUse';
import { ScenarioTabs } from './ScenarioTabs';
import { EnergyFields, StorageFields, TargetsSection, TrafficFields, VariantsTable } from './ScenarioForm';

const ScenarioCompare = lazy(() => import('./ScenarioCompare'));

const TOP_PATHS = new Set<string>([...Object.values(DRAFT_PATHS), 'accuracyFloor', 'targets']);
const SHOWN = [
  /^variants\.\d+\.(name|accuracy|modelSizeMB|throughput\.(itemsPerSecond|p99Ms|batchSize)|throughput\.perTarget\.[^.]+\.itemsPerSecond)$/,
  /^targets\.\d+\.(instance|pricing\.model|pricing\.discount|hourlyPrice|purchasePrice|lifetimeYears|residualFraction|powerIdleW|powerMaxW|colocationPerKWMonth|opexPerYear|vcpus|accelerator|devices|cores|pue|scale|scale\.factor|scale\.derivation|scale\.latencyFactor)$/,
];
const NO_EMPTY = ['', 'variants.0', 'targets.0'];

/** Whether a field of the form shows errors at `path` (the others are listed above the results). */
const shownByField = (path: string, anyMeasured: boolean) =>
  TOP_PATHS.has(path) || SHOWN.some((re) => re.test(path) && (anyMeasured || !/\.scale/.test(path)));

/** The TCO calculator: works with no model at all, from typed figures, or with a benchmark's measurements. */
export function CostsPanel() {
  const d = useStudio((s) => s.costDraft);
  const ev = useStudio(selectCostEvaluation);
  const importErrors = useStudio((s) => s.costImportErrors);
  const model = useStudio(activeModel);
  const candidates = useStudio(model ? selectCandidates(model.id) : () => NO_CANDIDATES);
  const scenarioCount = useStudio((s) => s.scenarios.length);
  const errors = ev.ok ? {} : ev.fieldErrors;
  const anyMeasured = d.variants.some((v) => v.source === 'measured');
  const derivations: Record<string, string> = {};
  if (ev.ok) {
    ev.result.targets.forEach((t, j) => {
      const c = ev.result.variants.map((v) => v.cells[j]).find((x) => x.throughput.scale);
      if (c?.throughput.scale) derivations[t.id] = `Measured throughput here: ${c.throughput.label}.`;
    });
  }
  const count = Object.keys(errors).length;
  return (
    <>
      <section className="panel" data-testid="costs">
        <div className="cost-head">
          <div>
            <h3>Costs</h3>
            <p className="small muted">
              What it costs to serve each variant on a cloud instance, your own hardware or your users' devices: compute, storage, network, energy and
              maintenance. Empty fields with a source take the default shown; nothing leaves this machine.
            </p>
          </div>
          <div className="cost-toolbar">
            <button className="small-button" onClick={loadExampleScenario} data-testid="cost-example">
              Example
            </button>
            <button className="small-button" onClick={startBlankScenario} data-testid="cost-blank">
              Start blank
            </button>
            <JsonFileButton
              label="Import JSON…"
              className="small-button"
              testId="cost-import"
              inputTestId="cost-import-input"
              onFile={(f) => void f.text().then((text) => importScenarioText(f.name, text))}
            />
            <button className="small-button" onClick={() => downloadFile(scenarioJson(), 'scenario.json', 'application/json')} data-testid="cost-export-json">
              Export JSON
            </button>
            {model && candidates.length > 0 && (
              <button className="small-button" onClick={() => applyBenchmarkToCalculator(model.id)} data-testid="cost-use-bench" title="Replace the variants with the measured ones, and follow later benchmarks">
                Use the benchmark of {model.name}
              </button>
            )}
          </div>
        </div>
        <ScenarioTabs />
        <ScenarioInUse />
        {importErrors && (
          <div className="error-banner" role="alert" data-testid="cost-import-errors">
            <div>
              <strong>Could not import {importErrors.file}:</strong> the form is unchanged.
              <ul>
                {importErrors.errors.slice(0, 12).map((e) => (
                  <li key={`${e.path}:${e.message}`}>
                    {pathLabel(e.path)}: {e.message}
                  </li>
                ))}
              </ul>
            </div>
          </div>
        )}
        <div className="recipe cost-form">
          <div className="name-row">
            <label>
              Scenario name
              <input value={d.name} onChange={(e) => patchDraft({ name: e.target.value })} placeholder="optional" data-field="name" />
            </label>
          </div>
          <div className="recipe-cols">
            <TrafficFields d={d} errors={errors} />
            <StorageFields d={d} errors={errors} />
            <EnergyFields d={d} errors={errors} />
          </div>
          <VariantsTable d={d} errors={errors} />
          <TargetsSection d={d} errors={errors} derivations={derivations} />
        </div>
      </section>
      <section className="panel" data-testid="cost-results-panel">
        <h3>Results</h3>
        {ev.ok ? (
          <CostResults r={ev.result} />
        ) : (
          <div data-testid="cost-invalid">
            <p className="field-error">
              {count} field{count === 1 ? ' needs' : 's need'} fixing before the costs can be worked out; each says why next to it.
            </p>
            <ErrorList errors={errors} shown={(p) => shownByField(p, anyMeasured) && !NO_EMPTY.includes(p)} label={pathLabel} />
          </div>
        )}
      </section>
      {scenarioCount > 1 && (
        <Suspense fallback={<p className="muted">Loading the comparison…</p>}>
          <ScenarioCompare />
        </Suspense>
      )}
    </>
  );
}

const NO_CANDIDATES: never[] = [];
