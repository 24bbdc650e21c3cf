import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openDefaultSample } from './app/samples';
import { hasReportFragment, ReportRoute } from './report/ReportRoute';
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

// There is something to explore before the user has a model of their own (not behind a shared report's page).
if (!hasReportFragment()) void openDefaultSample();
