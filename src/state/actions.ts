import { openInWorker } from '../workers/client';
import type { OpenResult, OpenSource } from '../workers/protocol';
import type { LoadedModel } from './models';
import { studio } from './store';
import { unusedId } from './ids';

/** Actions live at module level: components call them; tests call them without rendering. */

let current: AbortController | null = null;
let seq = 0;

async function open(
  source: OpenSource,
  label: string,
  kind: LoadedModel['source'],
  dataset?: LoadedModel['dataset'],
): Promise<boolean> {
  current?.abort();
  const ctrl = new AbortController();
  current = ctrl;
  studio.setState({ loading: { label, startedAt: performance.now() } });
  let result: OpenResult;
  try {
    result = await openInWorker(source, ctrl.signal);
  } finally {
    if (current === ctrl) {
      current = null;
      studio.setState({ loading: null });
    }
  }
  // A load superseded by a newer one (or cancelled) leaves the state alone, even if it finished.
  if (ctrl.signal.aborted) return false;
  if (!result.ok) {
    studio.setState({ error: { ...result.error, context: label } });
    return false;
  }
  const model: LoadedModel = {
    id: unusedId('m', () => ++seq, studio.getState().models),
    name: result.summary.fileName,
    source: kind,
    origin: source,
    dataset,
    summary: result.summary,
    readMs: result.readMs,
    parseMs: result.parseMs,
    loadedAt: Date.now(),
  };
  studio.setState((s) => ({ models: [...s.models, model], activeModelId: model.id, error: null }));
  return true;
}

/**
 * Files the user dropped or picked: one .onnx plus, optionally, its external data files (or a TF.js model.json and
 * shards). `dataset`: the labelled data they come with (a sample's own files: its test split).
 */
export function openFiles(files: File[], dataset?: LoadedModel['dataset']): Promise<boolean> {
  if (files.length === 0) return Promise.resolve(false);
  const label = files.length === 1 ? files[0].name : `${files.length} files`;
  return open({ kind: 'files', files }, label, 'file', dataset);
}

/** A sample shipped with the app (served from this origin). */
export async function openSample(url: string, name: string, dataset?: LoadedModel['dataset']): Promise<boolean> {
  return open({ kind: 'url', url, name }, name, 'sample', dataset);
}

export function cancelLoading(): void {
  current?.abort();
}

export function dismissError(): void {
  studio.setState({ error: null });
}

export function selectModel(id: string): void {
  if (studio.getState().models.some((m) => m.id === id)) studio.setState({ activeModelId: id });
}

export function closeModel(id: string): void {
  studio.setState((s) => {
    const models = s.models.filter((m) => m.id !== id);
    const activeModelId = s.activeModelId === id ? (models.at(-1)?.id ?? null) : s.activeModelId;
    return { models, activeModelId };
  });
}

export const activeModel = (s: ReturnType<typeof studio.getState>) =>
  s.models.find((m) => m.id === s.activeModelId) ?? null;
