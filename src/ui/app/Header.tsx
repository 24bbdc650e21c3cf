import { useEffect, useRef, useState } from 'react';
import { cancelLoading } from '../../state/actions';
import { useStudio } from '../../state/hooks';
import { ShareButton } from '../report/ShareButton';
import { ClearWorkspace } from './ClearWorkspace';
import { loadManifest, openDroppedFiles, openSampleById, type SampleEntry } from './samples';

export function Header({ onOpened }: { onOpened?: (ok: boolean) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const loading = useStudio((s) => s.loading);
  const [samples, setSamples] = useState<SampleEntry[]>([]);
  useEffect(() => {
    void loadManifest().then((m) => setSamples(m?.models ?? []));
  }, []);
  return (
    <header className="header">
      <div className="brand">
        <img src="/favicon.svg" alt="" width={28} height={28} />
        <div>
          <h1>Pareto Studio</h1>
          <span className="tagline">What does this model cost to run, and what do we give up to make it cheaper?</span>
        </div>
      </div>
      <div className="header-actions">
        {loading && (
          <span className="loading" role="status" data-testid="loading">
            <span className="spinner" aria-hidden /> Loading {loading.label}…
            <button className="link" onClick={cancelLoading}>
              Cancel
            </button>
          </span>
        )}
        {samples.length > 0 && (
          <select
            aria-label="Open a sample model"
            data-testid="sample-picker"
            value=""
            onChange={(e) => {
              if (e.target.value) void openSampleById(e.target.value).then(onOpened);
            }}
          >
            <option value="">Samples…</option>
            {samples.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
        <ShareButton />
        <ClearWorkspace />
        <button className="primary" onClick={() => input.current?.click()}>
          Open model…
        </button>
        <button onClick={() => folder.current?.click()} title="Open a folder: a TF.js model (model.json and its shards), or an .onnx with its data files">
          Open folder…
        </button>
        {[input, folder].map((ref) => (
          <input
            key={ref === input ? 'files' : 'folder'}
            ref={ref}
            type="file"
            multiple
            hidden
            data-testid={ref === input ? 'file-input' : 'folder-input'}
            {...(ref === folder ? { webkitdirectory: '' } : {})}
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void openDroppedFiles(files).then(onOpened);
            }}
          />
        ))}
      </div>
    </header>
  );
}
