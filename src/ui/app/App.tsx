import { useState } from 'react';
import { activeModel } from '../../state/actions';
import { OptimizePanel } from '../optimize/OptimizePanel';
import { BenchPanel } from '../bench/BenchPanel';
import { useStudio } from '../../state/hooks';
import { ModelSummaryView } from '../inspect/ModelSummaryView';
import { DropZone } from './DropZone';
import { ErrorBanner } from './ErrorBanner';
import { Header } from './Header';
import { ModelTabs } from './ModelTabs';

export function App() {
  const model = useStudio(activeModel);
  const loading = useStudio((s) => s.loading);
  const [view, setView] = useState<'inspect' | 'optimize' | 'benchmark'>('inspect');
  return (
    <DropZone>
      <Header />
      <main className="main">
        <ErrorBanner />
        <ModelTabs />
        {model ? (
          <>
            <nav className="views" aria-label="Views">
              {(['inspect', 'optimize', 'benchmark'] as const).map((v) => (
                <button key={v} className={view === v ? 'on' : ''} onClick={() => setView(v)} aria-pressed={view === v}>
                  {v === 'inspect' ? 'Inspect' : v === 'optimize' ? 'Optimize' : 'Benchmark'}
                </button>
              ))}
            </nav>
            {view === 'inspect' && <ModelSummaryView key={model.id} model={model} />}
            {view === 'optimize' && <OptimizePanel key={model.id} model={model} />}
            {view === 'benchmark' && <BenchPanel key={model.id} model={model} />}
          </>
        ) : (
          !loading && (
            <section className="empty" data-testid="empty-state">
              <h2>Drop an ONNX model anywhere on this page</h2>
              <p>
                Or use <strong>Open model</strong> above. Models with external data: select the <code>.onnx</code>{' '}
                together with its data files. Nothing is uploaded: the model never leaves this machine.
              </p>
            </section>
          )
        )}
      </main>
    </DropZone>
  );
}
