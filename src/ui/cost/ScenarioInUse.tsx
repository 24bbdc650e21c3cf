import { selectScenarioInUse } from '../../state/cost-actions';
import { useStudio } from '../../state/hooks';

/** Which of the workspace's scenarios Costs and Trade-off use, and where its figures come from. */
export function ScenarioInUse() {
  const u = useStudio(selectScenarioInUse);
  return (
    <p className="small scenario-in-use" data-testid="scenario-in-use" data-follows={u.followsBenchmark}>
      <strong>Scenario in use: {u.name}</strong>
      {u.count > 1 && ` (${u.index + 1} of ${u.count})`}. Variants: {u.figures}
      {u.followsBenchmark ? ', updated after each benchmark' : ''}. Traffic: {u.traffic}.
    </p>
  );
}
