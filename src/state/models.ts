import type { StateCreator } from 'zustand/vanilla';
import type { ErrorInfo } from '../core/errors';
import type { ModelSummary } from '../core/inspect/summary';

export interface LoadedModel {
  id: string;
  name: string;
  source: 'sample' | 'file';
  /** The model's files as Blob/File handles: their bytes stay off the JS heap until a worker reads them. */
  files: Blob[];
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
