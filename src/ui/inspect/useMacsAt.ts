import { useEffect, useMemo, useState } from 'react';
import { emptyChoiceText, parseInputChoice, type InputChoiceText } from '../../state/input-choice';
import { macsAtChoice, type MacsResult } from '../../state/macs-at';
import type { LoadedModel } from '../../state/models';

/**
 * The inspect view's shape (and scalar value) fields and the MACs recounted there (in a worker, a quarter second after the last key).
 * `result` is null while nothing is set: the summary's own count (batch dims 1, other open dims unknown) stands.
 */
export function useMacsAt(model: LoadedModel) {
  const [text, setText] = useState<InputChoiceText>(emptyChoiceText);
  const [result, setResult] = useState<MacsResult | null>(null);
  const [pending, setPending] = useState(false);
  const [forId, setForId] = useState(model.id);
  if (forId !== model.id) {
    // Another model: its own fields, nothing set yet.
    setForId(model.id);
    setText(emptyChoiceText());
    setResult(null);
  }
  const parsed = useMemo(() => parseInputChoice(model.summary, text), [model.summary, text]);
  const key = JSON.stringify(parsed.choice);
  const c = parsed.choice;
  const nothingSet = [c.dims, c.shapes, c.values].every((x) => Object.keys(x ?? {}).length === 0);
  useEffect(() => {
    const ctrl = new AbortController();
    if (nothingSet) {
      setResult(null);
      setPending(false);
      return;
    }
    setPending(true);
    const timer = setTimeout(() => {
      void macsAtChoice(model, parsed.choice, ctrl.signal).then((r) => {
        if (ctrl.signal.aborted) return;
        setResult(r);
        setPending(false);
      });
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model.id, key]);
  return { text, setText, errors: parsed.errors, result, pending };
}
