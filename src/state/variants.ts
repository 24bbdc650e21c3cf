import type { StateCreator } from 'zustand/vanilla';
import type { ErrorInfo } from '../core/errors';
import type { Recipe } from '../core/transforms/recipe';
import type { Progress } from '../core/transforms/types';
import type { DataSource, VariantMetrics } from '../workers/protocol';

export type { DataSource, VariantMetrics };

export interface Variant {
  id: string;
  /** The loaded model it was made from. */
  modelId: string;
  name: string;
  recipe: Recipe;
  data: DataSource;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: Progress;
  startedAt: number;
  metrics?: VariantMetrics;
  /** The variant's .onnx bytes (a Blob: kept off the JS heap, downloadable). */
  blob?: Blob;
  error?: ErrorInfo;
}

export interface VariantsSlice {
  variants: Variant[];
}

export const createVariantsSlice: StateCreator<VariantsSlice, [], [], VariantsSlice> = () => ({
  variants: [],
});
