import { useStore } from 'zustand';
import { studio, type StudioState } from './store';

export function useStudio<T>(selector: (s: StudioState) => T): T {
  return useStore(studio, selector);
}
