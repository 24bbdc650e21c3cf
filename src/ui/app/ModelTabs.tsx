import { closeModel, selectModel } from '../../state/actions';
import { useStudio } from '../../state/hooks';

export function ModelTabs() {
  const models = useStudio((s) => s.models);
  const active = useStudio((s) => s.activeModelId);
  if (models.length < 2) return null;
  return (
    <nav className="tabs" aria-label="Open models">
      {models.map((m) => (
        <span key={m.id} className={m.id === active ? 'tab active' : 'tab'}>
          <button className="tab-label" onClick={() => selectModel(m.id)} aria-current={m.id === active}>
            {m.name}
          </button>
          <button className="tab-close" onClick={() => closeModel(m.id)} aria-label={`Close ${m.name}`}>
            ×
          </button>
        </span>
      ))}
    </nav>
  );
}
