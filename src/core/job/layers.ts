import type { TransformReport } from '../transforms/types';

/** One quantized node or pruned weight, as the optimize report lists it. */
export interface LayerLine {
  /** Node name(s). */
  name: string;
  opType: string;
  /** Weight tensor. */
  weight: string;
  /** "int8 per-channel", "float16", "unstructured", "2:4"... */
  scheme: string;
  parameters: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Fraction of zeros after pruning; null for quantize. */
  sparsity: number | null;
}

/** The per-layer lines of the transforms' reports, in graph order. */
export function layerLines(reports: readonly TransformReport[]): LayerLine[] {
  const out: LayerLine[] = [];
  for (const r of reports) {
    if (r.transform === 'quantize') {
      const nodes = (r.stats.nodes ?? []) as { node: string; opType: string; weight: string; scheme: string; weightBytesBefore: number; weightBytesAfter: number }[];
      for (const n of nodes) {
        out.push({
          name: n.node,
          opType: n.opType,
          weight: n.weight,
          scheme: n.scheme,
          parameters: Math.round(n.weightBytesBefore / 4),
          bytesBefore: n.weightBytesBefore,
          bytesAfter: n.weightBytesAfter,
          sparsity: null,
        });
      }
    } else if (r.transform === 'prune') {
      const pattern = String(r.stats.pattern ?? 'unstructured');
      const layers = (r.stats.layers ?? []) as { tensor: string; nodes: string[]; opTypes: string[]; params: number; target: number | null; sparsity: number }[];
      for (const l of layers) {
        out.push({
          name: l.nodes.join(', '),
          opType: l.opTypes.join(', '),
          weight: l.tensor,
          scheme: pattern !== 'unstructured' ? pattern : l.target === null ? 'global threshold' : `own target ${(l.target * 100).toFixed(1)}%`,
          parameters: l.params,
          bytesBefore: l.params * 4,
          bytesAfter: l.params * 4,
          sparsity: l.sparsity,
        });
      }
    }
  }
  return out;
}
