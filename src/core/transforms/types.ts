import { ParetoError } from '../errors';
import type { ModelProto } from '../formats/onnx/proto';
import type { OnnxModel } from '../formats/onnx/read';

/**
 * The contract every transform (quantize, prune, ...) follows. A transform lives in its own folder with
 * `options.ts` (typed options, defaults, validation) and `apply.ts`. It leaves its input model as it was unless the
 * run says the caller owns that model (TransformContext.ownsModel): then prune writes its zeros into the input's own
 * weight bytes instead of copying them.
 */
export interface Progress {
  /** 0..1 */
  fraction: number;
  /** What is happening, for the progress bar ("quantizing conv1.weight"). */
  stage: string;
}

/** How a job runs (not what it does: that is the plain-data options, or a recipe). */
export interface TransformContext {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /**
   * The caller owns the input model: it was read for this run only and is never used again as the original (the app's
   * optimize worker and the CLI read their own copy per job). Transforms may then write into its weight bytes instead of
   * copying them: prune does (half the memory, bit-identical output); the input's weights are changed. Default false:
   * the input is left untouched.
   */
  ownsModel?: boolean;
}

/** What a transform tells the user it did (and did not do), per node. */
export interface TransformReport {
  transform: string;
  /** Resolved options as applied (defaults filled in). */
  options: Record<string, unknown>;
  /** Opset changes and other things the user must know. */
  notes: string[];
  /** Nodes left as they were, with the reason. */
  skipped: { node: string; opType: string; reason: string }[];
  /** Free-form figures specific to the transform (achieved sparsity per layer, etc.). */
  stats: Record<string, unknown>;
}

export interface TransformResult {
  model: ModelProto;
  report: TransformReport;
}

export interface Transform<O> {
  id: string;
  label: string;
  defaults: O;
  /** Checks untrusted options (from the UI, the CLI, a share link); throws ParetoError('bad-input'). */
  validate(options: unknown): O;
  apply(model: OnnxModel, options: O, ctx?: TransformContext): Promise<TransformResult>;
}

/**
 * Long loops call this between tensors: it throws if cancelled and, at most every `budgetMs`, yields to the
 * event loop so an abort message (or the page) gets a turn. Cheap when called often.
 */
export function makeCheckpoint(ctx: TransformContext = {}, budgetMs = 30) {
  let last = performance.now();
  return async (fraction: number, stage: string): Promise<void> => {
    if (ctx.signal?.aborted) throw abortError();
    ctx.onProgress?.({ fraction, stage });
    const now = performance.now();
    if (now - last > budgetMs) {
      await new Promise<void>((r) => setTimeout(r, 0));
      last = performance.now();
      if (ctx.signal?.aborted) throw abortError();
    }
  };
}

const abortError = () => new ParetoError('aborted', 'Cancelled.');
