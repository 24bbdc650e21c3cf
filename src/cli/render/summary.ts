import { formatBytes, formatCount, formatPercent } from '../../core/units';
import type { LayerRow, ModelSummary, TensorSignature } from '../../core/inspect/summary';
import { fields, table, type Style } from './text';

export interface RenderOptions {
  /** How many layers to list (largest weights first), or 'all' for every layer in graph order. */
  layers: number | 'all';
  style: Style;
}

const exact = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${exact(n)} ${n === 1 ? one : many}`;

/** "12.3M (12,345,678)" for counts big enough that the short form rounds. */
const countWithExact = (n: number) => (n >= 1e4 ? `${formatCount(n)} (${exact(n)})` : exact(n));

function shapeText(shape: TensorSignature['shape']): string {
  if (shape === null) return 'unknown shape';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

const opName = (opType: string, domain: string) => (domain && domain !== 'ai.onnx' ? `${domain}:${opType}` : opType);

function weightsText(l: LayerRow): string {
  return l.weights.map((w) => (w.shape.length === 0 ? 'scalar' : w.shape.join('×'))).join(', ');
}

function macsText(m: number | null): string {
  if (m === null) return '?';
  return m === 0 ? '–' : formatCount(m);
}

/** The human-readable `pareto inspect` report. */
export function renderSummary(s: ModelSummary, opts: RenderOptions): string {
  const { style } = opts;
  const out: string[] = [];
  const section = (title: string, note = '') => {
    out.push('', style.bold(title) + (note ? `  ${style.dim(note)}` : ''));
  };

  // Header
  out.push(style.bold(style.accent(s.fileName)));
  const tfjs = s.format === 'tfjs';
  let size = `${formatBytes(s.fileBytes)} (${tfjs ? 'model.json' : '.onnx'})`;
  if (tfjs) size += ` + ${formatBytes(s.parameters.bytes)} of weights in shards`;
  if (s.externalDataFiles.length > 0) {
    size += ` + ${formatBytes(s.externalDataBytes)} external data in ${s.externalDataFiles.join(', ')}`;
  }
  const tfjsKind = s.metadata.find((m) => m.key === 'tfjs.kind')?.value;
  const header: [string, string][] = [
    ...(tfjs ? [['Format', `TF.js ${tfjsKind === 'graph' ? 'graph model (TensorFlow ops)' : 'layers model (Keras layers)'}`] as [string, string]] : []),
    ['Size', size],
    ['Producer', [s.producer.name, s.producer.version].filter(Boolean).join(' ') || '(not set)'],
    ...(tfjs
      ? []
      : ([
          ['IR version', String(s.irVersion)],
          ['Opsets', s.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')],
        ] as [string, string][])),
  ];
  if (s.domain) header.push(['Domain', s.domain]);
  if (s.modelVersion) header.push(['Model version', String(s.modelVersion)]);
  if (s.docString) {
    const first = s.docString.trim().split('\n')[0];
    header.push(['Doc', first.length > 100 ? `${first.slice(0, 99)}…` : first]);
  }
  for (const m of s.metadata.filter((x) => !tfjs || !x.key.startsWith('tfjs.'))) header.push([`meta: ${m.key}`, m.value.length > 100 ? `${m.value.slice(0, 99)}…` : m.value]);
  out.push(...fields(header, style));

  // Signature
  const sig = (title: string, list: TensorSignature[]) => {
    section(title, list.length === 0 ? 'none' : '');
    if (list.length > 0) {
      out.push(
        ...table(
          [{ header: 'name', max: 60 }, { header: 'dtype' }, { header: 'shape' }],
          list.map((t) => [t.name, t.dtype, shapeText(t.shape)]),
          style,
        ),
      );
    }
  };
  sig('Inputs', s.inputs);
  sig('Outputs', s.outputs);

  // Parameters
  const p = s.parameters;
  section('Parameters', `${countWithExact(p.total)} parameters, ${formatBytes(p.bytes)}`);
  if (p.byDtype.length > 0) {
    out.push(
      ...table(
        [{ header: 'dtype' }, { header: 'parameters', align: 'right' }, { header: 'bytes', align: 'right' }, { header: 'share', align: 'right' }],
        p.byDtype.map((d) => [d.dtype, formatCount(d.parameters), formatBytes(d.bytes), formatPercent(p.bytes ? d.bytes / p.bytes : 0)]),
        style,
      ),
    );
  }

  // Where weights live
  section('Weight locations');
  const loc = s.weightLocations;
  const locRows: [string, keyof ModelSummary['weightLocations']][] = [
    ['initializers', 'initializer'],
    ['Constant nodes', 'constant'],
    ['subgraphs', 'subgraph'],
    ['external data (of the above)', 'external'],
  ];
  out.push(
    ...table(
      [{ header: 'where' }, { header: 'tensors', align: 'right' }, { header: 'parameters', align: 'right' }, { header: 'bytes', align: 'right' }],
      locRows.map(([label, k]) => [label, exact(loc[k].tensors), formatCount(loc[k].parameters), formatBytes(loc[k].bytes)]),
      style,
    ),
  );

  // Ops
  section('Operators', `${plural(s.nodeCount, 'node')} in ${plural(s.graphCount, 'graph')}, ${plural(s.ops.length, 'op type')}`);
  if (s.ops.length > 0) {
    out.push(
      ...table(
        [{ header: 'op' }, { header: 'count', align: 'right' }],
        s.ops.map((o) => [opName(o.opType, o.domain), exact(o.count)]),
        style,
      ),
    );
  }

  if (s.subgraphs.length > 0) {
    section('Subgraphs');
    out.push(
      ...table(
        [{ header: 'path', max: 80 }, { header: 'owner' }, { header: 'nodes', align: 'right' }],
        s.subgraphs.map((g) => [g.path, g.owner, exact(g.nodes)]),
        style,
      ),
    );
  }

  // Compute
  const m = s.macs;
  const at = (s.macsAt ?? []).map((i) => `${i.name} ${shapeText(i.shape)}${i.value !== undefined ? ` = ${i.value}` : ''}`).join(', ');
  const open = (s.macsAt ?? []).some((i) => i.shape === null || i.shape.includes(null));
  const count = m.total === 0 && m.nodesUnknown > 0 ? '?' : `${m.nodesUnknown > 0 ? '≥ ' : ''}${m.total >= 1e4 ? `${formatCount(m.total)} (${exact(m.total)})` : exact(m.total)}`;
  const compute = `${count} MACs per inference item, at ${at || 'the declared shapes'}`;
  const notes = [`${plural(m.nodesWithMacs, 'node')} with MACs`];
  if (m.nodesUnknown > 0) notes.push(`${plural(m.nodesUnknown, 'node')} unknown: the total is a lower bound`);
  if (m.undecidedIfs) notes.push(`${plural(m.undecidedIfs, 'If')} not decided by the input shapes: both branches counted`);
  section('Compute', notes.join('; '));
  out.push(`  ${compute}`);
  if (m.undecidedIfs) out.push(`  ${style.dim('An If on an input\'s value (a sample rate, say) counts both branches: give the value with --value NAME=VALUE to count the branch that runs.')}`);
  if (open) out.push(`  ${style.dim('? marks a dim with no value: give it with --dim NAME=VALUE or --shape INPUT=1x3x320x320 to count its nodes.')}`);

  // Layers
  const all = opts.layers === 'all';
  const limit = all ? s.layers.length : Math.min(opts.layers as number, s.layers.length);
  const rows = all
    ? s.layers
    : s.layers
        .map((l, i) => [l, i] as const)
        .sort((a, b) => b[0].bytes - a[0].bytes || a[1] - b[1])
        .slice(0, limit)
        .map(([l]) => l);
  const layerNote = all
    ? `all ${exact(s.layers.length)}, in graph order`
    : limit < s.layers.length
      ? `top ${exact(limit)} of ${exact(s.layers.length)} by weight size (--layers all lists every layer)`
      : `all ${exact(s.layers.length)}, largest weights first`;
  section('Layers', layerNote);
  if (rows.length > 0) {
    const showGraph = s.graphCount > 1;
    const cols = [
      { header: 'name', max: 48 },
      { header: 'op' },
      ...(showGraph ? [{ header: 'graph', max: 40 }] : []),
      { header: 'weights', max: 40 },
      { header: 'params', align: 'right' as const },
      { header: 'size', align: 'right' as const },
      { header: 'share', align: 'right' as const },
      { header: 'MACs', align: 'right' as const },
    ];
    out.push(
      ...table(
        cols,
        rows.map((l) => [
          l.name,
          opName(l.opType, l.domain),
          ...(showGraph ? [l.graph] : []),
          weightsText(l) || '–',
          l.parameters ? formatCount(l.parameters) : '–',
          l.bytes ? formatBytes(l.bytes) : '–',
          l.bytes ? formatPercent(l.share) : '–',
          macsText(l.macs),
        ]),
        style,
      ),
    );
  }
  return out.join('\n') + '\n';
}
