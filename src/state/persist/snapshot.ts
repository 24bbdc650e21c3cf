/**
 * The saved workspace, as records: what `meta` holds under "workspace" (small: no bytes, no model summaries), the
 * model summaries under "summary/<id>", and the bytes under "model/<id>/<i>" and "variant/<id>" in `blobs`.
 * Pure functions of the store's state (tested without a browser); persist.ts does the IndexedDB side.
 */
import type { ErrorInfo } from '../../core/errors';
import type { BenchRun } from '../bench';
import type { NamedScenario, TradeoffSettings } from '../cost';
import type { LoadedModel } from '../models';
import type { StudioState } from '../store';
import type { Variant } from '../variants';

export const WORKSPACE_VERSION = 1;
export const META_KEY = 'workspace';
export const summaryKey = (modelId: string) => `summary/${modelId}`;
export const modelBlobKey = (modelId: string, i: number) => `model/${modelId}/${i}`;
export const variantBlobKey = (variantId: string) => `variant/${variantId}`;
/** Each bench run and each variant's record is kept under its own key, so a save clones only what changed. */
export const runKey = (runId: string) => `run/${runId}`;
export const variantKey = (variantId: string) => `vmeta/${variantId}`;

/** Where a restored model's bytes come from: its URL on this origin (samples), or the files kept in `blobs`. */
export type OriginRecord = { kind: 'url'; url: string; name: string } | { kind: 'stored'; files: { name: string; key: string; bytes: number }[] };

export interface ModelRecord extends Omit<LoadedModel, 'origin' | 'summary'> {
  origin: OriginRecord;
}

export interface VariantRecord extends Omit<Variant, 'blob'> {
  /** Set when the variant has bytes (done). */
  blobKey?: string;
}

export interface WorkspaceMeta {
  version: typeof WORKSPACE_VERSION;
  savedAt: number;
  activeModelId: string | null;
  models: ModelRecord[];
  variants: VariantRecord[];
  benchRuns: BenchRun[];
  scenarios: NamedScenario[];
  activeScenarioId: string;
  tradeoff: TradeoffSettings;
}

/** The bytes of a model's origin, with names and sizes (a sample served by URL has none to keep). */
export function originFiles(m: LoadedModel): { name: string; data: Blob | ArrayBuffer; bytes: number }[] {
  const o = m.origin;
  if (o.kind === 'files') return o.files.map((f) => ({ name: f.name, data: f, bytes: f.size }));
  if (o.kind === 'buffers') return o.files.map((f) => ({ name: f.name, data: f.buffer, bytes: f.buffer.byteLength }));
  return [];
}

export function originRecord(m: LoadedModel): OriginRecord {
  if (m.origin.kind === 'url') return { kind: 'url', url: m.origin.url, name: m.origin.name };
  return { kind: 'stored', files: originFiles(m).map((f, i) => ({ name: f.name, key: modelBlobKey(m.id, i), bytes: f.bytes })) };
}

/**
 * The meta record of the state: every kept model (not those in `notKept`, nor their variants and runs), variants
 * without their bytes, bench runs, scenarios. Progress of running work is kept as it is; the restore marks it
 * interrupted.
 */
export function metaOf(s: StudioState, notKept: ReadonlySet<string>, now: number): WorkspaceMeta {
  const models = s.models.filter((m) => !notKept.has(m.id));
  const kept = new Set(models.map((m) => m.id));
  return {
    version: WORKSPACE_VERSION,
    savedAt: now,
    activeModelId: s.activeModelId !== null && kept.has(s.activeModelId) ? s.activeModelId : (models.at(-1)?.id ?? null),
    models: models.map((m) => {
      const { summary, origin, ...rest } = m;
      return { ...rest, origin: originRecord(m) };
    }),
    variants: s.variants.filter((v) => kept.has(v.modelId)).map(variantRecord),
    benchRuns: s.benchRuns.filter((r) => kept.has(r.modelId)),
    scenarios: s.scenarios,
    activeScenarioId: s.activeScenarioId,
    tradeoff: s.tradeoff,
  };
}

export function variantRecord(v: Variant): VariantRecord {
  const { blob, ...rest } = v;
  return blob ? { ...rest, blobKey: variantBlobKey(rest.id) } : rest;
}

/** What "workspace" holds: the meta without the runs and variants, which are stored under their own keys. */
export interface StoredHead extends Omit<WorkspaceMeta, 'benchRuns' | 'variants'> {
  runIds: string[];
  variantIds: string[];
}

export function splitMeta(meta: WorkspaceMeta): StoredHead {
  const { benchRuns, variants, ...head } = meta;
  return { ...head, runIds: benchRuns.map((r) => r.id), variantIds: variants.map((v) => v.id) };
}

/** The meta back from its head and the records under their keys (a record missing is left out). */
export function joinMeta(head: StoredHead, get: (key: string) => unknown): WorkspaceMeta {
  const { runIds, variantIds, ...rest } = head;
  return {
    ...rest,
    benchRuns: runIds.map((id) => get(runKey(id)) as BenchRun | undefined).filter((r): r is BenchRun => !!r),
    variants: variantIds.map((id) => get(variantKey(id)) as VariantRecord | undefined).filter((v): v is VariantRecord => !!v),
  };
}

const INTERRUPTED: ErrorInfo = { code: 'aborted', message: 'interrupted: the page was reloaded while it ran; run it again' };

/** What a restore puts back in the store (models need their summaries and bytes, found by the caller). */
export function restoredState(
  meta: WorkspaceMeta,
  found: { summaries: Map<string, LoadedModel['summary']>; blobs: Map<string, Blob | ArrayBuffer> },
): { state: Pick<StudioState, 'models' | 'activeModelId' | 'variants' | 'benchRuns' | 'scenarios' | 'activeScenarioId' | 'costDraft' | 'tradeoff'>; notes: string[] } {
  const notes: string[] = [];
  const models: LoadedModel[] = [];
  for (const r of meta.models) {
    const summary = found.summaries.get(r.id);
    const { origin, ...rest } = r;
    if (!summary) {
      notes.push(`${r.name} could not be restored: its summary is missing from the saved workspace.`);
      continue;
    }
    if (origin.kind === 'url') {
      models.push({ ...rest, summary, origin: { kind: 'url', url: origin.url, name: origin.name } });
      continue;
    }
    const files: File[] = [];
    for (const f of origin.files) {
      const data = found.blobs.get(f.key);
      if (data) files.push(new File([data], f.name, { type: 'application/octet-stream' }));
    }
    if (files.length !== origin.files.length) {
      notes.push(`${r.name} could not be restored: its bytes are missing from the browser's storage (cleared by the browser?).`);
      continue;
    }
    models.push({ ...rest, summary, origin: { kind: 'files', files } });
  }
  const ids = new Set(models.map((m) => m.id));
  const variants: Variant[] = [];
  for (const v of meta.variants) {
    if (!ids.has(v.modelId)) continue;
    const { blobKey, ...rest } = v;
    if (rest.status === 'running') {
      variants.push({ ...rest, status: 'cancelled', error: INTERRUPTED });
      continue;
    }
    if (blobKey) {
      const data = found.blobs.get(blobKey);
      if (!data) {
        notes.push(`Variant ${v.name} lost its bytes (not in the browser's storage): remake it.`);
        variants.push({ ...rest, status: 'failed', error: { code: 'internal', message: "its bytes are missing from the browser's storage: make it again" } });
        continue;
      }
      variants.push({ ...rest, blob: data instanceof Blob ? data : new Blob([data], { type: 'application/octet-stream' }) });
    } else variants.push(rest);
  }
  const benchRuns: BenchRun[] = meta.benchRuns
    .filter((r) => ids.has(r.modelId))
    .map((r) => ({
      ...r,
      cells: r.cells.map((c) => (c.status === 'running' || c.status === 'queued' ? { ...c, status: 'cancelled' as const, error: INTERRUPTED } : c)),
    }));
  const active = meta.scenarios.find((x) => x.id === meta.activeScenarioId) ?? meta.scenarios[0];
  return {
    state: {
      models,
      activeModelId: meta.activeModelId !== null && ids.has(meta.activeModelId) ? meta.activeModelId : (models.at(-1)?.id ?? null),
      variants,
      benchRuns,
      scenarios: meta.scenarios,
      activeScenarioId: active.id,
      costDraft: active.draft,
      tradeoff: { ...meta.tradeoff, compareModels: meta.tradeoff.compareModels ?? true },
    },
    notes,
  };
}

/** A meta record read back is only trusted when it has the shape this version writes. */
export function isStoredHead(x: unknown): x is StoredHead {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Partial<StoredHead>;
  return (
    m.version === WORKSPACE_VERSION &&
    Array.isArray(m.models) &&
    Array.isArray(m.variantIds) &&
    Array.isArray(m.runIds) &&
    Array.isArray(m.scenarios) &&
    m.scenarios.length > 0 &&
    typeof m.activeScenarioId === 'string' &&
    typeof m.tradeoff === 'object'
  );
}
