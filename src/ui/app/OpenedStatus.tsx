import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../../state/hooks';

const SHOWN_MS = 8000;

/**
 * "Opened mnist-mlp.onnx (sample): 105,866 parameters.": a status line when a model finishes loading, in every
 * view (Costs shows no model, so without it nothing there would change). The live region is always in the page,
 * so screen readers announce it.
 */
export function OpenedStatus() {
  const last = useStudio((s) => s.models.at(-1));
  const announced = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [text, setText] = useState('');
  useEffect(() => {
    // Only a model that was just added (closing the last tab makes an older one last: nothing to say).
    if (!last || announced.current.has(last.id)) return;
    announced.current.add(last.id);
    setText(`Opened ${last.name}${last.source === 'sample' ? ' (sample)' : ''}: ${last.summary.parameters.total.toLocaleString('en-US')} parameters.`);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setText(''), SHOWN_MS);
  }, [last]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <div role="status" className={text ? 'opened-status' : undefined} data-testid="opened-status">
      {text}
    </div>
  );
}
