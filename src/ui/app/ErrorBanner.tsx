import { dismissError } from '../../state/actions';
import { useStudio } from '../../state/hooks';

export function ErrorBanner() {
  const error = useStudio((s) => s.error);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-error-code={error.code}>
      <div>
        <strong>Could not open {error.context}.</strong> {error.message}
        {error.details && error.details.length > 1 && (
          <ul>
            {error.details.slice(0, 8).map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        )}
      </div>
      <button className="link" onClick={dismissError} aria-label="Dismiss error">
        Dismiss
      </button>
    </div>
  );
}
