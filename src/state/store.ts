import { createStore } from 'zustand/vanilla';
import { createModelsSlice, type ModelsSlice } from './models';
import { createVariantsSlice, type VariantsSlice } from './variants';

/** The app's one store, built from slices; later features add theirs here. */
export type StudioState = ModelsSlice & VariantsSlice;

export const createStudioStore = () =>
  createStore<StudioState>()((...a) => ({
    ...createModelsSlice(...a),
    ...createVariantsSlice(...a),
  }));

export const studio = createStudioStore();
