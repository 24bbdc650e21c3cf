import { useStudio } from '../../state/hooks';
import { nextStep, VIEW_LABELS, type View } from './next-step';

/** "Next: …" under each view, with a button to the next one (Inspect → Optimize → Benchmark → Trade-off → Costs). */
export function NextStepPointer({ view, modelId, onGo }: { view: View; modelId: string; onGo: (v: View) => void }) {
  const variantsDone = useStudio((s) => s.variants.filter((v) => v.modelId === modelId && v.status === 'done').length);
  const benchCellsDone = useStudio((s) =>
    s.benchRuns.filter((r) => r.modelId === modelId).reduce((n, r) => n + r.cells.filter((c) => c.status === 'done').length, 0),
  );
  const step = nextStep(view, true, { variantsDone, benchCellsDone });
  if (!step) return null;
  return (
    <aside className="next-step" aria-label="Next step" data-testid="next-step" data-next={step.view}>
      <span>{step.text}</span>
      {/* A link, not a button: it goes somewhere (and the view switch above keeps the only buttons named after views). */}
      <a
        className="small-button"
        href={`#${step.view}`}
        onClick={(e) => {
          e.preventDefault();
          onGo(step.view);
        }}
        data-testid="next-step-go"
      >
        Go to {VIEW_LABELS[step.view]} →
      </a>
    </aside>
  );
}
