import { useMemo, useState } from 'react';
import type { LayerRow } from '../../core/inspect/summary';
import { formatBytes, formatCount, formatPercent } from '../../core/units';
import { count } from '../../core/units';

type SortKey = 'order' | 'name' | 'opType' | 'parameters' | 'bytes' | 'macs';
const PAGE = 100;

export function LayerTable({ layers, constantNodes = 0 }: { layers: LayerRow[]; constantNodes?: number }) {
  const [onlyWeights, setOnlyWeights] = useState(true);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'order', desc: false });
  const [limit, setLimit] = useState(PAGE);

  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const indexed = layers.map((l, i) => ({ l, i }));
    const kept = indexed.filter(
      ({ l }) =>
        (!onlyWeights || l.weights.length > 0) &&
        (!f || l.name.toLowerCase().includes(f) || l.opType.toLowerCase().includes(f)),
    );
    const val = ({ l, i }: { l: LayerRow; i: number }): number | string =>
      sort.key === 'order' ? i : sort.key === 'macs' ? (l.macs ?? -1) : l[sort.key];
    kept.sort((a, b) => {
      const va = val(a), vb = val(b);
      const c = typeof va === 'string' ? va.localeCompare(vb as string) : (va as number) - (vb as number);
      return sort.desc ? -c : c;
    });
    return kept;
  }, [layers, onlyWeights, filter, sort]);

  const header = (key: SortKey, label: string, num = false) => (
    <th className={num ? 'num' : undefined} aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
      <button
        className="sort"
        onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'name' && key !== 'opType' }))}
      >
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <div data-testid="layer-table">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter by name or op…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter layers"
        />
        <label>
          <input type="checkbox" checked={onlyWeights} onChange={(e) => setOnlyWeights(e.target.checked)} /> only
          layers with weights
        </label>
        <span className="muted small" data-testid="layer-count" title="Layers: every node except Constant nodes, whose tensors show as the weights of the nodes that use them">
          {rows.length} of {count(layers.length, 'layer')}
          {constantNodes > 0 && ` (${count(constantNodes, 'Constant node')} shown as weights)`}
        </span>
      </div>
      <table className="table">
        <thead>
          <tr>
            {header('order', '#', true)}
            {header('name', 'name')}
            {header('opType', 'op')}
            <th>weights</th>
            {header('parameters', 'parameters', true)}
            {header('bytes', 'size', true)}
            <th className="num">share</th>
            {header('macs', 'MACs / item', true)}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, limit).map(({ l, i }) => (
            <tr key={`${l.graph}/${l.name}/${i}`}>
              <td className="num muted">{i + 1}</td>
              <td>
                <code title={l.graph !== 'main' ? `in ${l.graph}` : undefined}>{l.name}</code>
                {l.graph !== 'main' && <span className="badge">subgraph</span>}
              </td>
              <td>{l.domain ? `${l.domain}.${l.opType}` : l.opType}</td>
              <td className="weights">
                {l.weights.map((w) => (
                  <div key={w.name} title={`${w.name} (${w.location}${w.external ? ', external' : ''})`}>
                    <code>[{w.shape.join('×')}]</code> <span className="muted">{w.dtype}</span>
                    {w.location === 'constant' && <span className="badge">Constant</span>}
                    {w.external && <span className="badge">external</span>}
                  </div>
                ))}
              </td>
              <td className="num">{l.parameters ? formatCount(l.parameters) : ''}</td>
              <td className="num">{l.bytes ? formatBytes(l.bytes) : ''}</td>
              <td className="num">{l.bytes ? formatPercent(l.share) : ''}</td>
              <td className="num">{l.macs === null ? '?' : l.macs > 0 ? formatCount(l.macs) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > limit && (
        <button className="link" onClick={() => setLimit((n) => n + PAGE * 5)}>
          Show more ({rows.length - limit} more)
        </button>
      )}
    </div>
  );
}
