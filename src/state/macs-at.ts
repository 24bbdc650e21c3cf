/**
 * The inspect view's MACs at the shape the user sets: the form's dims and shapes (input-choice.ts) become the shapes
 * MACs are counted at (core's macsShapes: declared dims, the user's, batch-like dims 1, anything else unknown), and
 * the model worker recounts there, with the scalar values set (a sample rate decides an If on it).
 */
import { macsShapes } from '../core/bench/input-spec';
import { toErrorInfo } from '../core/errors';
import { macsInWorker } from '../workers/client';
import type { MacsResult } from '../workers/protocol';
import type { InputChoice } from './input-choice';
import type { LoadedModel } from './models';

export type { MacsResult };

/** MACs of a loaded model at the user's dims/shapes/values; null when nothing was set (the summary's own count stands). */
export async function macsAtChoice(model: LoadedModel, choice: InputChoice, signal?: AbortSignal): Promise<MacsResult | null> {
  if ([choice.dims, choice.shapes, choice.values].every((x) => Object.keys(x ?? {}).length === 0)) return null;
  let shapes: Record<string, (number | null)[] | null>;
  try {
    shapes = macsShapes(model.summary, { dims: choice.dims, shapes: choice.shapes, surface: 'app' });
  } catch (e) {
    return { ok: false, error: toErrorInfo(e) };
  }
  return macsInWorker(model.origin, shapes, choice.values, signal);
}
