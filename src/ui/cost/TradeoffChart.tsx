import { useRef } from 'react';
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { TradeoffPoint, XMetric } from '../../core/cost/tradeoff';
import { selectTradeoffPoint } from '../../state/cost-actions';
import { ChartExport } from './ChartExport';
import type { LegendEntry } from './export';
import { SERIES } from './CostCharts';
import { hasSpread, joules, money, ms, num, pctValue, rangeText, savingText } from './format';

export interface TradeoffChartProps {
  points: TradeoffPoint[];
  frontier: string[];
  x: XMetric;
  xLabel: string;
  yLabel: string;
  floor: number | null;
  selected: string | null;
  /** Degraded variants' points (their fidelity verdict), marked as the variants list marks them. */
  degraded?: Readonly<Record<string, { reasons: string[] }>>;
  title: string;
  subtitle: string;
}

const GOOD = '#2f8f6b';
const INK = '#1b2430';

function formatX(x: XMetric, v: number | null): string {
  if (v === null) return '–';
  switch (x) {
    case 'cost':
      return money(v);
    case 'p50':
    case 'p99':
      return ms(v);
    case 'size':
      return `${num(v)} MB`;
    case 'energy':
      return joules(v);
  }
}

/** Colour per recipe, the same in the chart, its legend and the table. */
function recipeColors(points: TradeoffPoint[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of points) if (!m.has(p.recipe)) m.set(p.recipe, p.recipe.includes('original (float)') ? '#5d6b7c' : SERIES[m.size % SERIES.length]);
  return m;
}

type Datum = TradeoffPoint & { color: string; selected: boolean; degraded: string[] | null };

const BAD = '#c0392b';

function PointTooltip({ active, payload, x }: { active?: boolean; payload?: readonly { payload?: unknown }[]; x: XMetric }) {
  const p = payload?.[0]?.payload as Datum | undefined;
  if (!active || !p) return null;
  return (
    <div className="tradeoff-tooltip" data-testid="tradeoff-tooltip">
      <strong>{p.recipe}</strong> <span className="muted">on {p.backend}</span>
      {p.isBaseline && <span className="badge">baseline</span>}
      <div>
        {p.quality.label}: {pctValue(p.y)}
        {p.quality.lower !== null && p.quality.upper !== null && (
          <span className="muted">
            {' '}
            [{pctValue(p.quality.lower)}, {pctValue(p.quality.upper)}]
          </span>
        )}
      </div>
      <div>cost per 1M: {money(p.costPer1M)} · per month: {money(p.monthly)}</div>
      {hasSpread(p.range) && (
        <div className="muted" data-testid="tradeoff-tooltip-range">
          range from the latency CI: {rangeText(p.range?.costPer1M)} per 1M · {rangeText(p.range?.monthly)} per month
        </div>
      )}
      <div>
        p50 {ms(p.latency?.p50)} · p99 {ms(p.latency?.p99)} at batch {p.latency?.batch ?? '–'} (measured here)
      </div>
      <div>
        size {num(p.sizeMB)} MB · energy {joules(p.energyJ)} per inference
      </div>
      {!p.isBaseline && p.savings && <div>{savingText(p.savings)} against the baseline</div>}
      {x !== 'cost' && <div className="muted">x: {formatX(x, p.x)}</div>}
      {p.degraded && <div className="bad" data-testid="tradeoff-tooltip-degraded">degraded: {p.degraded.join('; ')}</div>}
      {p.dominated && <div className="muted">dominated: another point is at least as good on both axes</div>}
      <div className="muted small">Click to select</div>
    </div>
  );
}

function PointShape(props: unknown) {
  const { cx, cy, payload } = props as { cx?: number; cy?: number; payload?: Datum };
  if (cx === undefined || cy === undefined || !payload || !Number.isFinite(cx) || !Number.isFinite(cy)) return <g />;
  const p = payload;
  const opacity = p.dominated ? 0.35 : 1;
  const stroke = p.selected ? INK : '#ffffff';
  const sw = p.selected ? 2.5 : 1.2;
  return (
    <g
      className="tradeoff-point"
      data-testid="tradeoff-point"
      data-id={p.id}
      data-recipe={p.recipe}
      data-backend={p.backend}
      data-dominated={String(p.dominated)}
      data-frontier={String(p.onFrontier)}
      data-baseline={String(p.isBaseline)}
      data-cheapest={String(p.isCheapest)}
      data-selected={String(p.selected)}
      data-degraded={String(p.degraded !== null)}
      onClick={() => selectTradeoffPoint(p.id)}
      style={{ cursor: 'pointer' }}
    >
      {p.isCheapest && <circle cx={cx} cy={cy} r={12} fill="none" stroke={GOOD} strokeWidth={2.5} />}
      {p.degraded && <circle cx={cx} cy={cy} r={10} fill="none" stroke={BAD} strokeWidth={2} strokeDasharray="3 2" />}
      {p.isBaseline ? (
        <path className="tradeoff-marker" d={`M${cx} ${cy - 8} L${cx + 8} ${cy} L${cx} ${cy + 8} L${cx - 8} ${cy} Z`} fill={p.color} fillOpacity={opacity} stroke={stroke} strokeWidth={sw} />
      ) : (
        <circle className="tradeoff-marker" cx={cx} cy={cy} r={6.5} fill={p.color} fillOpacity={opacity} stroke={stroke} strokeWidth={sw} strokeOpacity={p.dominated && !p.selected ? 0.5 : 1} />
      )}
      {p.isBaseline && (
        <text x={cx + 11} y={cy - 8} fontSize={11} fill={INK}>
          baseline
        </text>
      )}
      {p.isCheapest && (
        <text x={cx + 14} y={cy + 16} fontSize={11} fontWeight={600} fill={GOOD}>
          cheapest ≥ floor
        </text>
      )}
    </g>
  );
}

const Nothing = () => <g />;

/** About 5 round ticks covering [lo, hi] (padded by `pad` of the span), kept within [min, max]. */
function niceTicks(lo: number, hi: number, min: number, max: number, pad = 0): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [min, Number.isFinite(max) ? max : 1];
  let span = hi - lo;
  if (!(span > 0)) span = Math.abs(hi) * 0.2 || 1;
  const a = Math.max(min, lo - span * pad);
  const b = Math.min(max, hi + span * pad);
  const raw = (b - a || span) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.max(min, Math.floor(a / step) * step);
  const last = Math.min(max, Math.ceil(b / step) * step);
  const ticks: number[] = [];
  for (let t = first; t <= last + step * 1e-9 && ticks.length < 50; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks.length < 2) ticks.push(Number((first + step).toPrecision(12)));
  return ticks;
}

/** Accuracy (or fidelity) against cost, latency, size or energy: every variant × backend, the frontier drawn. */
export default function TradeoffChart({ points, frontier, x, xLabel, yLabel, floor, selected, degraded = {}, title, subtitle }: TradeoffChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const colors = recipeColors(points);
  // Highlighted points are drawn last, on top of any point at the same place (so they can be hovered and clicked).
  const rank = (p: Datum) => (p.selected ? 8 : 0) + (p.isCheapest ? 4 : 0) + (p.isBaseline ? 2 : 0) + (p.onFrontier ? 1 : 0);
  const data: Datum[] = points
    .filter((p) => p.x !== null)
    .map((p) => ({ ...p, color: colors.get(p.recipe) ?? SERIES[0], selected: p.id === selected, degraded: degraded[p.id]?.reasons ?? null }))
    .sort((a, b) => rank(a) - rank(b));
  const front = frontier.map((id) => data.find((p) => p.id === id)).filter((p): p is Datum => Boolean(p));
  const ys = [...data.map((p) => p.y), ...(floor !== null ? [floor] : [])];
  const yTicks = niceTicks(Math.min(...ys) - 0.3, Math.max(...ys) + 0.3, 0, 100);
  const xs = data.map((p) => p.x as number);
  const xTicks = niceTicks(Math.min(...xs), Math.max(...xs), 0, Infinity, 0.12);
  const legend: LegendEntry[] = [
    ...[...colors].map(([label, color]) => ({ label, color })),
    { label: 'Pareto frontier', color: GOOD, mark: 'line' as const },
    { label: 'baseline (original)', color: '#5d6b7c', mark: 'diamond' as const },
    ...(floor !== null ? [{ label: 'cheapest meeting the floor', color: GOOD, mark: 'ring' as const }] : []),
    ...(data.some((p) => p.degraded) ? [{ label: 'degraded (fidelity below threshold)', color: BAD, mark: 'ring' as const }] : []),
  ];
  return (
    <div>
      <div className="cost-chart-head">
        <ul className="tradeoff-legend" data-testid="tradeoff-legend">
          {legend.map((l) => (
            <li key={l.label} data-degraded={l.label.startsWith('degraded') ? 'true' : undefined}>
              <span className={`mark ${l.mark ?? 'dot'}`} style={{ '--c': l.color } as React.CSSProperties} />
              {l.label}
            </li>
          ))}
          <li className="muted">dimmed: dominated</li>
        </ul>
        <ChartExport target={ref} title={title} subtitle={subtitle} legend={legend} name={`tradeoff-${x}`} />
      </div>
      <div ref={ref} className="cost-chart-box" style={{ width: '100%', height: 380 }} data-testid="tradeoff-chart">
        <ResponsiveContainer>
          <ScatterChart margin={{ left: 12, right: 40, top: 16, bottom: 28 }}>
            <CartesianGrid stroke="#eef1f5" />
            <XAxis
              type="number"
              dataKey="x"
              name={xLabel}
              domain={[xTicks[0], xTicks[xTicks.length - 1]]}
              ticks={xTicks}
              tickFormatter={(v: number) => formatX(x, v)}
              fontSize={11}
              label={{ value: xLabel, position: 'insideBottom', offset: -16, fontSize: 12, fill: INK }}
            />
            <YAxis
              type="number"
              dataKey="y"
              name={yLabel}
              domain={[yTicks[0], yTicks[yTicks.length - 1]]}
              ticks={yTicks}
              tickFormatter={(v: number) => `${num(v, 4)}%`}
              fontSize={11}
              width={64}
              label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: 0, fontSize: 12, fill: INK, style: { textAnchor: 'middle' } }}
            />
            <Tooltip content={(props) => <PointTooltip active={props.active} payload={props.payload as readonly { payload?: unknown }[]} x={x} />} cursor={{ strokeDasharray: '3 3' }} />
            {floor !== null && (
              <ReferenceLine y={floor} stroke={GOOD} strokeDasharray="5 4" label={{ value: `floor ${num(floor, 4)}%`, position: 'insideBottomRight', fontSize: 11, fill: GOOD }} />
            )}
            <Scatter name="frontier" data={front} line={{ stroke: GOOD, strokeWidth: 2 }} shape={Nothing} isAnimationActive={false} legendType="none" />
            <Scatter name="variants" data={data} shape={PointShape} isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
