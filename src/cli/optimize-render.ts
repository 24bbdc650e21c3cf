import { describeSpecEntry } from '../core/bench/input-spec';
import { formatBytes, formatCount, formatPercent, formatSeconds, sizeChange } from '../core/units';
import type { OptimizeResult } from './optimize';
import { fields, table, type Style } from './render/text';

/** The human-readable summary of `pareto quantize` / `pareto prune`. */
export function renderOptimize(r: OptimizeResult, opts: { layers: number | 'all'; style: Style }): string {
  const { style } = opts;
  const out: string[] = [];
  const section = (title: string, note = '') => out.push('', style.bold(title) + (note ? `  ${style.dim(note)}` : ''));
  const secs = formatSeconds;

  out.push(style.bold(style.accent(`${r.input} → ${r.output}`)));
  const s = r.size;
  const gz = s.gzipMethod === 'off' || s.before.gzipBytes === undefined || s.after.gzipBytes === undefined;
  const approx = s.gzipMethod === 'estimate' ? '~' : '';
  const wb = r.weights.before;
  const wa = r.weights.after;
  const timeParts = [`${r.command} ${secs(r.timing.transformMs)}`];
  if (r.calibration) timeParts.push(`calibration ${secs(r.timing.calibrationMs)}`);
  timeParts.push(`fidelity check ${secs(r.timing.fidelityMs)}`);
  const head: [string, string][] = [
    ['Recipe', r.recipeName],
    ['Time', `${secs(r.timing.totalMs)} in all (${timeParts.join(', ')})`],
    ['Size', `${formatBytes(s.before.bytes)} → ${formatBytes(s.after.bytes)} (${sizeChange(s.before.bytes, s.after.bytes)})`],
    [
      'gzip size',
      gz
        ? 'not measured'
        : `${approx}${formatBytes(s.before.gzipBytes!)} → ${approx}${formatBytes(s.after.gzipBytes!)} ` +
          `(${sizeChange(s.before.gzipBytes!, s.after.gzipBytes!)}${s.gzipMethod === 'estimate' ? ', estimated from samples' : ''})`,
    ],
    ['Sparsity', `${formatPercent(wb.sparsity)} → ${formatPercent(wa.sparsity)} zeros in ${formatCount(wa.parameters)} matrix/kernel weights`],
    ['Quantized', `${formatPercent(wb.quantizedShare)} → ${formatPercent(wa.quantizedShare)} of those weights stored as int8/float16`],
  ];
  if (r.calibration) {
    const c = r.calibration;
    head.push(['Calibration', `${c.samples} samples of ${c.file} in ${c.batches} batch${c.batches === 1 ? '' : 'es'} of ≤ ${c.batchSize} (${c.method})`]);
  }
  r.inputSpec.inputs.forEach((e, i) => head.push([i === 0 ? 'Inputs' : '', describeSpecEntry(e)]));
  out.push(...fields(head, style));

  // Layers
  const all = opts.layers === 'all';
  const limit = all ? r.layers.length : Math.min(opts.layers as number, r.layers.length);
  const rows = all
    ? r.layers
    : r.layers
        .map((l, i) => [l, i] as const)
        .sort((a, b) => b[0].bytesBefore - a[0].bytesBefore || a[1] - b[1])
        .slice(0, limit)
        .map(([l]) => l);
  const n = r.layers.length;
  section(
    r.command === 'quantize' ? 'Quantized layers' : 'Pruned weights',
    n === 0 ? 'none' : all ? `all ${n}, in graph order` : limit < n ? `top ${limit} of ${n} by weight size (--layers all lists every one)` : `all ${n}, largest first`,
  );
  if (rows.length > 0) {
    const prune = r.command === 'prune';
    out.push(
      ...table(
        [
          { header: 'node', max: 40 },
          { header: 'op' },
          { header: 'weight', max: 40 },
          { header: prune ? 'threshold' : 'scheme' },
          { header: 'params', align: 'right' },
          ...(prune
            ? [{ header: 'sparsity', align: 'right' as const }]
            : [{ header: 'before', align: 'right' as const }, { header: 'after', align: 'right' as const }]),
        ],
        rows.map((l) => [
          l.name,
          l.opType,
          l.weight,
          l.scheme,
          formatCount(l.parameters),
          ...(prune ? [formatPercent(l.sparsity ?? 0)] : [formatBytes(l.bytesBefore), formatBytes(l.bytesAfter)]),
        ]),
        style,
      ),
    );
  }

  if (r.skipped.length > 0) {
    section('Skipped', `${r.skipped.length} node${r.skipped.length === 1 ? '' : 's'} left as they were`);
    out.push(...table([{ header: 'node', max: 40 }, { header: 'op' }, { header: 'reason', max: 110 }], r.skipped.map((k) => [k.node, k.opType, k.reason]), style));
  }

  if (r.notes.length > 0) {
    section('Notes');
    for (const note of r.notes) out.push(`  - ${note}`);
  }

  const f = r.fidelity;
  const from = f.inputs === 'synthetic' ? `${f.rows} synthetic rows` : `first ${f.rows} rows of ${f.file}${f.inputs === 'samples' ? " (the sample's test split)" : ''}`;
  section('Fidelity vs the original', f.skipped ? 'not measured (--no-fidelity)' : `${f.runtime ?? 'onnxruntime-node'}, ${from}`);
  if (f.skipped) return out.join('\n') + '\n';
  if (f.error) out.push(`  could not compare: ${f.error}`);
  else {
    const num = (v: number | null, d = 4) => (v === null ? '–' : v.toFixed(d));
    out.push(
      ...table(
        [
          { header: 'output', max: 40 },
          { header: 'rel. L2', align: 'right' },
          { header: 'cosine', align: 'right' },
          { header: 'top-1 agree', align: 'right' },
          { header: 'SNR dB', align: 'right' },
          { header: 'max |err|', align: 'right' },
        ],
        Object.entries(f.outputs).map(([name, m]) => [
          name,
          num(m.relativeL2),
          num(m.cosine, 6),
          m.top1Agreement === null ? '–' : formatPercent(m.top1Agreement),
          m.snrDb === null ? (m.relativeL2 === 0 ? '∞' : '–') : m.snrDb.toFixed(1),
          m.maxAbsError === null ? '–' : m.maxAbsError.toPrecision(3),
        ]),
        style,
      ),
    );
    if (r.degraded) {
      out.push('', `  ${style.bold('DEGRADED')}: ${r.degradedReasons.join('; ')}`);
    } else if (r.degraded === false) out.push('', '  Not degraded.');
    if (f.rule) out.push(`  (${f.rule}.)`);
  }
  return out.join('\n') + '\n';
}
