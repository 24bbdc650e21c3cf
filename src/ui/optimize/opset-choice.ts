/**
 * The Optimize form's "Convert opset" choice: the opsets a model can be converted to (newer than its own default-domain
 * opset, up to the newest onnxruntime-web runs), and why none can.
 */
import { MAX_TARGET_OPSET } from '../../core/transforms/convert/options';

/** The model's default-domain opset ("ai.onnx" or ""), or null when it imports none. */
export function defaultOpsetOf(opsets: readonly { domain: string; version: number }[]): number | null {
  const o = opsets.find((x) => x.domain === 'ai.onnx' || x.domain === '');
  return o ? o.version : null;
}

export interface OpsetChoice {
  current: number | null;
  /** Opsets the model can be converted to, oldest first. */
  targets: number[];
  /** The default target: 17 (what `pareto convert` defaults to) when it is newer, else the newest. */
  preferred: number | null;
  /** Why no target is offered, when none is. */
  none?: string;
}

export function opsetChoice(opsets: readonly { domain: string; version: number }[]): OpsetChoice {
  const current = defaultOpsetOf(opsets);
  if (current === null) return { current, targets: [], preferred: null, none: 'The model imports no default ONNX opset: there is nothing to convert.' };
  if (current >= MAX_TARGET_OPSET) {
    return { current, targets: [], preferred: null, none: `The model already has opset ${current}; ${MAX_TARGET_OPSET} is the newest onnxruntime-web runs, so there is nothing to convert to.` };
  }
  const targets = Array.from({ length: MAX_TARGET_OPSET - current }, (_, i) => current + 1 + i);
  return { current, targets, preferred: targets.includes(17) ? 17 : targets[targets.length - 1] };
}
