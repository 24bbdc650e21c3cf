import { dismissSaveError } from '../../state/persist/persist';
import { useStudio } from '../../state/hooks';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const counts = (c: { models: number; variants: number; runs: number; scenarios: number }) =>
  `${plural(c.models, 'model')}, ${plural(c.variants, 'variant')}, ${plural(c.runs, 'benchmark run')}, ${plural(c.scenarios, 'cost scenario')}`;

/** What the kept workspace has to say: restored after a reload, models too large to keep, storage errors (never hidden). */
export function WorkspaceStatus() {
  const w = useStudio((s) => s.workspace);
  const models = useStudio((s) => s.models);
  const notKept = w.notKept.filter((n) => models.some((m) => m.id === n.id));
  return (
    <>
      {w.saveError && (
        <div className="error-banner" role="alert" data-testid="workspace-error">
          <div>
            <strong>Workspace not saved.</strong> {w.saveError}
          </div>
          <button className="link" onClick={dismissSaveError} aria-label="Dismiss the storage error">
            Dismiss
          </button>
        </div>
      )}
      {notKept.map((n) => (
        <div className="error-banner" role="alert" key={n.id} data-testid="workspace-not-kept">
          <div>{n.why}</div>
        </div>
      ))}
      {w.savedAt !== null && (
        <p className="visually-hidden" data-testid="workspace-saved" data-saved-at={w.savedAt} data-block-max-ms={w.saveBlock?.maxMs.toFixed(1)} data-block-median-ms={w.saveBlock?.medianMs.toFixed(1)} data-saves={w.saveBlock?.saves}>
          Workspace kept in this browser, saved at {new Date(w.savedAt).toLocaleTimeString()}{w.saved ? `: ${counts(w.saved)}` : ''}.
        </p>
      )}
      {w.restored && (
        <p className="small muted" data-testid="workspace-restored">
          Workspace restored from this browser's storage (saved {new Date(w.restored.savedAt).toLocaleString()}): {counts(w.restored)}.
          {w.restoreNotes.map((n) => (
            <span key={n} className="field-error">
              {' '}
              {n}
            </span>
          ))}
        </p>
      )}
    </>
  );
}
