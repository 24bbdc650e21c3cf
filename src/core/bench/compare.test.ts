/**
 * Comparing a variant with its original, on the MNIST MLP sample and its 50%-pruned variant, in onnxruntime-node:
 * the one-model-at-a-time comparison (the app's worker and the CLI) gives the same figures as two sessions side by
 * side, opens the candidate only after the reference is released, and an identical model compares perfectly.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ortNode } from '../../runtimes/ort-node';
import { readNpy } from '../data/npy';
import { readOnnx } from '../formats/onnx/read';
import { concatBytes } from '../testing/fixtures';
import { applyRecipe } from '../transforms/apply-recipe';
import { compareOneAtATime, compareRecorded, compareSessions } from './compare';
import type { Feeds, InferenceSession } from './session';

const SAMPLES = resolve(__dirname, '../../../public/samples');

function feeds(): Feeds[] {
  const x = readNpy(new Uint8Array(readFileSync(resolve(SAMPLES, 'mnist-test-x.npy'))));
  const per = 28 * 28;
  const data = x.data as Float32Array;
  return [0, 1].map((b) => ({ input: { dtype: 'float32', dims: [32, 1, 28, 28], data: data.slice(b * 32 * per, (b + 1) * 32 * per) } }));
}

describe('compareOneAtATime', () => {
  it('matches two side-by-side sessions, one model open at a time', async () => {
    const original = new Uint8Array(readFileSync(resolve(SAMPLES, 'mnist-mlp.onnx')));
    const model = readOnnx(original.slice());
    const inputName = model.proto.graph!.input[0].name;
    const batches = feeds().map((f) => ({ [inputName]: f.input }));
    const r = await applyRecipe(model, { steps: [{ transform: 'prune', options: { sparsity: 0.5 } }] }, { ownsModel: true });
    const variant = concatBytes(r.parts);

    const [ref, cand] = [await ortNode.createSession(original), await ortNode.createSession(variant)];
    const together = await compareSessions(ref, cand, batches);
    await ref.release();
    await cand.release();

    const events: string[] = [];
    const open = (name: string, bytes: Uint8Array) => async (): Promise<InferenceSession> => {
      events.push(`open ${name}`);
      const s = await ortNode.createSession(bytes);
      return { ...s, outputNames: s.outputNames, run: s.run.bind(s), release: async () => (events.push(`release ${name}`), s.release()) };
    };
    const apart = await compareOneAtATime(open('reference', original), open('candidate', variant), batches);
    expect(events).toEqual(['open reference', 'release reference', 'open candidate', 'release candidate']);
    expect(apart).toEqual(together);

    const [name] = Object.keys(apart);
    expect(apart[name].rows).toBe(64);
    expect(apart[name].relativeL2).toBeGreaterThan(0); // pruning changed the outputs
    expect(apart[name].top1Agreement).toBeGreaterThan(0.9);

    const same = await compareOneAtATime(open('a', original), open('b', original), batches);
    expect(same[name].relativeL2).toBe(0);
    expect(same[name].top1Agreement).toBe(1);
  });
});

describe('compareRecorded', () => {
  it('a sequence of class scores [items, steps, classes] is compared per step; other outputs per item', () => {
    // 1 item, 3 steps of 3-class probabilities; the variant reads another class at step 2
    const ref = [0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6];
    const cand = [0.7, 0.2, 0.1, 0.5, 0.4, 0.1, 0.2, 0.1, 0.7];
    const f = compareRecorded(new Map([['probs', { values: ref, rows: 1, last: 3 }]]), new Map([['probs', { values: cand, rows: 1, last: 3 }]])).probs;
    expect(f.rows).toBe(3);
    expect(f.kind).toBe('class-scores');
    expect(f.top1Agreement).toBeCloseTo(2 / 3, 12);
    // the same values as a feature map (not distributions along the last axis) stay one row per item
    const map = ref.map((v) => v * 2);
    const g = compareRecorded(new Map([['map', { values: map, rows: 1, last: 3 }]]), new Map([['map', { values: cand, rows: 1, last: 3 }]])).map;
    expect(g.rows).toBe(1);
    expect(g.kind).toBe('dense');
  });
});
