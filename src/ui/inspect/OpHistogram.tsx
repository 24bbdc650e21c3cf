import { lazy, Suspense } from 'react';
import type { ModelSummary } from '../../core/inspect/summary';

const OpChart = lazy(() => import('./OpChart'));

export function OpHistogram({ ops }: { ops: ModelSummary['ops'] }) {
  const data = ops.slice(0, 24).map((o) => ({ op: o.domain ? `${o.domain}.${o.opType}` : o.opType, count: o.count }));
  return (
    <div data-testid="op-histogram">
      <Suspense fallback={<div style={{ height: Math.max(120, data.length * 24 + 30) }} />}>
        <OpChart data={data} />
      </Suspense>
      {/* The same figures as text: readable without the chart, and by tests. */}
      <ul className="op-list">
        {ops.map((o) => (
          <li key={`${o.domain}:${o.opType}`} data-op={o.opType}>
            {o.domain ? `${o.domain}.` : ''}
            {o.opType} × {o.count}
          </li>
        ))}
      </ul>
    </div>
  );
}
