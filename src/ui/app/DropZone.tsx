import { useState, type ReactNode } from 'react';
import { openDroppedFiles } from './samples';
import { droppedFiles } from './drop-files';

/** The whole window accepts dropped files: a model, or a model with its external data files. */
export function DropZone({ children, onOpened }: { children: ReactNode; onOpened?: (ok: boolean) => void }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className="app"
      data-testid="drop-zone"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void droppedFiles(e.dataTransfer).then(openDroppedFiles).then(onOpened);
      }}
    >
      {children}
      {over && (
        <div className="drop-overlay" aria-hidden>
          <div>Drop to open: an .onnx model (with its external data files if it has any), or a TF.js model folder or model.json with its shards</div>
        </div>
      )}
    </div>
  );
}
