/**
 * Keeps the workspace in IndexedDB: model bytes and variant bytes once each (as Blobs/ArrayBuffers, which the
 * browser writes off the main thread), model summaries once each, and a small meta record (models, variants, runs,
 * scenarios) written at most once a second after a change. A reload restores it (restoreWorkspace); Clear workspace
 * wipes it. Storage errors land in the store's `workspace.saveError` (shown by the app), never swallowed.
 */
import { initialCostState } from '../cost';
import { studio, type StudioState } from '../store';
import { emptyWorkspaceInfo } from '../workspace';
import { keepDecision, modelCap, type StorageEstimateLike } from './cap';
import { openIdb, type Idb } from './idb';
import { isStoredHead, joinMeta, META_KEY, metaOf, modelBlobKey, originFiles, restoredState, runKey, splitMeta, summaryKey, variantBlobKey, variantKey, variantRecord } from './snapshot';

const DB_NAME = 'pareto-studio-workspace';
const META_INTERVAL_MS = 1000;

let db: Promise<Idb> | null = null;
const database = () => (db ??= openIdb(DB_NAME));

/** What is already in storage, so each model's and variant's bytes are written once. */
const written = { models: new Set<string>(), variants: new Set<string>() };
/** The run and variant objects last written under each key (the store replaces an object when it changes). */
const records = new Map<string, unknown>();
const notKept = new Set<string>();
let unsubscribe: (() => void) | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let saving: Promise<void> | null = null;
let dirty = false;
let lastMetaAt = 0;
/** How long each save held the main thread (ms), the last 200. */
const blocks: number[] = [];

const setInfo = (patch: Partial<StudioState['workspace']>) => studio.setState((s) => ({ workspace: { ...s.workspace, ...patch } }));
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function estimate(): Promise<StorageEstimateLike | null> {
  try {
    return (await navigator.storage?.estimate?.()) ?? null;
  } catch {
    return null; // no estimate: the cap without one applies (cap.ts)
  }
}

/**
 * Runs a write and returns its promise, adding the time its synchronous part held the main thread (the structured
 * clone happens there; the bytes are written by the browser off it) to `block`.
 */
function timed(block: { ms: number; what: string }, what: string, write: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const p = write();
  const ms = performance.now() - t0;
  if (ms > block.ms) Object.assign(block, { ms, what });
  return p;
}

/** A variant or a benchmark is running: bytes wait (copying a model into storage would disturb the timings). */
const busy = (s: StudioState) =>
  s.variants.some((v) => v.status === 'running') || s.benchRuns.some((r) => r.cells.some((c) => c.status === 'running' || c.status === 'queued'));

/**
 * Writes what changed: new models' bytes and summaries, new variants' bytes, removals, then the meta record. While
 * work runs, bytes wait until it ends, and what has no bytes stored yet stays out of the meta record.
 */
async function save(): Promise<void> {
  const idb = await database();
  const s = studio.getState();
  const deferBytes = busy(s);
  const block = { ms: 0, what: '' };
  const liveModels = new Set(s.models.map((m) => m.id));
  const liveVariants = new Set(s.variants.filter((v) => v.blob).map((v) => v.id));
  const fresh = deferBytes ? [] : s.models.filter((m) => !written.models.has(m.id) && !notKept.has(m.id));
  if (fresh.length > 0) {
    const cap = modelCap(await estimate());
    for (const m of fresh) {
      const files = originFiles(m);
      const bytes = files.reduce((a, f) => a + f.bytes, 0);
      const decision = keepDecision(m.name, bytes, cap);
      if (!decision.keep) {
        notKept.add(m.id);
        setInfo({ notKept: [...studio.getState().workspace.notKept, { id: m.id, why: decision.why }] });
        continue;
      }
      try {
        await timed(block, `model ${m.name}`, () => idb.write([
          ...files.map((f, i) => ({ store: 'blobs' as const, key: modelBlobKey(m.id, i), value: f.data })),
          { store: 'meta', key: summaryKey(m.id), value: m.summary },
        ]));
        written.models.add(m.id);
      } catch (e) {
        notKept.add(m.id);
        setInfo({ notKept: [...studio.getState().workspace.notKept, { id: m.id, why: `${m.name} could not be kept: ${message(e)}. The rest of the workspace is kept.` }] });
      }
    }
  }
  const removals: { store: 'meta' | 'blobs'; key: string; del: true }[] = [];
  for (const id of [...written.models]) {
    if (liveModels.has(id)) continue;
    written.models.delete(id);
    removals.push({ store: 'meta', key: summaryKey(id), del: true });
    for (let i = 0; i < 64; i++) removals.push({ store: 'blobs', key: modelBlobKey(id, i), del: true });
  }
  for (const id of [...written.variants]) {
    if (liveVariants.has(id)) continue;
    written.variants.delete(id);
    removals.push({ store: 'blobs', key: variantBlobKey(id), del: true });
  }
  const freshVariants = deferBytes ? [] : s.variants.filter((v) => v.blob && !written.variants.has(v.id) && !notKept.has(v.modelId));
  if (freshVariants.length > 0) {
    await timed(block, 'variants', () => idb.write(freshVariants.map((v) => ({ store: 'blobs' as const, key: variantBlobKey(v.id), value: v.blob }))));
    for (const v of freshVariants) written.variants.add(v.id);
  }
  const now = Date.now();
  const pending = new Set([...notKept, ...s.models.filter((m) => !written.models.has(m.id)).map((m) => m.id)]);
  const ready = { ...s, variants: s.variants.filter((v) => !v.blob || written.variants.has(v.id)) };
  const meta = metaOf(ready, pending, now);
  const ops: Parameters<Idb['write']>[0] = [...removals];
  const live = new Set<string>();
  for (const r of s.benchRuns) {
    if (!meta.benchRuns.some((x) => x === r)) continue;
    live.add(runKey(r.id));
    if (records.get(runKey(r.id)) !== r) ops.push({ store: 'meta', key: runKey(r.id), value: r });
  }
  const changedVariants = ready.variants.filter((v) => !pending.has(v.modelId) && records.get(variantKey(v.id)) !== v);
  for (const v of ready.variants) if (!pending.has(v.modelId)) live.add(variantKey(v.id));
  for (const v of changedVariants) ops.push({ store: 'meta', key: variantKey(v.id), value: variantRecord(v) });
  for (const key of records.keys()) if (!live.has(key)) ops.push({ store: 'meta', key, del: true });
  ops.push({ store: 'meta', key: META_KEY, value: splitMeta(meta) });
  await timed(block, 'meta', () => idb.write(ops));
  for (const key of [...records.keys()]) if (!live.has(key)) records.delete(key);
  for (const r of s.benchRuns) if (live.has(runKey(r.id))) records.set(runKey(r.id), r);
  for (const v of changedVariants) records.set(variantKey(v.id), v);
  lastMetaAt = performance.now();
  blocks.push(block.ms);
  if (blocks.length > 200) blocks.shift();
  const sorted = [...blocks].sort((a, b) => a - b);
  const prev = studio.getState().workspace.saveBlock;
  setInfo({
    saveError: null,
    savedAt: now,
    saved: { models: meta.models.length, variants: meta.variants.length, runs: meta.benchRuns.length, scenarios: meta.scenarios.length },
    saveBlock: { maxMs: Math.max(block.ms, prev?.maxMs ?? 0), maxWhat: prev && prev.maxMs >= block.ms ? prev.maxWhat : block.what, medianMs: sorted[sorted.length >> 1], saves: blocks.length },
  });
}

function runSave(): void {
  timer = null;
  if (saving) {
    dirty = true;
    return;
  }
  dirty = false;
  saving = save()
    .catch((e: unknown) => setInfo({ saveError: `The workspace could not be saved: ${message(e)}` }))
    .finally(() => {
      saving = null;
      if (dirty) schedule();
    });
}

function schedule(): void {
  if (timer !== null) return;
  const wait = Math.max(50, META_INTERVAL_MS - (performance.now() - lastMetaAt));
  timer = setTimeout(runSave, wait);
}

/** Only the parts of the state the workspace keeps trigger a save (not loading indicators or support tables). */
const kept = (s: StudioState) => [s.models, s.activeModelId, s.variants, s.benchRuns, s.scenarios, s.activeScenarioId, s.tradeoff] as const;

/** Starts saving the workspace after every change (call once, after restoreWorkspace). */
export function startPersisting(): void {
  if (unsubscribe) return;
  let prev = kept(studio.getState());
  unsubscribe = studio.subscribe((s) => {
    const next = kept(s);
    if (next.every((x, i) => Object.is(x, prev[i]))) return;
    prev = next;
    schedule();
  });
  // Leaving the page (reload, close, tab hidden) saves what is pending now instead of after the interval.
  const flush = () => {
    if (timer === null) return;
    clearTimeout(timer);
    runSave();
  };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  schedule();
}

/**
 * Restores the saved workspace into the store. Returns false when there is none (first start: the caller opens the
 * sample), true when one was restored (it wins over the sample). A storage error is shown, and counts as none.
 */
export async function restoreWorkspace(): Promise<boolean> {
  try {
    const idb = await database();
    const [metas, blobs] = await Promise.all([idb.getAll<unknown>('meta'), idb.getAll<Blob | ArrayBuffer>('blobs')]);
    const head = metas.find((m) => m.key === META_KEY)?.value;
    if (!isStoredHead(head)) return false;
    const byKey = new Map(metas.map((m) => [m.key, m.value]));
    const metaEntry = joinMeta(head, (k) => byKey.get(k));
    const summaries = new Map(metas.filter((m) => m.key.startsWith('summary/')).map((m) => [m.key.slice('summary/'.length), m.value as never]));
    const { state, notes } = restoredState(metaEntry, { summaries, blobs: new Map(blobs.map((b) => [b.key, b.value])) });
    for (const m of state.models) written.models.add(m.id);
    for (const r of state.benchRuns) records.set(runKey(r.id), null); // rewritten on the next save (interrupted cells)
    for (const v of state.variants) records.set(variantKey(v.id), null);
    for (const v of state.variants) if (v.blob) written.variants.add(v.id);
    studio.setState((s) => ({
      ...state,
      // Whatever the user opened while the restore ran stays, after the restored models.
      models: [...state.models, ...s.models.filter((m) => !state.models.some((x) => x.id === m.id))],
      workspace: {
        ...s.workspace,
        restoreNotes: notes,
        restored: { models: state.models.length, variants: state.variants.length, runs: state.benchRuns.length, scenarios: state.scenarios.length, savedAt: metaEntry.savedAt },
      },
    }));
    return true;
  } catch (e) {
    setInfo({ saveError: `The saved workspace could not be read: ${message(e)}` });
    return false;
  }
}

/** Empties the store and the browser's storage for the workspace (the caller asked the user first). */
export async function clearWorkspace(): Promise<void> {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  await saving;
  written.models.clear();
  written.variants.clear();
  records.clear();
  notKept.clear();
  studio.setState({ models: [], activeModelId: null, variants: [], benchRuns: [], support: {}, error: null, ...initialCostState(), workspace: emptyWorkspaceInfo() });
  try {
    await (await database()).clear();
  } catch (e) {
    setInfo({ saveError: `The workspace could not be cleared from the browser's storage: ${message(e)}` });
  }
}

export function dismissSaveError(): void {
  setInfo({ saveError: null });
}
