import { lazy, Suspense } from 'react';
import { X_METRICS, type TradeoffPoint, type XMetric } from '../../core/cost/tradeoff';
import { CATALOGUE } from '../../core/cost/catalogue';
import { patchDraft, selectComparison, selectTradeoff, selectTradeoffPoint, setTradeoff } from '../../state/cost-actions';
import { useStudio } from '../../state/hooks';
import { selectDegradedPoints } from '../../state/degraded';
import type { LoadedModel } from '../../state/models';
import { Field, pathLabel } from './Field';
import { hasSpread, joules, money, ms, num, pctValue, rangeText, savingText } from './format';
import { ScaleFields } from './TargetCard';
import { ScenarioInUse } from './ScenarioInUse';

const TradeoffChart = lazy(() => import('./TradeoffChart'));

const X_CHOICES: { x: XMetric; label: string }[] = [
  { x: 'cost', label: 'cost per 1M inferences' },
  { x: 'p50', label: 'p50 latency' },
  { x: 'p99', label: 'p99 latency' },
  { x: 'size', label: 'model size' },
  { x: 'energy', label: 'energy per inference' },
];

function Details({ p, degraded }: { p: TradeoffPoint; degraded?: string[] }) {
  return (
    <div className="panel tradeoff-details" data-testid="tradeoff-selected" data-id={p.id}>
      <div className="cost-chart-head">
        <h4>
          {p.recipe} <span className="muted">on {p.backend}</span>
          {p.isBaseline && <span className="badge">baseline</span>}
          {p.isCheapest && <span className="badge good">cheapest within floor</span>}
          {degraded && <span className="badge bad" title={degraded.join('\n')}>degraded</span>}
        </h4>
        <button className="link" onClick={() => selectTradeoffPoint(null)}>
          Clear selection
        </button>
      </div>
      <table className="kv">
        <tbody>
          <tr>
            <th>{p.quality.label}</th>
            <td>
              {pctValue(p.y)}
              {p.quality.lower !== null && p.quality.upper !== null && ` (95% CI ${pctValue(p.quality.lower)} – ${pctValue(p.quality.upper)})`}
            </td>
          </tr>
          <tr>
            <th>Cost</th>
            <td>
              {p.feasible ? `${money(p.costPer1M)} per 1M · ${money(p.monthly)} per month · ${p.instances} instance${p.instances === 1 ? '' : 's'}` : `infeasible: ${p.reason}`}
              {p.range && (
                <div className="small muted" data-testid="tradeoff-range">
                  {hasSpread(p.range)
                    ? `${rangeText(p.range.costPer1M)} per 1M · ${rangeText(p.range.monthly)} per month${p.range.instances ? ` · ${p.range.instances.low}–${p.range.instances.high} instances` : ''}: ${p.range.note}`
                    : p.range.note}
                </div>
              )}
            </td>
          </tr>
          {!p.isBaseline && p.feasible && (
            <tr>
              <th>Against the baseline</th>
              <td>{savingText(p.savings)}</td>
            </tr>
          )}
          <tr>
            <th>Throughput on the target</th>
            <td>
              {p.itemsPerSecond !== null ? `${num(p.itemsPerSecond)} items/s per instance at batch ${p.batchSize}` : '–'}
              {p.estimate && <span className="badge warn">estimate</span>}
              <div className="small muted">{p.throughputLabel}</div>
            </td>
          </tr>
          <tr>
            <th>Latency (measured here)</th>
            <td>
              p50 {ms(p.latency?.p50)}
              {p.latency?.medianCI && ` (${Math.round(p.latency.medianCI.level * 100)}% CI ${ms(p.latency.medianCI.lower)} – ${ms(p.latency.medianCI.upper)})`} · p99{' '}
              {ms(p.latency?.p99)} at batch {p.latency?.batch ?? '–'}
            </td>
          </tr>
          <tr>
            <th>Model size</th>
            <td>{num(p.sizeMB)} MB</td>
          </tr>
          <tr>
            <th>Energy per inference</th>
            <td>{joules(p.energyJ)} on the target</td>
          </tr>
          {p.notes.length > 0 && (
            <tr>
              <th>Notes</th>
              <td>{p.notes.join('; ')}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Every benchmarked variant × backend as accuracy against cost (or latency, size, energy), with the frontier and the floor. */
export function TradeoffPanel({ model, onOpenCosts }: { model: LoadedModel; onOpenCosts?: () => void }) {
  const r = useStudio(selectTradeoff(model.id));
  const degraded = useStudio(selectDegradedPoints(model.id));
  const cmp = useStudio(selectComparison(model.id));
  const modelCount = useStudio((s) => s.models.length);
  const settings = useStudio((s) => s.tradeoff);
  const d = useStudio((s) => s.costDraft);
  const ti = r.status === 'ok' || r.status === 'invalid' ? r.targetIndex : Math.max(0, d.targets.findIndex((t) => t.id === settings.targetId));
  const target = d.targets[ti];
  const errors = r.status === 'invalid' ? r.fieldErrors : {};
  const targetName = (i: number) => {
    const t = d.targets[i];
    return t.name.trim() || (t.kind === 'cloud' ? (CATALOGUE.find((c) => c.id === t.instance)?.name ?? `cloud target ${i + 1}`) : `${t.kind} target ${i + 1}`);
  };
  const labels = r.status === 'ok' ? [...new Set(r.points.map((p) => p.throughputLabel))] : [];
  const derivation = labels.length ? labels.join('; ') : undefined;
  const selected = r.status === 'ok' ? r.points.find((p) => p.id === settings.selected) : undefined;
  return (
    <section className="panel" data-testid="tradeoff">
      <div className="cost-head">
        <div>
          <h3>Trade-off</h3>
          <p className="small muted">
            Each benchmarked variant on each backend, costed with the traffic, SLO and prices of the Costs view
            {onOpenCosts && (
              <>
                {' '}
                (
                <button className="link" onClick={onOpenCosts} data-testid="open-costs">
                  edit them
                </button>
                )
              </>
            )}
            . Throughput comes from the benchmark on this machine, scaled to the target as shown.
          </p>
        </div>
      </div>
      <ScenarioInUse />
      <div className="recipe tradeoff-controls">
        <div className="cost-row">
          <div className="cost-field">
            <label>
              X axis
              <select value={settings.x} onChange={(e) => setTradeoff({ x: e.target.value as XMetric })} aria-label="X axis" data-testid="tradeoff-x">
                {X_CHOICES.map((c) => (
                  <option key={c.x} value={c.x}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="cost-field">
            <label>
              Costed on
              <select value={target?.id ?? ''} onChange={(e) => setTradeoff({ targetId: e.target.value })} aria-label="Costed on" data-testid="tradeoff-target">
                {d.targets.map((t, i) => (
                  <option key={t.id} value={t.id}>
                    {targetName(i)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <Field
            label="Accuracy floor: at most this many points below the baseline"
            unit="points"
            path="accuracyFloor.maxDropPoints"
            value={d.floorPoints}
            onChange={(v) => patchDraft({ floorPoints: v })}
            errors={errors}
            placeholder="none"
            wide
          />
          {modelCount > 1 && (
            <label className="cost-field checkbox">
              <input type="checkbox" checked={settings.compareModels} onChange={(e) => setTradeoff({ compareModels: e.target.checked })} data-testid="tradeoff-compare-models" />{' '}
              Compare every opened model benchmarked on the same data
            </label>
          )}
        </div>
        {(cmp.notes.length > 0 || cmp.leftOut.length > 0) && (
          <ul className="small" data-testid="tradeoff-compare-notes">
            {cmp.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
            {cmp.leftOut.map((l) => (
              <li key={l.model}>
                {l.model} is not on this chart: {l.why}.
              </li>
            ))}
          </ul>
        )}
        {target && <ScaleFields t={target} i={ti} errors={errors} derivation={derivation ? `Throughput on ${targetName(ti)}: ${derivation}.` : undefined} />}
      </div>

      {r.status === 'empty' && (
        <p className="muted" data-testid="tradeoff-empty">
          {r.message}
        </p>
      )}
      {r.status === 'invalid' && (
        <div data-testid="tradeoff-invalid">
          <p className="field-error">The costs cannot be worked out yet:</p>
          <ul className="cost-errors">
            {r.errors
              .filter((e) => !/^targets\.\d+\.scale/.test(e.path) && e.path !== 'accuracyFloor.maxDropPoints')
              .map((e) => (
                <li key={e.path} className="field-error">
                  {pathLabel(e.path)}: {e.message}
                </li>
              ))}
          </ul>
        </div>
      )}
      {r.status === 'ok' && (
        <>
          {r.floor !== null && (
            <div className={`tradeoff-callout${r.cheapest ? '' : ' none'}`} data-testid="tradeoff-cheapest">
              {r.cheapest ? (
                <>
                  Cheapest within {num(r.floorPoints)} point{r.floorPoints === 1 ? '' : 's'} of the baseline (at least {pctValue(r.floor)}):{' '}
                  <strong>
                    {r.cheapest.recipe} on {r.cheapest.backend}
                  </strong>
                  , {money(r.cheapest.costPer1M)} per 1M on {r.target.name}:{' '}
                  <strong data-testid="tradeoff-saving">{r.cheapest.isBaseline ? 'the baseline itself' : savingText(r.cheapest.savings)}</strong>
                  {!r.cheapest.isBaseline && ' against the baseline'}.
                </>
              ) : (
                <>No variant is within {num(r.floorPoints)} points of the baseline ({pctValue(r.floor)}) and feasible on {r.target.name}.</>
              )}
            </div>
          )}
          <Suspense fallback={<div style={{ height: 420 }} />}>
            <TradeoffChart
              points={r.points}
              frontier={r.frontier}
              x={r.x}
              xLabel={r.xLabel}
              yLabel={r.yLabel}
              floor={r.floor}
              selected={settings.selected}
              degraded={degraded}
              title={`${model.name}: ${r.yKind} against ${X_METRICS[r.x].label.toLowerCase()}`}
              subtitle={`${r.xLabel} · throughput ${derivation ?? ''}`.slice(0, 160)}
            />
          </Suspense>
          {selected && <Details p={selected} degraded={degraded[selected.id]?.reasons} />}
          <table className="table" data-testid="tradeoff-table">
            <thead>
              <tr>
                <th>variant</th>
                <th>backend</th>
                <th className="num">{r.yKind}</th>
                <th className="num">per 1M</th>
                <th className="num">per month</th>
                <th className="num">vs baseline</th>
                <th className="num">p50 / p99</th>
                <th className="num">size</th>
                <th className="num">energy</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {r.points.map((p) => (
                <tr
                  key={p.id}
                  data-testid="tradeoff-row"
                  data-id={p.id}
                  data-recipe={p.recipe}
                  data-cheapest={String(p.isCheapest)}
                  data-baseline={String(p.isBaseline)}
                  data-degraded={String(p.id in degraded)}
                  data-y={p.y}
                  data-cost={p.costPer1M ?? ''}
                  className={`${p.dominated ? 'dim' : ''} ${p.id === settings.selected ? 'selected' : ''}`}
                >
                  <td>
                    <button className="link plain" onClick={() => selectTradeoffPoint(p.id)}>
                      {p.recipe}
                    </button>
                    {p.isBaseline && <span className="badge">baseline</span>}
                    {p.onFrontier && <span className="badge">frontier</span>}
                    {p.isCheapest && <span className="badge good">cheapest within floor</span>}
                    {degraded[p.id] && (
                      <span className="badge bad" data-testid="degraded-badge" title={degraded[p.id].reasons.join('\n')}>
                        degraded
                      </span>
                    )}
                  </td>
                  <td>{p.backend}</td>
                  <td className="num">{pctValue(p.y)}</td>
                  <td className="num">
                    {p.feasible ? money(p.costPer1M) : 'infeasible'}
                    {hasSpread(p.range) && <div className="small muted">{rangeText(p.range?.costPer1M)}</div>}
                  </td>
                  <td className="num">
                    {money(p.monthly)}
                    {hasSpread(p.range) && (
                      <div className="small muted" data-testid="tradeoff-monthly-range">
                        {rangeText(p.range?.monthly)}
                      </div>
                    )}
                  </td>
                  <td className="num" data-measurable={p.savings ? String(p.savings.difference.measurable) : undefined}>
                    {p.isBaseline ? '—' : savingText(p.savings)}
                  </td>
                  <td className="num">
                    {ms(p.latency?.p50)} / {ms(p.latency?.p99)}
                  </td>
                  <td className="num">{num(p.sizeMB)} MB</td>
                  <td className="num">{joules(p.energyJ)}</td>
                  <td>{p.estimate && <span className="badge warn" title={p.throughputLabel}>estimate</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(r.notes.length > 0 || r.warnings.length > 0) && (
            <ul className="cost-warnings" data-testid="tradeoff-notes">
              {[...r.notes, ...r.warnings].map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
