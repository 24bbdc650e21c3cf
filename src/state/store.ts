import { createStore } from 'zustand/vanilla';
import { createModelsSlice, type ModelsSlice } from './models';
import { createVariantsSlice, type VariantsSlice } from './variants';
import { createBenchSlice, type BenchSlice } from './bench';
import { createCostSlice, type CostSlice } from './cost';

/** The app's one store, built from slices; later features add theirs here. */
export type StudioState = ModelsSlice & VariantsSlice & BenchSlice & CostSlice;

const createStudioStore = () =>
  createStore<StudioState>()((...a) => ({
    ...createModelsSlice(...a),
    ...createVariantsSlice(...a),
    ...createBenchSlice(...a),
    ...createCostSlice(...a),
  }));

export const studio = createStudioStore();
