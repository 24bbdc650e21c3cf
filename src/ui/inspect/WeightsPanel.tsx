import type { ModelSummary } from '../../core/inspect/summary';
import { formatBytes, formatCount, formatPercent } from '../../core/units';

const LOCATIONS = [
  ['initializer', 'Initializers'],
  ['constant', 'Constant nodes'],
  ['subgraph', 'Inside subgraphs (If/Loop/Scan)'],
  ['external', 'In external data files'],
] as const;

export function WeightsPanel({ summary: s }: { summary: ModelSummary }) {
  const total = s.parameters.bytes || 1;
  return (
    <section className="panel">
      <h3>Weights</h3>
      <table className="table compact" data-testid="dtype-table">
        <thead>
          <tr>
            <th>dtype</th>
            <th className="num">parameters</th>
            <th className="num">bytes</th>
            <th className="num">share</th>
          </tr>
        </thead>
        <tbody>
          {s.parameters.byDtype.map((d) => (
            <tr key={d.dtype}>
              <td>{d.dtype}</td>
              <td className="num">{formatCount(d.parameters)}</td>
              <td className="num">{formatBytes(d.bytes)}</td>
              <td className="num">{formatPercent(d.bytes / total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Where the weights live</h4>
      <table className="table compact" data-testid="weight-locations">
        <tbody>
          {LOCATIONS.map(([key, label]) => {
            const v = s.weightLocations[key];
            return (
              <tr key={key} className={v.tensors === 0 ? 'dim' : ''}>
                <td>{label}</td>
                <td className="num">{v.tensors} tensors</td>
                <td className="num">{formatCount(v.parameters)} params</td>
                <td className="num">{formatBytes(v.bytes)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
