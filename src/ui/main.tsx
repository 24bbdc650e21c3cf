import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openDefaultSample } from './app/samples';
import { restoreWorkspace, startPersisting } from '../state/persist/persist';
import { studio } from '../state/store';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// A saved workspace comes back as it was; on a first visit (nothing saved) there is a sample to explore.
void restoreWorkspace().then((restored) => {
  startPersisting();
  // A restored workspace wins; one with no model left (cleared, or every tab closed) gets the sample, as a first visit.
  if (!restored || studio.getState().models.length === 0) void openDefaultSample();
});
