/**
 * Comparing models, not only variants: the benchmarked candidates of several opened models on one trade-off chart,
 * labelled "model · variant", so the cheapest model-and-variant that meets the floor is found. Only what the models
 * share is compared: their accuracy must be measured on the same data (same dataset, same number of items), of the
 * same kind, on an output both models have; fidelity (agreement with each model's own original) is not comparable
 * across models. Whatever cannot be compared is left out with a sentence saying why, and models whose inputs or
 * outputs differ are named with what they share.
 *
 * Pure: no DOM, no React, no store.
 */
import type { TensorSignature } from '../inspect/summary';
import type { BenchCandidate } from './bench-candidates';

export interface ModelBench {
  modelId: string;
  modelName: string;
  inputs: readonly TensorSignature[];
  outputs: readonly TensorSignature[];
  /** The benchmark data's name (what the run says it measured on). */
  dataName: string | null;
  candidates: readonly BenchCandidate[];
}

export interface ModelComparison {
  /** Every candidate on the chart; with several models, ids are `<modelId>.<id>` and names `<model> · <variant> · <backend>`. */
  candidates: BenchCandidate[];
  /** The models on the chart (the primary first). */
  models: string[];
  /** Models left out, each with why. */
  leftOut: { model: string; why: string }[];
  /** Sentences for the page: what differs between the models and what they are compared on. */
  notes: string[];
}

const shapeText = (s: TensorSignature) => `${s.name} ${s.dtype}[${(s.shape ?? []).map((d) => (d === null ? '?' : d)).join(', ')}]`;
const sameSig = (a: TensorSignature, b: TensorSignature) => a.name === b.name && a.dtype === b.dtype && JSON.stringify(a.shape) === JSON.stringify(b.shape);

/** The inputs and outputs two models share (same name, dtype and shape), and what differs. */
export function sharedSignature(a: Pick<ModelBench, 'inputs' | 'outputs'>, b: Pick<ModelBench, 'inputs' | 'outputs'>) {
  const shared = (x: readonly TensorSignature[], y: readonly TensorSignature[]) => x.filter((s) => y.some((t) => sameSig(s, t)));
  const inputs = shared(a.inputs, b.inputs);
  const outputs = shared(a.outputs, b.outputs);
  const same = inputs.length === a.inputs.length && inputs.length === b.inputs.length && outputs.length === a.outputs.length && outputs.length === b.outputs.length;
  return { inputs, outputs, same };
}

/** The quality the candidates of one model have (the first measured), for matching across models. */
function qualityKey(cs: readonly BenchCandidate[]) {
  const q = cs.find((c) => c.quality?.kind === 'accuracy')?.quality ?? cs.find((c) => c.quality)?.quality ?? null;
  return q;
}

/**
 * The candidates of `primaryId`'s model, plus those of every other model that can be compared with it. With one
 * model, its candidates come back unchanged.
 */
export function compareModels(primaryId: string, models: readonly ModelBench[]): ModelComparison {
  const primary = models.find((m) => m.modelId === primaryId && m.candidates.length > 0) ?? models.find((m) => m.candidates.length > 0);
  if (!primary) return { candidates: [], models: [], leftOut: [], notes: [] };
  const others = models.filter((m) => m !== primary && m.candidates.length > 0);
  if (others.length === 0) return { candidates: [...primary.candidates], models: [primary.modelName], leftOut: [], notes: [] };
  const leftOut: ModelComparison['leftOut'] = [];
  const notes: string[] = [];
  const pq = qualityKey(primary.candidates);
  const included: ModelBench[] = [primary];
  for (const m of others) {
    const sig = sharedSignature(primary, m);
    const q = qualityKey(m.candidates);
    let why: string | null = null;
    if (!pq || !q) why = 'one of the two has no accuracy or fidelity measured';
    else if (pq.kind === 'fidelity' || q.kind === 'fidelity') {
      why = "its quality is fidelity to its own original (no labels), which says nothing across models: benchmark both on the same labelled data";
    } else if (m.dataName !== primary.dataName || (pq.items !== undefined && q.items !== undefined && pq.items !== q.items)) {
      why = `benchmarked on other data (${m.dataName ?? 'unknown'}${q.items !== undefined ? `, ${q.items} items` : ''}) than ${primary.modelName} (${primary.dataName ?? 'unknown'}${pq.items !== undefined ? `, ${pq.items} items` : ''}): benchmark both on the same data`;
    } else if (pq.label !== q.label) why = `its quality is ${q.label}, ${primary.modelName}'s is ${pq.label}`;
    else if (pq.output !== undefined && q.output !== undefined && (q.output !== pq.output || !m.outputs.some((o) => o.name === pq.output))) {
      why = `its ${q.label} is on output ${q.output}, ${primary.modelName}'s on ${pq.output}: not the same output`;
    }
    if (why) {
      leftOut.push({ model: m.modelName, why });
      continue;
    }
    included.push(m);
    if (!sig.same) {
      const differ = [
        ...primary.inputs.filter((s) => !sig.inputs.includes(s)).map((s) => `input ${shapeText(s)} (${primary.modelName})`),
        ...m.inputs.filter((s) => !sig.inputs.some((t) => sameSig(s, t))).map((s) => `input ${shapeText(s)} (${m.modelName})`),
        ...primary.outputs.filter((s) => !sig.outputs.includes(s)).map((s) => `output ${shapeText(s)} (${primary.modelName})`),
        ...m.outputs.filter((s) => !sig.outputs.some((t) => sameSig(s, t))).map((s) => `output ${shapeText(s)} (${m.modelName})`),
      ];
      notes.push(
        `${primary.modelName} and ${m.modelName} have different inputs or outputs (${differ.join('; ')}): they are compared only on what they share: ` +
          `${q?.label} on ${m.dataName ?? 'the same data'}${q?.output ? ` (output ${q.output})` : ''}, cost, latency, size and energy.`,
      );
    }
  }
  const candidates = included.flatMap((m) =>
    m.candidates.map((c) => ({
      ...c,
      id: `${m.modelId}.${c.id}`,
      name: `${m.modelName} · ${c.name}`,
      recipe: `${m.modelName} · ${c.recipe}`,
      // One baseline: the primary model's original. The others' originals are candidates like any variant.
      isOriginal: c.isOriginal && m === primary,
    })),
  );
  if (included.length > 1) notes.unshift(`${included.length} models on one chart: ${included.map((m) => m.modelName).join(', ')}; the baseline is ${primary.modelName}'s original.`);
  return { candidates, models: included.map((m) => m.modelName), leftOut, notes };
}
