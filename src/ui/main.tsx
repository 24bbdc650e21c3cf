import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openDefaultSample } from './app/samples';
import { restoreWorkspace, startPersisting } from '../state/persist/persist';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// A saved workspace comes back as it was; on a first visit (nothing saved) there is a sample to explore.
void restoreWorkspace().then((restored) => {
  startPersisting();
  if (!restored) void openDefaultSample();
});
