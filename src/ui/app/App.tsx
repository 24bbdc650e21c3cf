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
import { NextStepPointer } from './NextStepPointer';
import { OpenedStatus } from './OpenedStatus';
import { WorkspaceStatus } from './WorkspaceStatus';
import { VIEW_LABELS, type View } from './next-step';

const CostsPanel = lazy(() => import('../cost/CostsPanel').then((m) => ({ default: m.CostsPanel })));
const TradeoffPanel = lazy(() => import('../cost/TradeoffPanel').then((m) => ({ default: m.TradeoffPanel })));

export function App() {
  const model = useStudio(activeModel);
  const loading = useStudio((s) => s.loading);
  const [view, setView] = useState<View>('inspect');
  // A model the user opens is shown: from Costs (the one view that shows no model) the app goes to Inspect.
  const onOpened = (ok: boolean) => {
    if (ok) setView((v) => (v === 'costs' ? 'inspect' : v));
  };
  return (
    <DropZone onOpened={onOpened}>
      <Header onOpened={onOpened} />
      <main className="main">
        <OpenedStatus />
        <ErrorBanner />
        <WorkspaceStatus />
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
          <>
            <h2 className="visually-hidden">Costs</h2>
            <Suspense fallback={<p className="muted">Loading the calculator…</p>}>
              <CostsPanel />
            </Suspense>
          </>
        ) : model ? (
          <>
            {/* Each view's panels are h3s; the view itself is the h2 (Inspect's is the model's name). */}
            {view !== 'inspect' && <h2 className="visually-hidden">{VIEW_LABELS[view]}</h2>}
            {view === 'inspect' && (
              // The summary is long (a layer table): its pointer sits under the cards, where a newcomer still looks.
              <ModelSummaryView key={model.id} model={model} next={<NextStepPointer view="inspect" modelId={model.id} onGo={setView} />} />
            )}
            {view === 'optimize' && <OptimizePanel key={model.id} model={model} />}
            {view === 'benchmark' && <BenchPanel key={model.id} model={model} />}
            {view === 'tradeoff' && (
              <Suspense fallback={<p className="muted">Loading…</p>}>
                <TradeoffPanel key={model.id} model={model} onOpenCosts={() => setView('costs')} />
              </Suspense>
            )}
            {view !== 'inspect' && <NextStepPointer view={view} modelId={model.id} onGo={setView} />}
          </>
        ) : (
          !loading && (
            <section className="empty" data-testid="empty-state">
              <h2>Drop an ONNX model anywhere on this page</h2>
              <p>
                Or use <strong>Open model</strong> above. Models with external data: select the <code>.onnx</code>{' '}
                together with its data files; a TF.js model: drop its folder, or select its <code>model.json</code> with
                its shards. Nothing is uploaded: the model never leaves this machine.
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
