import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes, formatPercent } from '../../core/units';
import { useStudio } from '../../state/hooks';
import type { LoadedModel } from '../../state/models';
import { cancelVariant, removeVariant, variantsOf } from '../../state/variant-actions';
import type { Variant } from '../../state/variants';
import { sizeChange } from '../../core/units';
import { tfjsZip } from '../../core/formats/tfjs/zip';

/** In the size column (headed "× smaller"): `4.0×`, `8% smaller`, `same size`, `3% larger`. */
const shortSizeChange = (before: number, after: number) => sizeChange(before, after).replace(/× smaller$/, '×');

const fileNameFor = (model: LoadedModel, v: Variant) =>
  `${model.name.replace(/\.onnx$/i, '').replace(/(^|\/)model\.json$/i, '$1model').replace(/\.json$/i, '')}.${v.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.onnx`;

/** A TF.js variant: a zip of model.json and its shards, made when asked for. */
function TfjsDownload({ model, variant }: { model: LoadedModel; variant: Variant }) {
  const save = async () => {
    const zip = tfjsZip(new Uint8Array(await variant.blob!.arrayBuffer()));
    const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileNameFor(model, variant).replace(/\.onnx$/, '.tfjs.zip');
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <button className="button" onClick={() => void save()} data-testid="download-variant">
      Download .zip (model.json + shards)
    </button>
  );
}

function Download({ model, variant }: { model: LoadedModel; variant: Variant }) {
  if (model.summary.format === 'tfjs') return variant.blob ? <TfjsDownload model={model} variant={variant} /> : null;
  return <OnnxDownload model={model} variant={variant} />;
}

function OnnxDownload({ model, variant }: { model: LoadedModel; variant: Variant }) {
  const url = useMemo(() => (variant.blob ? URL.createObjectURL(variant.blob) : null), [variant.blob]);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  if (!url) return null;
  return (
    <a className="button" href={url} download={fileNameFor(model, variant)} data-testid="download-variant">
      Download .onnx
    </a>
  );
}

function firstFidelity(v: Variant) {
  const f = v.metrics?.fidelity;
  return f ? Object.values(f)[0] : undefined;
}

export function VariantsTable({ model }: { model: LoadedModel }) {
  const variants = useStudio(useShallow(variantsOf(model.id)));
  const [open, setOpen] = useState<string | null>(null);
  if (variants.length === 0) return <p className="muted" data-testid="no-variants">No variants yet: pick a recipe above and make one.</p>;
  const base = variants.find((v) => v.metrics)?.metrics?.original;
  return (
    <div data-testid="variants">
      <table className="table">
        <thead>
          <tr>
            <th>variant</th>
            <th>status</th>
            <th className="num" title="raw file size, and how much smaller than the original">size (× smaller)</th>
            <th className="num">gzip</th>
            <th className="num">sparsity</th>
            <th className="num">quantized</th>
            <th className="num">time</th>
            <th className="num">rel. error</th>
            <th className="num">cosine</th>
            <th className="num">top-1 agree</th>
            <th><span className="visually-hidden">actions</span></th>
          </tr>
        </thead>
        <tbody>
          {base && (
            <tr className="baseline" data-testid="variant-original">
              <td>original (float)</td>
              <td />
              <td className="num">{formatBytes(base.bytes)}</td>
              <td className="num">{base.gzipBytes ? formatBytes(base.gzipBytes) : '–'}</td>
              <td className="num">{formatPercent(base.composition.sparsity)}</td>
              <td className="num">{formatPercent(base.composition.quantizedShare, 0)}</td>
              <td colSpan={5} />
            </tr>
          )}
          {variants.map((v) => {
            const m = v.metrics;
            const f = firstFidelity(v);
            return [
              <tr
                key={v.id}
                data-testid="variant-row"
                data-status={v.status}
                data-variant-name={v.name}
                data-duration-ms={m?.durationMs}
                data-degraded={m?.verdict ? String(m.verdict.degraded) : undefined}
              >
                <td>
                  <button className="link plain" onClick={() => setOpen(open === v.id ? null : v.id)} aria-expanded={open === v.id}>
                    {open === v.id ? '▾' : '▸'} {v.name}
                  </button>
                </td>
                <td className="status">
                  {v.status === 'running' ? (
                    <span className="progress-cell">
                      <progress max={1} value={v.progress.fraction} aria-label={`Progress of ${v.name}`} />
                      <span className="small muted">{v.progress.stage}</span>
                      <button className="link" onClick={() => cancelVariant(v.id)} data-testid="cancel-variant">Cancel</button>
                    </span>
                  ) : v.status === 'done' ? (
                    <>
                      <span className="ok">done</span>
                      {m?.verdict?.degraded && (
                        <span className="badge bad" data-testid="degraded-badge" title={m.verdict.reasons.join('\n')}>
                          degraded
                        </span>
                      )}
                      {m && !m.fidelity && (
                        <span className="badge warn" data-testid="not-compared-badge" title={m.fidelityNote}>
                          not compared
                        </span>
                      )}
                    </>
                  ) : (
                    <span className={v.status === 'failed' ? 'bad' : 'muted'} title={v.error?.message}>
                      {v.status}
                    </span>
                  )}
                </td>
                <td className="num" title={m ? `${formatBytes(m.original.bytes)} → ${formatBytes(m.size.bytes)}: ${sizeChange(m.original.bytes, m.size.bytes)}` : undefined}>
                  {m ? `${formatBytes(m.size.bytes)} (${shortSizeChange(m.original.bytes, m.size.bytes)})` : ''}
                </td>
                <td className="num">{m?.size.gzipBytes ? formatBytes(m.size.gzipBytes) : ''}</td>
                <td className="num">{m ? formatPercent(m.composition.sparsity) : ''}</td>
                <td className="num">{m ? formatPercent(m.composition.quantizedShare, 0) : ''}</td>
                <td className="num">{m ? `${(m.durationMs / 1000).toFixed(2)} s` : ''}</td>
                <td className="num">{f ? f.relativeL2.toExponential(2) : ''}</td>
                <td className="num">{f ? f.cosine.toFixed(5) : ''}</td>
                <td className="num">{f && Number.isFinite(f.top1Agreement) ? formatPercent(f.top1Agreement) : ''}</td>
                <td className="actions">
                  {v.status === 'done' && <Download model={model} variant={v} />}
                  {v.status !== 'running' && (
                    <button className="link" onClick={() => removeVariant(v.id)} aria-label={`Remove ${v.name}`}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>,
              (open === v.id || v.status === 'failed') && (
                <tr key={`${v.id}-details`} className="details">
                  <td colSpan={11}>
                    {v.error && v.status === 'failed' && <p className="field-error" data-testid="variant-error">{v.error.message}</p>}
                    {m && (
                      <>
                        <p className="small muted">
                          {m.fidelity ? `Compared on ${m.fidelityNote}.` : `Fidelity not measured: ${m.fidelityNote}.`} Sizes: {m.size.gzipMethod}.
                        </p>
                        {m.verdict && (
                          <p className={m.verdict.degraded ? 'small bad' : 'small muted'} data-testid="verdict">
                            {m.verdict.degraded ? `Degraded: ${m.verdict.reasons.join('; ')}.` : 'Not degraded'} ({m.verdict.rule}.)
                          </p>
                        )}
                        {m.reports.map((r, i) => (
                          <div key={i}>
                            <strong>{r.transform}</strong>
                            {r.notes.length > 0 && (
                              <ul>
                                {r.notes.map((n) => <li key={n}>{n}</li>)}
                              </ul>
                            )}
                            {r.skipped.length > 0 && (
                              <>
                                <div className="small">Left in float / untouched:</div>
                                <ul data-testid="skipped">
                                  {r.skipped.map((s) => (
                                    <li key={s.node}>
                                      <code>{s.node}</code> ({s.opType}): {s.reason}
                                    </li>
                                  ))}
                                </ul>
                              </>
                            )}
                          </div>
                        ))}
                      </>
                    )}
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}
