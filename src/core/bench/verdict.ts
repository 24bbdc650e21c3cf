/**
 * Is a variant degraded? A judgement on its fidelity to the original, per output, against stated thresholds that fit
 * what each output holds:
 * - class scores: top-1 agreement below 99% (the variant picks another class for more than 1 item in 100);
 * - dense maps and embeddings: mean cosine similarity below 0.99;
 * - any output: values that are NaN or infinite where the original's are finite (relative L2 not finite).
 * The thresholds are the studio's defaults, shown with every verdict; a caller may pass stricter or looser ones.
 */
import type { Fidelity } from './fidelity';

export interface Thresholds {
  /** Least top-1 agreement of class-score outputs (0..1). */
  minTop1Agreement: number;
  /** Least mean cosine similarity of dense outputs. */
  minCosine: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { minTop1Agreement: 0.99, minCosine: 0.99 };

export interface Verdict {
  degraded: boolean;
  /** One line per output that crossed a threshold, e.g. `output "logits": top-1 agreement 94.0% < 99% (50 items)`. */
  reasons: string[];
  /** The thresholds applied, in words (for the report). */
  rule: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function describeThresholds(t: Thresholds = DEFAULT_THRESHOLDS): string {
  return `degraded when an output's top-1 agreement (class scores) is below ${pct(t.minTop1Agreement)}, its mean cosine (dense outputs) below ${t.minCosine}, or it holds NaN/Infinity`;
}

/** Judges per-output fidelity. An empty record (nothing compared) is not a verdict of health: the caller says why. */
export function judgeFidelity(outputs: Readonly<Record<string, Fidelity>>, t: Thresholds = DEFAULT_THRESHOLDS): Verdict {
  const reasons: string[] = [];
  for (const [name, f] of Object.entries(outputs)) {
    const items = `${f.rows} item${f.rows === 1 ? '' : 's'}`;
    if (!Number.isFinite(f.relativeL2) || Number.isNaN(f.cosine)) {
      reasons.push(`output "${name}": the variant's values are not finite (NaN or infinite)`);
    } else if (f.kind === 'class-scores' && Number.isFinite(f.top1Agreement)) {
      if (f.top1Agreement < t.minTop1Agreement) reasons.push(`output "${name}": top-1 agreement ${pct(f.top1Agreement)} < ${pct(t.minTop1Agreement)} (${items})`);
    } else if (f.cosine < t.minCosine) {
      reasons.push(`output "${name}": cosine ${f.cosine.toFixed(4)} < ${t.minCosine} (${items})`);
    }
  }
  return { degraded: reasons.length > 0, reasons, rule: describeThresholds(t) };
}
