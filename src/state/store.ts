import { createStore } from 'zustand/vanilla';
import { createModelsSlice, type ModelsSlice } from './models';

/** The app's one store, built from slices; later features add theirs here. */
export type StudioState = ModelsSlice;

export const createStudioStore = () =>
  createStore<StudioState>()((...a) => ({
    ...createModelsSlice(...a),
  }));

export const studio = createStudioStore();
