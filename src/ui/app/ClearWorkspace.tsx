import { useRef, useState } from 'react';
import { clearWorkspace } from '../../state/persist/persist';
import { openDefaultSample } from './samples';

/**
 * "Clear workspace": asks first (a modal dialog: focus moves into it, Escape or "Keep it" closes it), then removes
 * every model, variant, benchmark result and cost scenario from the page and from the browser's storage, and opens
 * the sample as on a first visit.
 */
export function ClearWorkspace() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const close = () => dialog.current?.close();
  return (
    <>
      <button className="small-button" onClick={() => dialog.current?.showModal()} data-testid="clear-workspace">
        Clear workspace
      </button>
      <dialog ref={dialog} className="confirm" aria-labelledby="clear-title" aria-describedby="clear-text" data-testid="clear-dialog">
        <h2 id="clear-title">Clear the workspace?</h2>
        <p id="clear-text">
          Every opened model, variant, benchmark result and cost scenario is removed from this page and from this browser's storage. Files on your disk
          are not touched. This cannot be undone.
        </p>
        <div className="confirm-actions">
          <button onClick={close} autoFocus data-testid="clear-cancel">
            Keep it
          </button>
          <button
            className="danger"
            disabled={busy}
            data-testid="clear-confirm"
            onClick={() => {
              setBusy(true);
              void clearWorkspace()
                .then(() => openDefaultSample())
                .finally(() => {
                  setBusy(false);
                  close();
                });
            }}
          >
            Clear workspace
          </button>
        </div>
      </dialog>
    </>
  );
}
