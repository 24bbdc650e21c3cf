import type { StateCreator } from 'zustand/vanilla';
import type { ErrorInfo } from '../core/errors';
import type { ModelSummary } from '../core/inspect/summary';
import type { OpenSource } from '../workers/protocol';

export interface LoadedModel {
  id: string;
  name: string;
  source: 'sample' | 'file';
  /** Where a worker reads the model from: File handles (bytes stay off the page's heap) or a URL on this origin. */
  origin: OpenSource;
  /** Labelled test inputs that come with a sample (an .npy on this origin), used by default for checks. */
  dataset?: { inputsUrl: string; labelsUrl?: string; name: string };
  summary: ModelSummary;
  readMs: number;
  parseMs: number;
  loadedAt: number;
}

export interface ModelsSlice {
  models: LoadedModel[];
  activeModelId: string | null;
  /** What is loading now (one at a time), for the progress indicator and Cancel. */
  loading: { label: string; startedAt: number } | null;
  /** The last error, shown until dismissed or replaced; never clears a loaded model. */
  error: (ErrorInfo & { context: string }) | null;
}

export const createModelsSlice: StateCreator<ModelsSlice, [], [], ModelsSlice> = () => ({
  models: [],
  activeModelId: null,
  loading: null,
  error: null,
});
