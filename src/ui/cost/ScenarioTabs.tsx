import { addScenario, removeScenario, selectScenario } from '../../state/cost-actions';
import { useStudio } from '../../state/hooks';

/** The workspace's named scenarios: pick one to edit, copy it to try other figures, remove one. */
export function ScenarioTabs() {
  const scenarios = useStudio((s) => s.scenarios);
  const active = useStudio((s) => s.activeScenarioId);
  return (
    <nav className="tabs scenario-tabs" aria-label="Scenarios" data-testid="scenario-tabs">
      {scenarios.map((x, i) => (
        <span key={x.id} className={x.id === active ? 'tab active' : 'tab'}>
          <button className="tab-label" onClick={() => selectScenario(x.id)} aria-current={x.id === active} data-testid="scenario-tab">
            {x.draft.name.trim() || `Scenario ${i + 1}`}
          </button>
          {scenarios.length > 1 && (
            <button className="tab-close" onClick={() => removeScenario(x.id)} aria-label={`Remove scenario ${x.draft.name.trim() || i + 1}`}>
              ×
            </button>
          )}
        </span>
      ))}
      <button className="small-button" onClick={() => addScenario()} data-testid="scenario-add" title="A copy of this scenario, to change its traffic, targets or prices">
        + Another scenario (copy of this one)
      </button>
    </nav>
  );
}
