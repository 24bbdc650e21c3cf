import { lazy, Suspense, useDeferredValue, useMemo, useState } from 'react';
import { decodeReportLink, ReportLinkError } from '../../core/report/codec';
import type { Report } from '../../core/report/schema';
import { sig } from '../../core/report/build';
import { evaluateReportTco } from '../../core/report/tco';
import { openReportInStudio } from '../../state/report';
import { ExportButtons } from './ExportButtons';
import { ModelsTable, ResultsTable } from './ReportTables';
import { TcoSection } from './TcoSection';

const TradeoffChart = lazy(() => import('../cost/TradeoffChart'));

type Decoded = { ok: true; report: Report } | { ok: false; kind: string; message: string };

function decode(fragment: string): Decoded {
  try {
    return { ok: true, report: decodeReportLink(fragment) };
  } catch (e) {
    if (e instanceof ReportLinkError) return { ok: false, kind: e.kind, message: e.message };
    return { ok: false, kind: 'invalid', message: `the report could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** A link that cannot be opened: what is wrong, in words; nothing of the payload is shown. */
function ReportError({ kind, message, onOpenStudio }: { kind: string; message: string; onOpenStudio: () => void }) {
  return (
    <main className="main report-page" data-testid="report-error" data-kind={kind}>
      <section className="panel">
        <h2>This report link cannot be opened</h2>
        <p className="error-banner" role="alert" data-testid="report-error-message">
          {message.charAt(0).toUpperCase() + message.slice(1)}.
        </p>
        <p className="muted">
          Nothing was loaded from it. Ask for the link again (copied whole), or for the report file (JSON), which the studio opens the same way.
        </p>
        <button className="primary" onClick={onOpenStudio}>
          Open the studio
        </button>
      </section>
    </main>
  );
}

/** A shared report, read-only: results, environments, what was degraded, the trade-off, and the TCO with a what-if. */
export function ReportPage({ fragment, onOpenStudio }: { fragment: string; onOpenStudio: () => void }) {
  const decoded = useMemo(() => decode(fragment), [fragment]);
  if (!decoded.ok) return <ReportError kind={decoded.kind} message={decoded.message} onOpenStudio={onOpenStudio} />;
  return <ReportView report={decoded.report} onOpenStudio={onOpenStudio} />;
}

function ReportView({ report, onOpenStudio }: { report: Report; onOpenStudio: () => void }) {
  const [whatIf, setWhatIf] = useState<Record<string, unknown> | null>(report.tco ? structuredClone(report.tco.scenario) : null);
  const [studioError, setStudioError] = useState<string | null>(null);
  // Pricing 18 results on 3 targets takes ~0.1 s: typing stays responsive, the figures follow.
  const deferred = useDeferredValue(whatIf);
  const ev = useMemo(() => (report.tco && deferred ? evaluateReportTco(report, { scenario: deferred, round: sig }) : null), [report, deferred]);
  const t = ev?.ok ? ev.tradeoff : null;
  const openStudio = () => {
    const r = openReportInStudio(report, whatIf ?? undefined);
    if (!r.ok) setStudioError(r.message);
    else onOpenStudio();
  };
  return (
    <main className="main report-page" data-testid="report-page">
      <section className="panel">
        <h2 data-testid="report-title">{report.title}</h2>
        <p className="muted">
          A shared report, read-only: made {report.source === 'cli' ? 'by `pareto report`' : 'in Pareto Studio'} on {report.createdAt.replace('T', ' ').slice(0, 16)} UTC. It travelled
          inside the link's fragment, which browsers never send to a server. Figures are rounded to 4 significant digits.
        </p>
        <div className="report-actions">
          <button className="primary" onClick={openStudio} data-testid="report-open-studio">
            Open in studio
          </button>
          <span className="muted small">
            {' '}Continues with this report's cost scenario{report.tco?.variantsFrom === 'results' ? ' and its measured variants' : ''}. The models are not in the link: open them in the studio to benchmark again.
          </span>
          <ExportButtons report={report} />
        </div>
        {studioError && <p className="error-banner">{studioError}</p>}
        {report.notes.map((n, i) => (
          <p key={i} className="muted small">{n}</p>
        ))}
      </section>
      <ModelsTable report={report} />
      {report.results.length > 0 && <ResultsTable report={report} />}
      {t?.status === 'ok' && (
        <section className="panel" data-testid="report-tradeoff">
          <h3>Trade-off</h3>
          <Suspense fallback={<p className="muted">Loading the chart…</p>}>
            <TradeoffChart
              points={t.points}
              frontier={t.frontier}
              x={t.x}
              xLabel={t.xLabel}
              yLabel={t.yLabel}
              floor={t.floor}
              selected={null}
              title={`Trade-off: ${report.title}`}
              subtitle={`${t.target.name}${whatIf && JSON.stringify(whatIf) !== JSON.stringify(report.tco?.scenario) ? ' (what-if figures)' : ''}`}
            />
          </Suspense>
          {t.warnings.map((w, i) => (
            <p key={i} className="muted small">{w}</p>
          ))}
        </section>
      )}
      {report.tco && whatIf && <TcoSection report={report} whatIf={whatIf} setWhatIf={setWhatIf} ev={ev} />}
    </main>
  );
}
