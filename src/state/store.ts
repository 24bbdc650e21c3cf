import { createStore } from 'zustand/vanilla';
import { createModelsSlice, type ModelsSlice } from './models';
import { createVariantsSlice, type VariantsSlice } from './variants';
import { createBenchSlice, type BenchSlice } from './bench';
import { createCostSlice, type CostSlice } from './cost';
import { createWorkspaceSlice, type WorkspaceSlice } from './workspace';

/** The app's one store, built from slices; later features add theirs here. */
export type StudioState = ModelsSlice & VariantsSlice & BenchSlice & CostSlice & WorkspaceSlice;

const createStudioStore = () =>
  createStore<StudioState>()((...a) => ({
    ...createModelsSlice(...a),
    ...createVariantsSlice(...a),
    ...createBenchSlice(...a),
    ...createCostSlice(...a),
    ...createWorkspaceSlice(...a),
  }));

export const studio = createStudioStore();
