import { useShallow } from 'zustand/react/shallow';
import type { AccuracyResult } from '../../core/bench/accuracy';
import { describeSpecEntry } from '../../core/bench/input-spec';
import { specShapes } from '../../state/input-choice';
import { formatBytes, formatCount } from '../../core/units';
import { count } from '../../core/units';
import type { BenchCell } from '../../state/bench';
import { benchRunsOf } from '../../state/bench-actions';
import { useStudio } from '../../state/hooks';
import type { LoadedModel } from '../../state/models';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

function quality(q: AccuracyResult | null | undefined): string {
  if (!q) return '–';
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  switch (q.kind) {
    case 'classification':
      return `top-1 ${pct(q.top1.value)} [${pct(q.top1.lower)}, ${pct(q.top1.upper)}]${q.top5 ? ` · top-5 ${pct(q.top5.value)}` : ''}`;
    case 'binary':
      return `accuracy ${pct(q.accuracy.value)} [${pct(q.accuracy.lower)}, ${pct(q.accuracy.upper)}]`;
    case 'regression':
      return `MSE ${q.mse.value.toPrecision(4)} [${q.mse.lower.toPrecision(3)}, ${q.mse.upper.toPrecision(3)}] · MAE ${q.mae.value.toPrecision(4)}`;
    case 'fidelity':
      return `${q.top1Agreement ? `agreement ${pct(q.top1Agreement.value)} · ` : ''}cosine ${q.cosine.value.toFixed(5)} · SNR ${Number.isFinite(q.snrDb.value) ? `${q.snrDb.value.toFixed(1)} dB` : '∞'}`;
  }
}

function backendLabel(c: BenchCell): string {
  if (c.backend === 'wasm') {
    const used = c.outcome?.benchmark.runtime.threads;
    return `WASM ${used ?? c.threads} thread${(used ?? c.threads) > 1 ? 's' : ''}`;
  }
  return c.backend === 'webgpu' ? 'WebGPU' : 'WebGL';
}

function EnvironmentBadge({ cell }: { cell: BenchCell }) {
  const env = cell.outcome?.environment;
  if (!env || cell.backend !== 'webgpu') return null;
  const gpu = env.webgpu;
  if (!gpu) return null;
  const name = [gpu.vendor, gpu.architecture, gpu.device, gpu.description].filter(Boolean).join(' ') || 'unknown adapter';
  return gpu.isFallbackAdapter ? (
    <span className="badge warn" data-testid="fallback-adapter" title={`${name}: a software adapter. Results are correct but its speed says nothing about a real GPU.`}>
      fallback adapter ({name})
    </span>
  ) : (
    <span className="badge">{name}</span>
  );
}

/** WebGPU rows of ONNX models: where onnxruntime-web placed the nodes (the support table's rules). */
function PlacementBadge({ cell }: { cell: BenchCell }) {
  const p = cell.backend === 'webgpu' ? cell.outcome?.placement : undefined;
  if (!p) return null;
  const attrs = { 'data-testid': 'gpu-placement', 'data-nodes': p.nodes, 'data-on-cpu': p.onCpu, 'data-gpu-unused': p.gpuUnused ? 'true' : 'false' };
  if (p.gpuUnused) return <span className="badge bad" title={`${p.gpuUnused}: this row measured the CPU.`} {...attrs}>not on WebGPU: all {p.nodes} nodes on CPU</span>;
  return p.onCpu > 0 ? (
    <span className="badge warn" {...attrs}>{p.onCpu} of {p.nodes} nodes on CPU</span>
  ) : (
    <span className="badge" {...attrs}>all {p.nodes} nodes on WebGPU</span>
  );
}

/** Why a variant's cell shows no fidelity, in words (the original's reference outputs failed, or the data has none). */
function notComparedReason(run: { reference?: { error?: { code: string; message: string } } }): string {
  const e = run.reference?.error;
  if (!e) return 'no reference outputs on this data (see the note above the table).';
  return e.code === 'bad-input' ? e.message : `the original could not be run for reference outputs: ${e.message}`;
}

export function BenchResults({ model }: { model: LoadedModel }) {
  const runs = useStudio(useShallow(benchRunsOf(model.id)));
  // The variants' verdicts from their optimize jobs: a degraded variant is marked here as in the variants list.
  const verdicts = useStudio(useShallow((s) => Object.fromEntries(s.variants.filter((v) => v.modelId === model.id).map((v) => [v.id, v.metrics?.verdict ?? null]))));
  if (runs.length === 0) return <p className="muted">No benchmark yet.</p>;
  return (
    <div data-testid="bench-results">
      {[...runs].reverse().map((run) => {
        const env = run.cells.find((c) => c.outcome)?.outcome?.environment;
        const runtimes = [...new Set(run.cells.flatMap((c) => (c.outcome ? [`${c.outcome.benchmark.runtime.id} ${c.outcome.benchmark.runtime.version}`] : [])))];
        return (
          <div key={run.id} className="bench-run">
            {run.error && (
              <div className="error-banner" role="alert" data-testid="bench-run-error" data-error-code={run.error.code}>
                <div>
                  <strong>{/^The inputs are not fully specified/.test(run.error.message) ? 'Nothing ran: the inputs are not fully specified.' : 'Nothing ran: the data does not fit the model.'}</strong>{' '}
                  {run.error.message}
                </div>
              </div>
            )}
            <p className="small muted">
              {new Date(run.startedAt).toLocaleTimeString()} · batch {run.settings.batchSizes.join(', ')} ·{' '}
              {run.settings.runs === 'adaptive' ? 'adaptive runs' : `${run.settings.runs} runs`}, {run.settings.warmupRuns} warm-up ·{' '}
              {run.settings.labelled ? 'accuracy' : 'fidelity'} on {run.settings.dataName}
              {env && (
                <>
                  {' '}· measured on this machine: {count(env.cores, 'core')}, {env.crossOriginIsolated ? 'cross-origin isolated' : 'NOT cross-origin isolated (1 thread, coarse timer)'}, {env.userAgent.match(/(Chrome|Firefox|Safari)\/[\d.]+/)?.[0] ?? 'browser'}
                  {runtimes.length > 0 && <> · {runtimes.join(', ')}</>}
                </>
              )}
            </p>
            {(run.reference || (run.warmed && run.warmed.length > 0)) && (
              <p className="small muted" data-testid="bench-method" data-reference-runs={run.reference?.runs ?? 0}>
                {run.reference &&
                  (run.reference.error
                    ? run.reference.error.code === 'bad-input'
                      ? `${run.reference.error.message} Variants show no fidelity. `
                      : `Fidelity: the original could not be run for reference outputs (${run.reference.error.message}); variants show no fidelity. `
                    : `Fidelity: each variant is compared with the original's outputs on the first ${count(run.reference.items, 'item')}, computed once on ${run.reference.backend} and reused by every cell. `)}
                {run.warmed && run.warmed.length > 0 && (
                  <>
                    Cold start: each backend&apos;s runtime was loaded once before the first cell (
                    {run.warmed.map((w) => `${w.backend} ${w.ms === null ? `failed: ${w.error}` : w.earlier ? `by an earlier benchmark on this page, ${Math.round(w.ms)} ms` : `${Math.round(w.ms)} ms`}`).join(', ')}), then every cell ran in a fresh
                    worker: session creation and first run.
                    {run.sharedWasm && run.sharedWasm.length > 0 &&
                      ` onnxruntime-web's WebAssembly (${run.sharedWasm.join(', ')}) was compiled once for this page and every worker shares its compiled code: the warm-up ran the original once, so what it runs was compiled before the first cell; a kernel only a variant uses is compiled in that variant's first cell.`}
                  </>
                )}
              </p>
            )}
            {run.inputSpec && (
              <p className="small muted" data-testid="bench-input-spec-used">
                Inputs: {run.inputSpec.inputs.map((e) => describeSpecEntry(e)).join(' · ')}
              </p>
            )}
            <table className="table" data-testid="bench-table">
              <thead>
                <tr>
                  <th>model</th>
                  <th>backend</th>
                  <th>status</th>
                  <th className="num">cold start</th>
                  <th className="num">batch</th>
                  <th>inputs</th>
                  <th className="num">p50 ms</th>
                  <th className="num">p90</th>
                  <th className="num">p99</th>
                  <th className="num">mean ± sd</th>
                  <th className="num">items/s</th>
                  <th className="num">runs</th>
                  <th className="num">memory</th>
                  <th>quality</th>
                </tr>
              </thead>
              <tbody>
                {run.cells.flatMap((c, ci) => {
                  const r = c.outcome?.benchmark;
                  const batches = r?.latency.batches ?? [];
                  const head = (
                    <>
                      <td>
                        {c.targetName}
                        {verdicts[c.targetId]?.degraded && (
                          <span className="badge bad" data-testid="degraded-badge" title={`When it was made: ${verdicts[c.targetId]!.reasons.join('; ')}`}>
                            degraded
                          </span>
                        )}
                      </td>
                      <td>
                        {backendLabel(c)} <EnvironmentBadge cell={c} /> <PlacementBadge cell={c} />
                      </td>
                      <td>
                        {c.status === 'running' ? (
                          <span className="progress-cell">
                            <progress max={1} value={c.progress.fraction} />
                            <span className="small muted">{c.progress.stage}</span>
                          </span>
                        ) : (
                          <span className={c.status === 'done' ? 'ok' : c.status === 'failed' ? 'bad' : 'muted'}>{c.status}</span>
                        )}
                        {c.error && c.status === 'failed' && <div className="field-error" data-testid="bench-cell-error">{c.error.message}</div>}
                      </td>
                      <td className="num" title="session creation; first run">
                        {r ? `${ms(r.coldStart.createSessionMs)} ms + ${ms(r.coldStart.firstRunMs)}` : ''}
                      </td>
                    </>
                  );
                  const attrs = { 'data-testid': 'bench-row', 'data-backend': c.backend, 'data-target': c.targetName, 'data-status': c.status };
                  if (batches.length === 0) return [<tr key={`${ci}`} {...attrs}>{head}<td colSpan={10} /></tr>];
                  const spec = c.outcome?.inputSpec;
                  return batches.map((b, bi) => (
                    <tr key={`${ci}-${bi}`} {...attrs} data-batch={b.batch}>
                      {bi === 0 ? head : <><td /><td /><td /><td /></>}
                      <td className="num">{b.batch}</td>
                      <td className="small" data-testid="bench-shapes" data-shapes={specShapes(spec, b.batch)} title={spec?.inputs.map((e) => describeSpecEntry(e)).join('\n')}>
                        {specShapes(spec, b.batch)}
                        {bi === 0 && c.outcome?.macs && (
                          <div className="muted" data-testid="bench-macs">
                            {c.outcome.macs.nodesUnknown > 0 ? '? ' : `${formatCount(c.outcome.macs.total)} `}MACs/item
                          </div>
                        )}
                      </td>
                      <td className="num" title={b.medianCI ? `95% CI ${ms(b.medianCI.lower)}–${ms(b.medianCI.upper)}` : ''}>{ms(b.p50)}</td>
                      <td className="num">{ms(b.p90)}</td>
                      <td className="num">{ms(b.p99)}</td>
                      <td className="num">{ms(b.mean)} ± {ms(b.std)}</td>
                      <td className="num">{b.itemsPerSecond >= 100 ? b.itemsPerSecond.toFixed(0) : b.itemsPerSecond.toFixed(1)}</td>
                      <td className="num" title={`stopped by: ${b.stoppedBy}`}>{b.runs}</td>
                      <td className="num" title="model bytes; JS heap after the runs">
                        {bi === 0 && r ? `${formatBytes(r.memory.modelBytes)}${r.memory.jsHeapBytes ? ` · heap ${formatBytes(r.memory.jsHeapBytes)}` : ''}` : ''}
                      </td>
                      <td className="small" data-testid="bench-quality">
                        {bi === 0 && (r?.after || c.targetId === 'original' || run.settings.labelled ? quality(r?.after) : <span className="muted" data-testid="bench-not-compared">could not compare: {notComparedReason(run)}</span>)}
                      </td>
                    </tr>
                  ));
                })}
              </tbody>
            </table>
            {run.cells.some((c) => c.outcome?.environment.webgpu?.isFallbackAdapter && c.backend === 'webgpu') && (
              <p className="hint">WebGPU here runs on a software (fallback) adapter: its results are correct, but its speed says nothing about a real GPU.</p>
            )}
          </div>
        );
      })}
      <p className="hint">Every figure was measured on this machine, in this browser: a laptop is not a server. Warm-up runs are excluded; p50 hovers show the median's 95% confidence interval.</p>
    </div>
  );
}
