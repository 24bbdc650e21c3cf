import { compareRow } from '../../bench/fidelity';
import type { Feeds, HostTensor, InferenceRuntime } from '../../bench/session';
import type { ModelProto } from '../../formats/onnx/proto';
import { writeOnnx } from '../../formats/onnx/write';
import type { TfjsSensitivityRunner } from './apply';

/** Cosine of two outputs' values (1 when both are all zero): fidelity.ts's row comparison over the whole output. */
const cosine = (a: HostTensor['data'], b: HostTensor['data']): number => compareRow(a as ArrayLike<number>, 0, b as ArrayLike<number>, 0, a.length).cosine;

/**
 * Mixed precision's per-weight check: the original's outputs on `batches` once, then for each candidate (the model
 * with one weight quantized) the lowest cosine over every batch and output against them. Runs on `runtime` (a TF.js
 * adapter: core runs no models itself).
 */
export function tfjsSensitivityRunner(runtime: InferenceRuntime, original: ModelProto, batches: readonly Feeds[]): TfjsSensitivityRunner {
  const run = async (proto: ModelProto) => {
    const s = await runtime.createSession(writeOnnx(proto));
    try {
      const outs: Record<string, HostTensor>[] = [];
      for (const b of batches) outs.push(await s.run(b));
      return outs;
    } finally {
      await s.release();
    }
  };
  let reference: Promise<Record<string, HostTensor>[]> | undefined;
  return async (candidate) => {
    reference ??= run(original);
    const ref = await reference;
    const got = await run(candidate);
    let worst = 1;
    got.forEach((o, i) => {
      for (const [k, t] of Object.entries(o)) worst = Math.min(worst, cosine(t.data, ref[i][k].data));
    });
    return worst;
  };
}
