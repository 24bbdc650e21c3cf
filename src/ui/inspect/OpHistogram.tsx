import type { ModelSummary } from '../../core/inspect/summary';

/**
 * The op-type histogram as plain bars (no chart library: a summary must render in a few milliseconds, and this
 * is a ranked list with lengths, which HTML draws well).
 */
export function OpHistogram({ ops }: { ops: ModelSummary['ops'] }) {
  const max = Math.max(1, ...ops.map((o) => o.count));
  return (
    <div data-testid="op-histogram">
      <ul className="op-bars">
        {ops.map((o) => {
          const label = o.domain ? `${o.domain}.${o.opType}` : o.opType;
          return (
            <li key={`${o.domain}:${o.opType}`} data-op={o.opType}>
              <span className="op-name" title={label}>{label}</span>
              <span className="op-bar" style={{ width: `${(o.count / max) * 100}%` }} />
              <span className="op-count">× {o.count}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
