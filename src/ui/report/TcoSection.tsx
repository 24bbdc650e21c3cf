import { useState } from 'react';
import type { Report, ReportFigure } from '../../core/report/schema';
import { resultLabel, type ReportTcoEvaluation } from '../../core/report/tco';
import { money, num } from '../cost/format';

/** The what-if fields: scenario path, label, unit, and the scale between the field and the scenario. */
const FIELDS: { path: [string, string?]; label: string; unit: string; scale?: number }[] = [
  { path: ['traffic', 'averageRps'], label: 'Average traffic', unit: 'requests/s' },
  { path: ['traffic', 'peakRps'], label: 'Peak traffic', unit: 'requests/s' },
  { path: ['traffic', 'activeHoursPerDay'], label: 'Active hours a day', unit: 'h' },
  { path: ['slo', 'p99Ms'], label: 'p99 latency SLO', unit: 'ms' },
  { path: ['targetUtilization'], label: 'Target utilisation', unit: '%', scale: 100 },
];

const PARTS = ['compute', 'storage', 'network', 'energy', 'maintenance'];

function read(s: Record<string, unknown>, [a, b]: [string, string?]): unknown {
  const x = s[a];
  return b === undefined ? x : x !== null && typeof x === 'object' ? (x as Record<string, unknown>)[b] : undefined;
}

function write(s: Record<string, unknown>, [a, b]: [string, string?], value: number | undefined): Record<string, unknown> {
  if (b === undefined) return { ...s, [a]: value };
  const inner = s[a] !== null && typeof s[a] === 'object' ? (s[a] as Record<string, unknown>) : {};
  return { ...s, [a]: { ...inner, [b]: value } };
}

const total = (f: ReportFigure | undefined) => (f?.monthly ? f.monthly.reduce((a, c) => a + c, 0) : null);
const partsText = (f: ReportFigure | undefined) => (f?.monthly ? f.monthly.map((x, i) => `${PARTS[i]} ${money(x)}`).join(' · ') : f?.reason ?? '–');

export function TcoSection({ report, whatIf, setWhatIf, ev }: { report: Report; whatIf: Record<string, unknown>; setWhatIf: (s: Record<string, unknown>) => void; ev: ReportTcoEvaluation | null }) {
  const shared = report.tco!;
  const [texts, setTexts] = useState<string[]>(() => FIELDS.map((f) => {
    const v = read(shared.scenario, f.path);
    return typeof v === 'number' ? String(Number((v * (f.scale ?? 1)).toPrecision(12))) : '';
  }));
  const targets = (Array.isArray(shared.scenario.targets) ? shared.scenario.targets : []) as { id?: string; name?: string; instance?: string }[];
  const targetName = (id: string) => {
    const t = targets.find((x) => x.id === id);
    return t?.name || t?.instance || id;
  };
  const nameOf = (f: ReportFigure) => (f.result === null ? f.variantId : resultLabel(report, report.results[f.result]).full);
  const changed = JSON.stringify(whatIf) !== JSON.stringify(shared.scenario);
  const whatIfFigures = ev?.ok ? ev.figures : [];
  const find = (f: ReportFigure) => whatIfFigures.find((w) => w.targetId === f.targetId && (f.result !== null ? w.result === f.result : w.variantId === f.variantId));
  const set = (i: number, text: string) => {
    const next = texts.map((t, k) => (k === i ? text : t));
    setTexts(next);
    const f = FIELDS[i];
    const n = text.trim() === '' ? undefined : Number(text);
    setWhatIf(write(whatIf, f.path, n === undefined ? undefined : Number.isFinite(n) ? n / (f.scale ?? 1) : (text as unknown as number)));
  };
  const reset = () => {
    setWhatIf(structuredClone(shared.scenario));
    setTexts(FIELDS.map((f) => {
      const v = read(shared.scenario, f.path);
      return typeof v === 'number' ? String(Number((v * (f.scale ?? 1)).toPrecision(12))) : '';
    }));
  };
  return (
    <section className="panel" data-testid="report-tco">
      <h3>Costs</h3>
      <p className="muted small">
        Scenario {typeof shared.scenario.name === 'string' ? `"${shared.scenario.name}"` : ''}: the shared figures are as the report's author computed them; change an input below to
        see what-if figures beside them (the shared ones stay as they are).
      </p>
      <div className="report-whatif" data-testid="report-whatif">
        {FIELDS.map((f, i) => (
          <label key={f.label} className="field">
            <span>
              {f.label} ({f.unit})
            </span>
            <input value={texts[i]} inputMode="decimal" onChange={(e) => set(i, e.target.value)} data-testid={`whatif-${f.path.join('.')}`} aria-label={`What-if: ${f.label} (${f.unit})`} />
          </label>
        ))}
        {changed && (
          <button className="small-button" onClick={reset}>
            Back to the shared figures
          </button>
        )}
      </div>
      {ev && !ev.ok && (
        <div className="error-banner" role="alert" data-testid="whatif-errors">
          The what-if scenario is not valid:
          <ul>
            {ev.errors.slice(0, 5).map((e, i) => (
              <li key={i}>
                {e.path || 'scenario'}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <table className="table compact">
        <thead>
          <tr>
            <th>Variant</th>
            <th>Target</th>
            <th className="num">Cost per 1M (shared)</th>
            <th className="num">Cost per 1M (what-if)</th>
            <th className="num">Monthly (shared)</th>
            <th className="num">Monthly (what-if)</th>
            <th className="num">Instances</th>
            <th>Breakdown a month (shared)</th>
          </tr>
        </thead>
        <tbody>
          {shared.figures.map((f, i) => {
            const w = find(f);
            return (
              <tr key={i} data-testid="report-figure" data-result={f.result ?? ''} data-target={f.targetId}>
                <td>{nameOf(f)}</td>
                <td>{targetName(f.targetId)}</td>
                <td className="num" data-testid="shared-cost">{f.costPer1M === null ? 'infeasible' : money(f.costPer1M)}</td>
                <td className="num" data-testid="whatif-cost">{!ev?.ok ? '–' : w?.costPer1M == null ? 'infeasible' : money(w.costPer1M)}</td>
                <td className="num">{money(total(f))}</td>
                <td className="num">{ev?.ok ? money(total(w)) : '–'}</td>
                <td className="num">
                  {num(f.instances)}
                  {ev?.ok && w && w.instances !== f.instances && ` → ${num(w.instances)}`}
                </td>
                <td className="small">
                  {partsText(f)}
                  {changed && ev?.ok && <div className="muted">what-if: {partsText(w)}</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
