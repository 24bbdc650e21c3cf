import { useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { COST_PARTS } from '../../core/cost/result';
import type { FeasibleCell, TcoResult } from '../../core/cost/tco';
import { ChartExport } from './ChartExport';
import { money, num } from './format';

const PART_COLORS: Record<(typeof COST_PARTS)[number], string> = {
  compute: '#3b6ea5',
  storage: '#7fd1b9',
  network: '#e3a857',
  energy: '#c4574f',
  maintenance: '#8c7ab8',
};
export const SERIES = ['#3b6ea5', '#c4574f', '#2f8f6b', '#e3a857', '#8c7ab8', '#4fa3c4', '#b36b9c', '#6b7f3a', '#d17a22', '#5d6b7c'];

const MAX_SERIES = 10;

const moneyTick = (x: number) => (Math.abs(x) >= 1000 ? `$${num(x / 1000)}k` : `$${num(x)}`);

/** Monthly cost by part (stacked bar) and cost per 1M against traffic, for every feasible variant × target. */
export default function CostCharts({ r }: { r: TcoResult }) {
  const barRef = useRef<HTMLDivElement>(null);
  const lineRef = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState<string>('auto');
  const all: { key: string; label: string; variant: string; targetId: string; c: FeasibleCell }[] = [];
  r.targets.forEach((t, j) =>
    r.variants.forEach((v) => {
      const c = v.cells[j];
      if (c.feasible) all.push({ key: `${v.id}@${t.id}`, label: r.variants.length > 1 ? `${v.name} · ${t.name}` : t.name, variant: v.name, targetId: t.id, c });
    }),
  );
  if (all.length === 0) return null;
  // Many variants × targets make unreadable charts: then one target at a time (the user picks which).
  const withCells = r.targets.filter((t) => all.some((x) => x.targetId === t.id));
  const target = shown === 'auto' ? (all.length > MAX_SERIES ? withCells[0].id : 'all') : shown;
  const cells = target === 'all' ? all : all.filter((x) => x.targetId === target).map((x) => ({ ...x, label: x.variant }));
  const where = target === 'all' ? '' : ` on ${r.targets.find((t) => t.id === target)?.name ?? target}`;
  const bars = cells.map(({ label, c }) => ({ label, ...Object.fromEntries(COST_PARTS.map((p) => [p, c.monthly[p]])), total: c.monthly.total }));
  const lines = cells[0].c.chart.map((p, k) => ({
    rps: p.averageRps,
    ...Object.fromEntries(cells.map(({ key, c }) => [key, c.chart[k]?.costPer1M])),
  }));
  const barHeight = Math.max(160, cells.length * 30 + 70);
  const lineLegend = cells.map(({ label }, i) => ({ label, color: SERIES[i % SERIES.length], mark: 'line' as const }));
  return (
    <div className="cost-charts">
      {withCells.length > 1 && (
        <div className="cost-row cost-chart-filter">
          <label className="small">
            Charts show{' '}
            <select value={target} onChange={(e) => setShown(e.target.value)} data-testid="cost-chart-target">
              <option value="all">every target{all.length > MAX_SERIES ? ' (crowded)' : ''}</option>
              {withCells.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
    <div className="grid-2">
      <div className="panel">
        <div className="cost-chart-head">
          <h4>Monthly cost by part{where}</h4>
          <ChartExport
            target={barRef}
            title={`Monthly cost by part${where} (USD)`}
            subtitle={r.name ?? undefined}
            legend={COST_PARTS.map((p) => ({ label: p, color: PART_COLORS[p] }))}
            name="monthly-cost-by-part"
          />
        </div>
        <div ref={barRef} className="cost-chart-box" style={{ width: '100%', height: barHeight }} data-testid="chart-parts">
          <ResponsiveContainer>
            <BarChart data={bars} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }}>
              <CartesianGrid horizontal={false} stroke="#eef1f5" />
              <XAxis type="number" tickFormatter={moneyTick} fontSize={11} />
              <YAxis type="category" dataKey="label" width={190} fontSize={11} interval={0} />
              <Tooltip formatter={(v) => money(Number(v))} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {COST_PARTS.map((p) => (
                <Bar key={p} dataKey={p} stackId="cost" fill={PART_COLORS[p]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </div>
      <div className="panel">
        <div className="cost-chart-head">
          <h4>Cost per 1M inferences against traffic{where}</h4>
          <ChartExport
            target={lineRef}
            title={`Cost per 1M inferences against traffic${where}`}
            subtitle="x: average requests/s (log); y: USD per 1M inferences (log)"
            legend={lineLegend}
            name="cost-per-1m-vs-traffic"
          />
        </div>
        <div ref={lineRef} className="cost-chart-box" style={{ width: '100%', height: 300 }} data-testid="chart-traffic">
          <ResponsiveContainer>
            <LineChart data={lines} margin={{ left: 8, right: 24, top: 4, bottom: 16 }}>
              <CartesianGrid stroke="#eef1f5" />
              <XAxis
                dataKey="rps"
                type="number"
                scale="log"
                domain={['dataMin', 'dataMax']}
                tickFormatter={(x: number) => num(x)}
                fontSize={11}
                label={{ value: 'average requests/s (log scale)', position: 'insideBottom', offset: -10, fontSize: 11 }}
              />
              <YAxis type="number" scale="log" domain={['auto', 'auto']} tickFormatter={moneyTick} fontSize={11} width={70} />
              <Tooltip formatter={(v) => money(Number(v))} labelFormatter={(x) => `${num(Number(x))} requests/s on average`} />
              <ReferenceLine x={r.traffic.averageRps} stroke="#5d6b7c" strokeDasharray="4 3" label={{ value: 'now', position: 'top', fontSize: 11 }} />
              {cells.map(({ key, label }, i) => (
                <Line key={key} dataKey={key} name={label} stroke={SERIES[i % SERIES.length]} dot={false} strokeWidth={2} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
        <ul className="tradeoff-legend cost-line-legend">
          {lineLegend.map((l) => (
            <li key={l.label}>
              <span className="mark line" style={{ '--c': l.color } as React.CSSProperties} />
              {l.label}
            </li>
          ))}
        </ul>
      </div>
    </div>
    </div>
  );
}
