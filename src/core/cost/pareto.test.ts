import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParetoError } from '../errors';
import { accuracyFloor, cheapestMeetingFloor, dominates, paretoFrontier, type ParetoPoint } from './pareto';

const p = (id: string, cost: number, accuracy: number): ParetoPoint => ({ id, cost, accuracy });

describe('paretoFrontier', () => {
  it('keeps the non-dominated points, cheapest first (hand-checked)', () => {
    const points = [
      p('fp32', 20, 92.1), // most accurate: on the frontier
      p('fp16', 14, 92.0), // cheaper than fp32, a bit less accurate: on it
      p('int8', 10, 91.6), // on it
      p('bad', 15, 91.0), // dominated by int8 (cheaper and more accurate)
      p('pruned', 8, 90.4), // cheapest: on it
      p('same-cost-worse', 8, 90.0), // same cost as pruned, less accurate: dominated
      p('same-acc-dearer', 11, 91.6), // same accuracy as int8, dearer: dominated
    ];
    expect(paretoFrontier(points).map((x) => x.id)).toEqual(['pruned', 'int8', 'fp16', 'fp32']);
  });

  it('keeps duplicates (neither dominates the other) and handles empty input', () => {
    expect(paretoFrontier([p('a', 1, 1), p('b', 1, 1), p('c', 2, 0.5)]).map((x) => x.id)).toEqual(['a', 'b']);
    expect(paretoFrontier([])).toEqual([]);
  });

  it('refuses NaN and Infinity', () => {
    expect(() => paretoFrontier([p('a', NaN, 1)])).toThrow(/cost must be a finite number/);
    try {
      paretoFrontier([p('a', 1, Infinity)]);
    } catch (e) {
      expect(isParetoError(e) && e.code).toBe('bad-input');
    }
  });

  const points = fc.array(
    fc.record({ id: fc.string(), cost: fc.integer({ min: 0, max: 20 }), accuracy: fc.integer({ min: 0, max: 20 }) }),
    { maxLength: 40 },
  );

  it('equals the brute-force frontier (property)', () => {
    fc.assert(
      fc.property(points, (pts) => {
        const front = paretoFrontier(pts);
        const brute = pts.filter((a) => !pts.some((b) => dominates(b, a)));
        expect(new Set(front)).toEqual(new Set(brute));
        expect(front.length).toBe(brute.length);
        // Sorted by cost, and accuracy rises along it.
        for (let i = 1; i < front.length; i++) {
          expect(front[i].cost).toBeGreaterThanOrEqual(front[i - 1].cost);
          expect(front[i].accuracy).toBeGreaterThanOrEqual(front[i - 1].accuracy);
        }
      }),
    );
  });
});

describe('cheapestMeetingFloor', () => {
  const pts = [p('fp32', 20, 92.1), p('int8', 10, 91.6), p('pruned', 8, 90.4), p('int4', 5, 85)];

  it('picks the cheapest variant within X points of the baseline (hand-checked)', () => {
    // floor = 92.1 − 1 = 91.1: fp32 and int8 qualify; int8 is cheaper.
    expect(cheapestMeetingFloor(pts, 92.1, 1)?.id).toBe('int8');
    // floor = 92.1 − 0.5 = 91.6: int8 (91.6) is exactly at the floor and qualifies (no float noise: 91.60000000000001).
    expect(accuracyFloor(92.1, 0.5)).toBe(91.6);
    expect(cheapestMeetingFloor(pts, 92.1, 0.5)?.id).toBe('int8');
    // floor = 92.1 − 0 = 92.1: only fp32.
    expect(cheapestMeetingFloor(pts, 92.1, 0)?.id).toBe('fp32');
    // floor = 92.1 − 10 = 82.1: everything; int4 is cheapest.
    expect(cheapestMeetingFloor(pts, 92.1, 10)?.id).toBe('int4');
    // floor above everything: none.
    expect(cheapestMeetingFloor(pts, 99, 0)).toBeUndefined();
  });

  it('breaks cost ties by accuracy', () => {
    expect(cheapestMeetingFloor([p('a', 5, 90), p('b', 5, 91)], 91, 2)?.id).toBe('b');
  });

  it('refuses a negative drop and NaN', () => {
    expect(() => cheapestMeetingFloor(pts, 92, -1)).toThrow(/0 or more/);
    expect(() => cheapestMeetingFloor(pts, NaN, 1)).toThrow(/finite/);
  });

  it('equals brute force (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.string(), cost: fc.integer({ min: 0, max: 50 }), accuracy: fc.integer({ min: 0, max: 100 }) }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 30 }),
        (pts, base, drop) => {
          const got = cheapestMeetingFloor(pts, base, drop);
          const ok = pts.filter((x) => x.accuracy >= base - drop);
          if (!ok.length) {
            expect(got).toBeUndefined();
            return;
          }
          const minCost = Math.min(...ok.map((x) => x.cost));
          expect(got?.cost).toBe(minCost);
          expect(got?.accuracy).toBe(Math.max(...ok.filter((x) => x.cost === minCost).map((x) => x.accuracy)));
        },
      ),
    );
  });
});
