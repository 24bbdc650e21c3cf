import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ModelSummary } from '../../core/inspect/summary';

export function OpHistogram({ ops }: { ops: ModelSummary['ops'] }) {
  const data = ops.slice(0, 24).map((o) => ({ op: o.domain ? `${o.domain}.${o.opType}` : o.opType, count: o.count }));
  return (
    <div data-testid="op-histogram">
      <div style={{ width: '100%', height: Math.max(120, data.length * 24 + 30) }}>
        <ResponsiveContainer>
          <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }}>
            <XAxis type="number" allowDecimals={false} fontSize={12} />
            <YAxis type="category" dataKey="op" width={150} fontSize={12} interval={0} />
            <Tooltip />
            <Bar dataKey="count" fill="#3b6ea5" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      {/* The same figures as text: readable without the chart and by tests. */}
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
