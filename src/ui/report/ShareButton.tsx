import { useState } from 'react';
import { JsonFileButton } from '../app/JsonFileButton';
import type { ShareResult } from '../../state/report';
import { ExportButtons } from './ExportButtons';

/**
 * Share: the workspace's results as a link whose fragment holds the report (nothing is sent anywhere). Over the link
 * budget the link is not offered: the report file is.
 */
export function ShareButton() {
  const [share, setShare] = useState<ShareResult | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  /** A report file opens as its link would: the report page, from a fragment made here (nothing leaves the page). */
  const openFile = async (f: File) => {
    setFileError(null);
    try {
      if (f.size > 8 * 1024 * 1024) throw new Error(`it is ${Math.round(f.size / 1e6)} MB: not a report this studio made`);
      const { encodeReport, FRAGMENT_KEY, parseReportFile } = await import('../../core/report/codec');
      const report = parseReportFile(await f.text());
      location.hash = `${FRAGMENT_KEY}=${encodeReport(report)}`;
    } catch (e) {
      setFileError(`${f.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const open = async () => {
    setCopied(null);
    // Loaded when used: the studio's first page stays small.
    const { shareLink } = await import('../../state/report');
    const r = shareLink(`${location.origin}${location.pathname}`);
    setShare(r);
    if (r.ok && r.fits) {
      navigator.clipboard?.writeText(r.link).then(
        () => setCopied('Copied to the clipboard.'),
        () => setCopied('Select the link and copy it.'),
      );
    }
  };
  return (
    <>
      <JsonFileButton label="Open report…" title="Open a report file (JSON) someone shared" testId="open-report" inputTestId="report-file-input" onFile={(f) => void openFile(f)} />
      {fileError && (
        <p className="error-banner share-file-error" role="alert" data-testid="report-file-error">
          {fileError}{' '}
          <button className="link" onClick={() => setFileError(null)}>
            Dismiss
          </button>
        </p>
      )}
      <button onClick={() => void open()} data-testid="share" title="A link that holds the results: nothing is uploaded">
        Share
      </button>
      {share && (
        <div className="share-dialog panel" role="dialog" aria-label="Share the results" data-testid="share-dialog">
          <div className="cost-chart-head">
            <h3>Share the results</h3>
            <button className="link" onClick={() => setShare(null)}>
              Close
            </button>
          </div>
          {!share.ok ? (
            <p className="error-banner" role="alert">
              The report could not be made: {share.message}
            </p>
          ) : share.fits ? (
            <>
              <p className="muted small">
                The link holds the report in its fragment (after <code>#</code>), which browsers never send to a server: the results reach whoever opens it, and nobody else. It
                has the benchmark results, what was degraded, the environments and the cost scenario; never the models.
              </p>
              <input readOnly value={share.link} data-testid="share-link" aria-label="Share link" onFocus={(e) => e.target.select()} className="share-link" />
              <p className="muted small" data-testid="share-size">
                {share.link.length.toLocaleString('en-US')} characters{copied ? ` · ${copied}` : ''}
              </p>
            </>
          ) : (
            <p className="error-banner" data-testid="share-too-long">
              The link would be {share.link.length.toLocaleString('en-US')} characters, over the {share.limit.toLocaleString('en-US')} that links reliably survive in chat tools and
              mail: share the report file (JSON) instead; the studio opens it the same way.
            </p>
          )}
          {share.ok && <ExportButtons report={share.report} link={share.fits ? share.link : undefined} label="Report file" />}
        </div>
      )}
    </>
  );
}
