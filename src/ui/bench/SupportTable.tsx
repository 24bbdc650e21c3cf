import { useEffect } from 'react';
import { loadSupport, supportKey } from '../../state/bench-actions';
import type { BenchBackend } from '../../state/bench';
import { useStudio } from '../../state/hooks';

const LABEL: Record<BenchBackend, string> = { wasm: 'WASM', webgpu: 'WebGPU', webgl: 'WebGL' };

/** Before running: per model and backend, which nodes run natively and which fall back to the CPU (or fail). */
export function SupportTable({ modelId, targets }: { modelId: string; targets: { id: string; name: string }[] }) {
  const support = useStudio((s) => s.support);
  useEffect(() => {
    for (const t of targets) void loadSupport(modelId, t.id);
  }, [modelId, targets]);
  return (
    <table className="table compact" data-testid="support-table">
      <thead>
        <tr>
          <th>where the nodes run</th>
          {(['wasm', 'webgpu', 'webgl'] as const).map((b) => <th key={b}>{LABEL[b]}</th>)}
        </tr>
      </thead>
      <tbody>
        {targets.map((t) => {
          const s = support[supportKey(modelId, t.id)];
          return (
            <tr key={t.id} data-testid="support-row" data-target={t.name}>
              <td>{t.name}</td>
              {(['wasm', 'webgpu', 'webgl'] as const).map((b) => {
                if (!s || s.status === 'loading') return <td key={b} className="muted">…</td>;
                if (s.status === 'failed') return <td key={b} className="bad">{s.error.message}</td>;
                const r = s.backends.find((x) => x.backend === b)!;
                const cls = !r.loads || r.issues.some((i) => i.kind === 'run-fails') ? 'bad' : r.summary.fallback > 0 ? 'warn-text' : 'ok';
                const ops = [...new Set([...r.fallback, ...r.unsupported].map((n) => n.opType))].join(', ');
                return (
                  <td key={b} className={cls} data-backend={b} title={r.verdict}>
                    {!r.loads
                      ? `fails: no kernel for ${ops || 'some ops'}`
                      : r.gpuUnused
                        ? `not used: all ${r.summary.nodes} nodes on CPU`
                      : r.summary.fallback > 0
                        ? `${r.summary.fallback} of ${r.summary.nodes} nodes on CPU (${ops}), ~${r.summary.transfers} copies/run`
                        : `all ${r.summary.nodes} nodes native`}
                    {r.gpuUnused && <div className="small" data-testid="gpu-unused">{r.gpuUnused}</div>}
                    {r.issues.filter((i) => i.kind !== 'note').map((i) => <div key={i.message} className="small">{i.message}</div>)}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
