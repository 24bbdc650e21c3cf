import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openDefaultSample } from './app/samples';
import { hasReportFragment, ReportRoute } from './report/ReportRoute';
import { restoreWorkspace, startPersisting } from '../state/persist/persist';
import { studio } from '../state/store';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* A shared report (#r=…) shows the read-only report page; "Open in studio" continues to the studio. */}
    <ReportRoute onStudio={() => studio.getState().models.length === 0 && void openDefaultSample()}>
      <App />
    </ReportRoute>
  </StrictMode>,
);

// A saved workspace comes back as it was; on a first visit (nothing saved) there is a sample to explore — but not
// behind a shared report's page, which shows the report alone ("Open in studio" continues with the workspace).
void restoreWorkspace().then((restored) => {
  startPersisting();
  // A restored workspace wins; one with no model left (cleared, or every tab closed) gets the sample, as a first visit.
  if (!hasReportFragment() && (!restored || studio.getState().models.length === 0)) void openDefaultSample();
});
