import { useRef } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { selectScenarioComparison } from '../../state/cost-actions';
import { useStudio } from '../../state/hooks';
import { ChartExport } from './ChartExport';
import { money, num } from './format';

const moneyTick = (x: number) => (Math.abs(x) >= 1000 ? `$${num(x / 1000)}k` : `$${num(x)}`);

/** Every named scenario side by side: per target, the variant chosen there and what it costs, in one table and chart. */
export default function ScenarioCompare() {
  const cmp = useStudio(selectScenarioComparison);
  const chart = useRef<HTMLDivElement>(null);
  const bars = cmp.rows.map((r) => ({ label: `${r.scenario} · ${r.target}`, monthly: r.monthly }));
  return (
    <section className="panel" data-testid="scenario-compare">
      <h3>Scenarios side by side</h3>
      <p className="small muted">
        Each scenario as it stands; per target, the variant chosen there (the cheapest that meets the accuracy floor, else the baseline) and where its
        throughput figure comes from.
      </p>
      {cmp.problems.map((p) => (
        <p key={`${p.scenarioId}:${p.message}`} className="field-error" data-testid="scenario-compare-problem">
          {p.scenario}: {p.message}
        </p>
      ))}
      {cmp.rows.length > 0 && (
        <>
          <div className="cost-scroll">
            <table className="table cost-table" data-testid="scenario-compare-table">
              <thead>
                <tr>
                  <th scope="col">Scenario</th>
                  <th scope="col">Target</th>
                  <th scope="col">Traffic (avg / peak req/s)</th>
                  <th scope="col">Variant</th>
                  <th scope="col">Per month</th>
                  <th scope="col">Per 1M inferences</th>
                  <th scope="col">Instances</th>
                  <th scope="col">kWh / month</th>
                  <th scope="col">Throughput from</th>
                </tr>
              </thead>
              <tbody>
                {cmp.rows.map((r) => (
                  <tr key={`${r.scenarioId}:${r.targetId}`} data-testid="scenario-compare-row" data-scenario={r.scenario} data-target={r.target}>
                    <td>{r.scenario}</td>
                    <td>{r.target}</td>
                    <td className="num">
                      {num(r.averageRps)} / {num(r.peakRps)}
                    </td>
                    <td>
                      {r.variant} <span className="small muted">({r.chosenBecause})</span>
                    </td>
                    <td className="num" data-testid="scenario-monthly">
                      {money(r.monthly)}
                    </td>
                    <td className="num">{money(r.costPer1M)}</td>
                    <td className="num">{r.instances ?? '–'}</td>
                    <td className="num">{num(r.kWhPerMonth)}</td>
                    <td className="small">
                      {r.throughputLabel}
                      {r.estimate && <span className="badge warn">estimate</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="cost-chart-head">
            <h4>Monthly cost, scenario · target</h4>
            <ChartExport target={chart} title="Monthly cost by scenario and target (USD)" name="scenarios-monthly-cost" />
          </div>
          <div ref={chart} className="cost-chart-box" style={{ width: '100%', height: Math.max(160, bars.length * 30 + 60) }} data-testid="scenario-compare-chart">
            <ResponsiveContainer>
              <BarChart data={bars} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }}>
                <CartesianGrid horizontal={false} stroke="#eef1f5" />
                <XAxis type="number" tickFormatter={moneyTick} fontSize={11} />
                <YAxis type="category" dataKey="label" width={240} fontSize={11} interval={0} />
                <Tooltip formatter={(v) => money(Number(v))} />
                <Bar dataKey="monthly" name="per month" fill="#3b6ea5" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
    </section>
  );
}
