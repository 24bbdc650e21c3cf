import { lazy, Suspense, useState } from 'react';
import { activeModel } from '../../state/actions';
import { OptimizePanel } from '../optimize/OptimizePanel';
import { BenchPanel } from '../bench/BenchPanel';
import { useStudio } from '../../state/hooks';
import { ModelSummaryView } from '../inspect/ModelSummaryView';
import { DropZone } from './DropZone';
import { ErrorBanner } from './ErrorBanner';
import { Header } from './Header';
import { ModelTabs } from './ModelTabs';

const CostsPanel = lazy(() => import('../cost/CostsPanel').then((m) => ({ default: m.CostsPanel })));
const TradeoffPanel = lazy(() => import('../cost/TradeoffPanel').then((m) => ({ default: m.TradeoffPanel })));
const VIEW_LABELS = { inspect: 'Inspect', optimize: 'Optimize', benchmark: 'Benchmark', tradeoff: 'Trade-off', costs: 'Costs' } as const;
type View = keyof typeof VIEW_LABELS;

export function App() {
  const model = useStudio(activeModel);
  const loading = useStudio((s) => s.loading);
  const [view, setView] = useState<View>('inspect');
  return (
    <DropZone>
      <Header />
      <main className="main">
        <ErrorBanner />
        <ModelTabs />
        <nav className="views" aria-label="Views">
          {model &&
            (['inspect', 'optimize', 'benchmark', 'tradeoff'] as const).map((v) => (
              <button key={v} className={view === v ? 'on' : ''} onClick={() => setView(v)} aria-pressed={view === v}>
                {VIEW_LABELS[v]}
              </button>
            ))}
          <button className={`views-costs${view === 'costs' ? ' on' : ''}`} onClick={() => setView('costs')} aria-pressed={view === 'costs'} title="The cost calculator: works without a model">
            Costs
          </button>
        </nav>
        {view === 'costs' ? (
          <Suspense fallback={<p className="muted">Loading the calculator…</p>}>
            <CostsPanel />
          </Suspense>
        ) : model ? (
          <>
            {view === 'inspect' && <ModelSummaryView key={model.id} model={model} />}
            {view === 'optimize' && <OptimizePanel key={model.id} model={model} />}
            {view === 'benchmark' && <BenchPanel key={model.id} model={model} />}
            {view === 'tradeoff' && (
              <Suspense fallback={<p className="muted">Loading…</p>}>
                <TradeoffPanel key={model.id} model={model} onOpenCosts={() => setView('costs')} />
              </Suspense>
            )}
          </>
        ) : (
          !loading && (
            <section className="empty" data-testid="empty-state">
              <h2>Drop an ONNX model anywhere on this page</h2>
              <p>
                Or use <strong>Open model</strong> above. Models with external data: select the <code>.onnx</code>{' '}
                together with its data files. Nothing is uploaded: the model never leaves this machine.
              </p>
              <p>
                No model yet? <strong>Costs</strong> works from typed-in figures.
              </p>
            </section>
          )
        )}
      </main>
    </DropZone>
  );
}
