import { describe, expect, it } from 'vitest';
import { nextStep, VIEW_LABELS, type View } from './next-step';

const none = { variantsDone: 0, benchCellsDone: 0 };
const some = { variantsDone: 1, benchCellsDone: 2 };

describe('nextStep', () => {
  it('leads a newcomer along Inspect → Optimize → Benchmark → Trade-off → Costs', () => {
    const path: View[] = ['inspect'];
    for (let v: View | undefined = 'inspect'; v; ) {
      v = nextStep(v, true, some)?.view;
      if (v) path.push(v);
    }
    expect(path.map((v) => VIEW_LABELS[v])).toEqual(['Inspect', 'Optimize', 'Benchmark', 'Trade-off', 'Costs']);
  });

  it('says what to do first when the step before is not done yet', () => {
    expect(nextStep('optimize', true, none)!.text).toMatch(/^Make a variant above first/);
    expect(nextStep('optimize', true, some)!.text).toMatch(/^Next: measure/);
    expect(nextStep('benchmark', true, none)!.text).toMatch(/^Run a benchmark above first/);
    expect(nextStep('benchmark', true, some)!.text).toMatch(/^Next: see cost against accuracy/);
  });

  it('points nowhere from Costs or without a model', () => {
    expect(nextStep('costs', true, some)).toBeNull();
    expect(nextStep('inspect', false, some)).toBeNull();
  });
});
