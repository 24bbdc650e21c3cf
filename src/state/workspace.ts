import type { StateCreator } from 'zustand/vanilla';

/** What the workspace's persistence has to say: what was restored, what is not kept, and any storage error. */
export interface WorkspaceInfo {
  /** Set after a reload restored a saved workspace. */
  restored: { models: number; variants: number; runs: number; scenarios: number; savedAt: number } | null;
  /** Things the restore could not bring back, each a sentence. */
  restoreNotes: string[];
  /** Models too large to keep (each with the sentence that says so). */
  notKept: { id: string; why: string }[];
  /** The last storage error (quota, private mode...), shown until the next successful save or dismissed. */
  saveError: string | null;
  /** When the last save completed. */
  savedAt: number | null;
  /** What the last save kept (what a reload restores). */
  saved?: { models: number; variants: number; runs: number; scenarios: number };
  /** How long saves held the main thread since the page loaded (ms: the structured clones of what they wrote): the longest and the median. */
  saveBlock?: { maxMs: number; maxWhat: string; medianMs: number; saves: number };
}

export interface WorkspaceSlice {
  workspace: WorkspaceInfo;
}

export const emptyWorkspaceInfo = (): WorkspaceInfo => ({ restored: null, restoreNotes: [], notKept: [], saveError: null, savedAt: null });

export const createWorkspaceSlice: StateCreator<WorkspaceSlice, [], [], WorkspaceSlice> = () => ({ workspace: emptyWorkspaceInfo() });
