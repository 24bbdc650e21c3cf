import { Fragment } from 'react';
import { formatBytes } from '../../core/units';
import type { Report } from '../../core/report/schema';
import { resultLabel } from '../../core/report/tco';
import { ms, num, pctValue } from '../cost/format';

/** Models and their variants, with what was degraded and why. Every string is rendered as text. */
export function ModelsTable({ report }: { report: Report }) {
  return (
    <section className="panel" data-testid="report-models">
      <h3>Models and variants</h3>
      <p className="muted small">Described, not included: a report never holds a model's weights.</p>
      <table className="table compact">
        <thead>
          <tr>
            <th>Model or variant</th>
            <th>Recipe</th>
            <th className="num">Size</th>
            <th className="num">Sparsity</th>
            <th>Degraded</th>
          </tr>
        </thead>
        <tbody>
          {report.models.map((m, mi) => (
            <Fragment key={`m${mi}`}>
              <tr data-testid="report-model">
                <td>
                  <strong data-testid="report-model-name">{m.name}</strong> <span className="muted small">{m.format}</span>
                  <div className="muted small">
                    {m.summary.parameters !== null && `${num(m.summary.parameters)} parameters · `}
                    {m.summary.opsets && `${m.summary.opsets} · `}
                    {m.summary.inputs.join('; ')}
                    {m.sha256 && <div title="SHA-256 of the model file">SHA-256 {m.sha256}</div>}
                  </div>
                </td>
                <td>original</td>
                <td className="num">{formatBytes(m.bytes)}</td>
                <td className="num">–</td>
                <td>–</td>
              </tr>
              {report.variants
                .filter((v) => v.model === mi)
                .map((v, vi) => (
                  <tr key={`m${mi}v${vi}`} data-testid="report-variant">
                    <td>{v.name}</td>
                    <td>{v.recipe}</td>
                    <td className="num">
                      {formatBytes(v.bytes)}
                      {v.gzipBytes !== null && <div className="muted small">gzip {formatBytes(v.gzipBytes)}</div>}
                    </td>
                    <td className="num">{v.sparsity === null ? '–' : `${(v.sparsity * 100).toFixed(1)}%`}</td>
                    <td>
                      {v.degraded === null ? (
                        <span className="badge warn">not judged</span>
                      ) : v.degraded ? (
                        <span className="badge bad" data-testid="report-degraded">degraded</span>
                      ) : (
                        <span className="badge good">no</span>
                      )}
                      {v.reasons.map((r, k) => (
                        <div key={k} className="small">{r}</div>
                      ))}
                      {v.rule && <div className="muted small">{v.rule}</div>}
                    </td>
                  </tr>
                ))}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Every result: latency per batch size, cold start, quality, and what it was measured on. */
export function ResultsTable({ report }: { report: Report }) {
  return (
    <section className="panel" data-testid="report-results">
      <h3>Benchmark results</h3>
      <table className="table compact">
        <thead>
          <tr>
            <th>Variant</th>
            <th>Backend</th>
            <th className="num">Batch</th>
            <th className="num">p50</th>
            <th className="num">p90</th>
            <th className="num">p99</th>
            <th className="num">Items/s</th>
            <th className="num">Cold start</th>
            <th>Quality</th>
            <th>Measured on</th>
          </tr>
        </thead>
        <tbody>
          {report.results.map((r, k) => {
            const names = resultLabel(report, r);
            const env = report.environments[r.environment];
            return r.batches.map((b, bi) => (
              <tr key={`${k}-${bi}`} data-testid="report-result" data-result={k} data-batch={b.batch}>
                {bi === 0 && (
                  <>
                    <td rowSpan={r.batches.length}>{report.models.length > 1 ? `${names.model} · ${names.variant}` : names.variant}</td>
                    <td rowSpan={r.batches.length}>
                      {names.backend}
                      <div className="muted small">{r.runtime}</div>
                    </td>
                  </>
                )}
                <td className="num">{b.batch}</td>
                <td className="num" data-testid="report-p50">{ms(b.p50Ms)}</td>
                <td className="num">{ms(b.p90Ms)}</td>
                <td className="num" data-testid="report-p99">{ms(b.p99Ms)}</td>
                <td className="num" data-testid="report-ips">{num(b.itemsPerSecond, 4)}</td>
                {bi === 0 && (
                  <>
                    <td className="num" rowSpan={r.batches.length}>
                      {ms(r.coldStart.createSessionMs)}
                      <div className="muted small">+ first run {ms(r.coldStart.firstRunMs)}</div>
                    </td>
                    <td rowSpan={r.batches.length} data-testid="report-quality">
                      {r.quality ? `${pctValue(r.quality.value)} ${r.quality.label}` : '–'}
                      {r.quality && r.quality.lower !== null && r.quality.upper !== null && (
                        <div className="muted small">95% CI {pctValue(r.quality.lower)} – {pctValue(r.quality.upper)}</div>
                      )}
                      <div className="muted small">
                        on {r.data.name}
                        {r.data.items !== null && ` (${num(r.data.items)} items${r.data.labelled ? ', labelled' : ''})`}
                      </div>
                    </td>
                    <td rowSpan={r.batches.length} className="small" data-testid="report-env">
                      {env ? (
                        <>
                          {env.host}
                          {env.cores !== null && `, ${env.cores} cores`}
                          {env.cpu && `, ${env.cpu}`}
                          {env.crossOriginIsolated !== null && `, ${env.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated'}`}
                          {env.gpu && <div>GPU: {env.gpu}</div>}
                          {env.gpuFallback && r.backend === 'webgpu' && <span className="badge warn">software WebGPU adapter: not a real GPU's speed</span>}
                        </>
                      ) : (
                        '–'
                      )}
                      {r.inputSpec.map((l, i) => (
                        <div key={i} className="muted">{l}</div>
                      ))}
                      {r.notes.map((l, i) => (
                        <div key={`n${i}`} className="muted">{l}</div>
                      ))}
                    </td>
                  </>
                )}
              </tr>
            ));
          })}
        </tbody>
      </table>
    </section>
  );
}
