/** `pareto bench`'s readable output. */
import { describeSpecEntry } from '../../core/bench/input-spec';
import { count, formatBytes, formatCount, formatMs, formatNumber, formatPercent } from '../../core/units';
import { makeStyle } from '../render/text';
import type { BenchJson } from './run';

const pct = (v: unknown, digits = 2) => (typeof v === 'number' ? formatPercent(v, digits) : '–');
const bytes = (n: number | null) => (n === null ? '–' : formatBytes(n));

export function renderBench(r: BenchJson, color: boolean): string {
  const { bold: b, dim: d } = makeStyle(color);
  const e = r.environment;
  const lines: string[] = [];
  const field = (k: string, v: string) => lines.push(`  ${d(k.padEnd(11))}  ${v}`);
  lines.push(b(`pareto bench ${r.model.file}`));
  field('runtime', `${e.runtime} ${e.runtimeVersion} (${e.backend}), ${e.threads} thread${e.threads === 1 ? '' : 's'}`);
  field('machine', `${e.platform} ${e.arch}, ${count(e.cores, 'core')}${e.cpuModel ? ` (${e.cpuModel})` : ''}, Node ${e.node}`);
  const data =
    r.data.source === 'synthetic'
      ? 'synthetic inputs (no --data)'
      : `${r.data.inputs ? r.data.inputs.split(/[\\/]/).pop() : ''}${r.data.labels && r.data.labels !== r.data.inputs ? ` + ${r.data.labels.split(/[\\/]/).pop()}` : ''}: ${r.data.items} items${r.data.task ? `, ${r.data.task}` : ''}${r.data.source === 'samples' ? ' (samples test split)' : ''}`;
  field('data', data);
  r.inputSpec.inputs.forEach((i, k) => field(k === 0 ? 'inputs' : '', describeSpecEntry(i)));
  const m = r.model.macs;
  const macs = m.nodesUnknown === 0 ? formatCount(m.total) : m.total === 0 ? '?' : `≥ ${formatCount(m.total)}`;
  field('MACs', `${macs} per item at the shapes above${m.nodesUnknown > 0 ? ` (${m.nodesUnknown} node(s) unknown)` : ''}`);
  lines.push('');
  lines.push(b('Cold start'));
  field('session', `${formatMs(r.coldStart.createSessionMs)} ms`);
  field('first run', `${formatMs(r.coldStart.firstRunMs)} ms (batch ${r.coldStart.firstRunBatch})`);
  lines.push('');
  const s = r.settings;
  const how =
    s.mode === 'adaptive'
      ? `adaptive: until the median is known to ±${((s.targetRelativeHalfWidth ?? 0) * 100).toFixed(0)}% at ${(s.confidence * 100).toFixed(0)}%, ≤ ${s.timeBudgetSeconds} s per batch size`
      : `${s.runs} runs per batch size${s.timeBudgetSeconds !== null ? `, ≤ ${s.timeBudgetSeconds} s` : ''}`;
  lines.push(`${b('Latency')} ${d(`(ms; ${how}; ${s.warmupRuns} warm-up runs excluded)`)}`);
  const head = ['batch', 'runs', 'p50', '±CI', 'p90', 'p99', 'mean', 'std', 'items/s', 'stopped by'];
  const rows = r.latency.map((l) => [
    String(l.batch),
    String(l.runs),
    formatMs(l.p50Ms),
    l.relativeHalfWidth === null ? '–' : `±${(l.relativeHalfWidth * 100).toFixed(1)}%`,
    formatMs(l.p90Ms),
    formatMs(l.p99Ms),
    formatMs(l.meanMs),
    formatMs(l.stdMs),
    l.itemsPerSecond >= 100 ? Math.round(l.itemsPerSecond).toLocaleString('en-US') : l.itemsPerSecond.toFixed(1),
    l.stoppedBy,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(w[i]))).join('  ')}`.trimEnd();
  lines.push(d(line(head)));
  for (const row of rows) lines.push(line(row));
  lines.push('');
  lines.push(b('Memory'));
  field('model', formatBytes(r.memory.modelBytes));
  field(
    'session',
    r.memory.sessionBytes === null ? '–' : `${formatBytes(r.memory.sessionBytes)}${r.memory.sessionBytesMethod === 'rss-delta' ? ' (RSS growth across session creation)' : ''}`,
  );
  field('JS heap', bytes(r.memory.jsHeapUsedBytes));
  field('RSS', bytes(r.memory.rssBytes));
  const a = r.accuracy as Record<string, any> | null;
  if (a) {
    lines.push('');
    lines.push(`${b(a.kind === 'fidelity' ? 'Fidelity to --reference' : 'Accuracy')} ${d(`(${a.items} items, output "${a.output}"; 95% intervals)`)}`);
    const ci = (i: any, digits = 2, percent = true) =>
      i ? `${percent ? pct(i.value, digits) : formatNumber(i.value)}  [${percent ? pct(i.lower, digits) : formatNumber(i.lower)}, ${percent ? pct(i.upper, digits) : formatNumber(i.upper)}] ${d(i.method)}` : '–';
    if (a.kind === 'classification') {
      field('top-1', `${ci(a.top1)}  ${d(`${a.top1.correct}/${a.items}`)}`);
      field('top-5', a.top5 ? ci(a.top5) : `– ${d(a.classes <= 5 ? `(${a.classes} classes)` : '(predicted labels)')}`);
    } else if (a.kind === 'binary') {
      field('accuracy', `${ci(a.accuracy)}  ${d(`threshold ${a.threshold}`)}`);
    } else if (a.kind === 'regression') {
      field('MSE', ci(a.mse, 2, false));
      field('MAE', ci(a.mae, 2, false));
      field('RMSE', formatNumber(a.rmse));
    } else {
      field('top-1 agree', a.top1Agreement ? ci(a.top1Agreement) : '–');
      field('cosine', ci(a.cosine, 2, false));
      field('SNR', a.snrDb.value === null ? '∞ (identical outputs)' : `${formatNumber(a.snrDb.value)} dB  [${formatNumber(a.snrDb.lower)}, ${formatNumber(a.snrDb.upper)}] ${d('bootstrap')}`);
      field('rel. L2', formatNumber(a.relativeL2));
      for (const o of (a.perOutput ?? []) as any[]) {
        field(`"${o.output}"`, `cosine ${formatNumber(o.cosine.value)}  rel. L2 ${formatNumber(o.relativeL2)}  max |error| ${formatNumber(o.maxAbsError)}${o.top1Agreement ? `  top-1 agree ${pct(o.top1Agreement.value, 2)}` : ''}`);
      }
    }
    if (a.nonFiniteOutputs > 0) field('non-finite', `${a.nonFiniteOutputs} output values were NaN or infinite`);
  }
  const allNotes = [...r.data.notes, ...r.notes];
  if (allNotes.length) {
    lines.push('');
    lines.push(b('Notes'));
    for (const n of allNotes) lines.push(`  - ${n}`);
  }
  return lines.join('\n') + '\n';
}
