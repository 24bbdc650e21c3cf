/** What the notes read of a layer's figures (apply.ts's PruneLayerStat). */
interface LayerFigures {
  tensor: string;
  nodes: string[];
  sparsity: number;
  capped?: true;
}

/** Above this share of zeros a layer counts as almost emptied, and the report warns, naming it. */
export const NEARLY_EMPTY = 0.95;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The report's notes on the sparsity each layer reached (issue 11): under a global threshold, the range per layer
 * (layers end up very different); a warning naming each layer above 95% zeros; the layers held at maxLayerSparsity.
 */
export function sparsityNotes(layers: readonly LayerFigures[], global: boolean, cap: number, shortBy: number): string[] {
  const notes: string[] = [];
  if (layers.length === 0) return notes;
  if (global && layers.length > 1) {
    const sorted = [...layers].sort((a, b) => a.sparsity - b.sparsity);
    const lo = sorted[0];
    const hi = sorted[sorted.length - 1];
    notes.push(
      `Sparsity reached per layer under the global threshold: from ${pct(lo.sparsity)} (${lo.tensor}) to ${pct(hi.sparsity)} (${hi.tensor}); ` +
        `every layer's figure is in the report's layers (stats.layers[].sparsity).`,
    );
  }
  const empty = layers.filter((l) => l.sparsity > NEARLY_EMPTY);
  if (empty.length > 0) {
    const list = empty
      .sort((a, b) => b.sparsity - a.sparsity)
      .map((l) => `${l.tensor} (${pct(l.sparsity)}${l.nodes.length ? `, ${l.nodes.join(', ')}` : ''})`);
    notes.push(
      `Warning: ${empty.length === 1 ? 'a layer is' : `${empty.length} layers are`} almost emptied (over ${pct(NEARLY_EMPTY)} zeros): ${list.join('; ')}. ` +
        'Such a layer passes little signal on; cap every layer with maxLayerSparsity (e.g. 0.9), or give that node an override.',
    );
  }
  const capped = layers.filter((l) => l.capped);
  if (capped.length > 0) {
    notes.push(
      `${capped.length} layer${capped.length === 1 ? ' was' : 's were'} held at the per-layer cap of ${cap} (--max-layer-sparsity / Max sparsity per layer): ${capped.map((l) => l.tensor).join(', ')}` +
        (shortBy > 0 ? `; the caps cannot hold the target: ${shortBy} fewer weight${shortBy === 1 ? '' : 's'} pruned than asked.` : '.'),
    );
  }
  return notes;
}
