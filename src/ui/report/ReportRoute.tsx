import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';

const ReportPage = lazy(() => import('./ReportPage').then((m) => ({ default: m.ReportPage })));

/** Does the address hold a shared report (`#r=…`)? */
export const hasReportFragment = (hash: string = location.hash) => /^#(.*&)?r=/.test(hash);

/**
 * The shared report page when the address's fragment holds a report, else the studio. The fragment never left the
 * browser: the page decodes it here. "Open in studio" drops the fragment and shows the studio.
 */
export function ReportRoute({ children, onStudio }: { children: ReactNode; onStudio?: () => void }) {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  if (!hasReportFragment(hash)) return <>{children}</>;
  const leave = () => {
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    setHash('');
    onStudio?.();
  };
  return (
    <Suspense fallback={<p className="muted">Opening the report…</p>}>
      <ReportPage key={hash} fragment={hash} onOpenStudio={leave} />
    </Suspense>
  );
}
