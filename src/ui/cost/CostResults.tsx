import { Fragment, lazy, Suspense, useState } from 'react';
import { COST_PARTS } from '../../core/cost/result';
import type { CellResult, FeasibleCell, TcoResult } from '../../core/cost/tco';
import { Cite } from './Field';
import { hasSpread, money, num, percent, rangeText, savingText } from './format';

const CostCharts = lazy(() => import('./CostCharts'));


function Trace({ c }: { c: FeasibleCell }) {
  return (
    <div className="cost-trace" data-testid="cost-trace">
      <table className="table compact">
        <tbody>
          {COST_PARTS.map((p) => (
            <tr key={p}>
              <th>{p}</th>
              <td className="num">{money(c.monthly[p])}/month</td>
              <td className="num">{money(c.yearly[p])}/year</td>
              <td className="num">{money(c.per1M[p])} per 1M</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted" data-testid="cost-range-note">
        Range: {c.range.basis === 'none' ? c.range.note : `${rangeText(c.range.monthly)} a month, ${rangeText(c.range.costPer1M)} per 1M: ${c.range.note}`}.
      </p>
      <h5>How it is computed</h5>
      <ul>
        {c.trace.map((l) => (
          <li key={l.key}>
            <strong>{l.label}</strong> = {l.formula} = {num(l.value, 6)} {l.unit}
          </li>
        ))}
      </ul>
      {c.warnings.length > 0 && (
        <ul className="cost-warnings">
          {c.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Row({ r, c, name, isBaseline, cheapest, frontier }: { r: TcoResult; c: CellResult; name: string; isBaseline: boolean; cheapest: boolean; frontier: boolean }) {
  const [open, setOpen] = useState(false);
  const head = (
    <td>
      {c.feasible ? (
        <button className="link plain" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? '▾' : '▸'} {name}
        </button>
      ) : (
        <span className="plain-name">{name}</span>
      )}
      {isBaseline && <span className="badge">baseline</span>}
      {frontier && <span className="badge" title="No other variant is both cheaper and more accurate here">frontier</span>}
      {cheapest && <span className="badge good">cheapest within floor</span>}
    </td>
  );
  if (!c.feasible) {
    return (
      <tr data-testid="cost-row" data-variant-id={c.variantId} data-target-id={c.targetId} data-feasible="false">
        {head}
        <td colSpan={8} className="bad-text">
          infeasible: {c.reason}
        </td>
      </tr>
    );
  }
  const th = c.throughput;
  const spread = hasSpread(c.range);
  /** The low–high under a figure, when the benchmark's noise gives it one. */
  const below = (text: string, col: string) =>
    spread ? (
      <div className="small muted" data-col={col} title={`low–high from the benchmark's latency: ${c.range.note}`}>
        {text}
      </div>
    ) : null;
  return (
    <>
      <tr data-testid="cost-row" data-variant-id={c.variantId} data-target-id={c.targetId} data-feasible="true" className={cheapest ? 'cost-cheapest' : undefined}>
        {head}
        <td className="cost-throughput" title={th.label}>
          {num(th.itemsPerSecond)} items/s{th.batchSize !== null && ` @ batch ${th.batchSize}`}
          {th.estimate && (
            <span className="badge warn" title={th.label} data-testid="estimate-badge">
              estimate
            </span>
          )}
          <div className="small muted cost-label-line">{th.label}</div>
        </td>
        <td className="num">
          <span data-col="instances">{c.instances ? c.instances.total : 'per user'}</span>
          {c.range.instances && c.range.instances.low !== c.range.instances.high && below(`${c.range.instances.low}–${c.range.instances.high}`, 'instances-range')}
        </td>
        <td className="num">
          <span data-col="monthly">{money(c.monthly.total)}</span>
          {below(rangeText(c.range.monthly), 'monthly-range')}
        </td>
        <td className="num">
          <span data-col="yearly">{money(c.yearly.total)}</span>
          {below(rangeText(c.range.yearly), 'yearly-range')}
        </td>
        <td className="num">
          <span data-col="per1M">{money(c.costPer1M)}</span>
          {below(rangeText(c.range.costPer1M), 'per1M-range')}
        </td>
        <td className="num" data-col="kwh" title={c.energy.paidBy === 'in-price' ? 'in the instance price' : c.energy.paidBy === 'users' ? 'paid by the users' : 'billed to you'}>
          {num(c.energy.kWhPerMonth)}
        </td>
        <td className="num" data-col="co2">{num(c.energy.kgCO2ePerMonth)}</td>
        <td className="num" data-col="savings" data-measurable={c.savings ? String(c.savings.difference.measurable) : undefined}>
          {isBaseline ? '—' : savingText(c.savings)}
        </td>
      </tr>
      {open && (
        <tr className="details">
          <td colSpan={9}>
            <Trace c={c} />
          </td>
        </tr>
      )}
    </>
  );
}

export function CostResults({ r }: { r: TcoResult }) {
  const name = (id: string) => r.variants.find((v) => v.id === id)?.name ?? id;
  const anyBreakEven = r.variants.some((v) => v.breakEven.length > 0);
  const warnings = [...new Set([...r.warnings, ...r.variants.flatMap((v) => v.cells.flatMap((c) => c.warnings))])];
  const best = r.targets.map((t, j) => {
    const cells = r.variants.map((v) => v.cells[j]).filter((c): c is FeasibleCell => c.feasible);
    return cells.sort((a, b) => a.monthly.total - b.monthly.total)[0];
  });
  return (
    <div data-testid="cost-results">
      <p className="small muted">
        {num(r.traffic.monthlyInferences)} inferences a month: {num(r.traffic.averageRps)} requests/s on average, peak {num(r.traffic.peakRps)},{' '}
        {num(r.traffic.activeHoursPerDay)} h a day; p99 within {num(r.sloP99Ms)} ms; {percent(r.targetUtilization, 0)} target utilisation; {r.redundancy} extra
        instance{r.redundancy === 1 ? '' : 's'}; {r.schedule === 'always-on' ? 'always on' : 'only in active hours'}. Baseline: {name(r.baselineId)}.
      </p>
      <div className="cards">
        {r.targets.map((t, j) => (
          <div key={t.id} className="card" data-testid="cost-card" data-target-id={t.id}>
            <div className="card-label">{t.name}</div>
            <div className="card-value">{best[j] ? `${money(best[j].monthly.total)}/mo` : 'infeasible'}</div>
            <div className="card-hint">{best[j] ? `${name(best[j].variantId)} · ${money(best[j].costPer1M)} per 1M` : 'no variant meets the SLO here'}</div>
          </div>
        ))}
      </div>
      <div className="cost-scroll">
        <table className="table cost-table" data-testid="cost-table">
          <thead>
            <tr>
              <th>variant</th>
              <th>throughput per instance</th>
              <th className="num">instances</th>
              <th className="num">per month</th>
              <th className="num">per year</th>
              <th className="num">per 1M</th>
              <th className="num">kWh/month</th>
              <th className="num">kg CO2e/month</th>
              <th className="num">vs baseline</th>
            </tr>
          </thead>
          <tbody>
            {r.targets.map((t, j) => {
              const fr = r.frontiers[j];
              const cm = fr.cheapestMeetingFloor;
              const cheapestCell = cm?.variantId ? r.variants.find((v) => v.id === cm.variantId)?.cells[j] : undefined;
              return (
                <Fragment key={t.id}>
                  <tr className="cost-group" data-testid="cost-group" data-target-id={t.id}>
                    <td colSpan={9}>
                      <strong>{t.name}</strong> <span className="badge">{t.kind === 'cloud' ? 'cloud' : t.kind === 'owned' ? 'owned' : 'edge'}</span>{' '}
                      <span className="small muted">
                        {t.hourlyPrice && (
                          <>
                            {t.hourlyPrice.basis} · <Cite r={t.hourlyPrice.source} />
                          </>
                        )}
                        {t.ownedMonthly &&
                          `${money(t.ownedMonthly.total)}/month per box: depreciation ${money(t.ownedMonthly.depreciation)} + colocation ${money(t.ownedMonthly.colocation)} + opex ${money(t.ownedMonthly.opex)}`}
                        {t.kind === 'edge' && 'no compute bill; energy paid by the users'}
                      </span>
                      {cm && (
                        <div className="cost-floor" data-testid="cost-floor" data-target-id={t.id}>
                          {cm.variantId && cheapestCell?.feasible ? (
                            <>
                              Cheapest at or above the floor ({num(cm.floor, 4)}%): <strong>{name(cm.variantId)}</strong>,{' '}
                              {cm.variantId === r.baselineId ? 'the baseline itself' : savingText(cheapestCell.savings)}
                            </>
                          ) : (
                            <>No variant here meets the floor of {num(cm.floor, 4)}%.</>
                          )}
                        </div>
                      )}
                    </td>
                  </tr>
                  {r.variants.map((v) => (
                    <Row
                      key={v.id}
                      r={r}
                      c={v.cells[j]}
                      name={v.name}
                      isBaseline={v.isBaseline}
                      cheapest={cm?.variantId === v.id}
                      frontier={fr.frontier.includes(v.id) && r.variants.length > 1}
                    />
                  ))}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>

      {anyBreakEven && (
        <>
          <h4>Owning against renting</h4>
          <table className="table" data-testid="break-even">
            <thead>
              <tr>
                <th>variant</th>
                <th className="num">break-even utilisation</th>
                <th>verdict</th>
              </tr>
            </thead>
            <tbody>
              {r.variants.flatMap((v) =>
                v.breakEven.map((b) => (
                  <tr key={`${v.id}-${b.ownedTargetId}-${b.cloudTargetId}`} data-testid="break-even-row">
                    <td>{v.name}</td>
                    <td className="num">{b.utilization === null ? 'never' : percent(b.utilization)}</td>
                    <td title={b.trace.map((l) => `${l.label} = ${l.formula} = ${num(l.value, 6)}`).join('\n')}>{b.verdict}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}

      <Suspense fallback={<div className="cost-chart-placeholder" />}>
        <CostCharts r={r} />
      </Suspense>

      {warnings.length > 0 && (
        <>
          <h4>Caveats</h4>
          <ul className="cost-warnings" data-testid="cost-warnings">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      )}
      <Sources r={r} />
    </div>
  );
}

export function Sources({ r }: { r: TcoResult }) {
  const instances = r.targets.filter((t) => t.instance);
  return (
    <>
      <h4>Sources of the figures used</h4>
      <ul className="cost-sources" data-testid="cost-sources">
        {r.defaultsUsed.map((d) => (
          <li key={d.key} data-key={d.key}>
            <strong>
              {num(d.figure.value, 6)} {d.figure.unit === 'ratio' ? '' : d.figure.unit}
            </strong>{' '}
            ({d.key}, for {d.usedFor.join(', ')}) · <Cite r={d.figure.source} url />
            {d.figure.estimate && <span className="badge warn">estimate</span>}
            {d.figure.derived && <span className="small muted"> · derived: {d.figure.derived}</span>}
            {d.figure.note && <span className="small muted"> · {d.figure.note}</span>}
          </li>
        ))}
        {instances.map((t) => (
          <li key={t.id} data-key={`instance:${t.id}`}>
            <strong>{t.hourlyPrice?.basis}</strong> ({t.name}) · <Cite r={t.hourlyPrice?.source ?? null} url />; power {num(t.power.idleW)}–
            {num(t.power.maxW)} W<span className="badge warn">estimate</span>, derived: {t.power.derivation} · <Cite r={t.power.source} url />
          </li>
        ))}
        {r.defaultsUsed.length === 0 && instances.length === 0 && <li>Every figure was typed in: no default used.</li>}
      </ul>
    </>
  );
}
