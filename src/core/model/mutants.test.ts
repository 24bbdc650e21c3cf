import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParetoError } from '../errors';
import { readOnnx } from '../formats/onnx/read';
import { concatBytes } from '../testing/fixtures';
import { applyRecipe } from '../transforms/apply-recipe';
import { openModelFiles } from './open';

/**
 * Mutants of the committed samples through read -> summarize (what `pareto inspect` and the app's open do): every
 * one either opens with a sane summary or ends in a ParetoError with a message, never another exception (a
 * RangeError, a TypeError: a stack trace for the user), and never grows the process beyond a stated memory bound.
 */
const MEMORY_GROWTH_BOUND = 512 * 2 ** 20; // RSS may grow at most 512 MiB over the run (the sample is 0.9 MB)

const samples = join(__dirname, '../../../public/samples');
const load = (name: string) => new Uint8Array(readFileSync(join(samples, name))); // own buffer, byteOffset 0

/** Byte positions outside every initializer's raw_data: the protobuf's structure (tags, lengths, names, dims). */
function structuralPositions(bytes: Uint8Array): Int32Array {
  const model = readOnnx(bytes);
  const inRaw = new Uint8Array(bytes.length);
  for (const t of model.proto.graph!.initializer) {
    if (t.rawData.buffer === bytes.buffer) inRaw.fill(1, t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.length);
  }
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (!inRaw[i]) out.push(i);
  return Int32Array.from(out);
}

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; edits: { pos: number; value: number }[] }
  | { kind: 'varint'; pos: number; run: readonly number[] };

function mutationArb(bytes: Uint8Array, structural: Int32Array): fc.Arbitrary<Mutation> {
  const structPos = fc.integer({ min: 0, max: structural.length - 1 }).map((i) => structural[i]);
  const anyPos = fc.integer({ min: 0, max: bytes.length - 1 });
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.oneof(fc.integer({ min: 0, max: bytes.length - 1 }), structPos) }),
    fc.record({
      kind: fc.constant('flip' as const),
      edits: fc.array(fc.record({ pos: fc.oneof(structPos, structPos, anyPos), value: fc.integer({ min: 0, max: 255 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
    }),
    fc.record({
      kind: fc.constant('varint' as const),
      pos: structPos,
      // continuation bytes without end, a huge length, a 10-byte varint (negative int64), or a zeroed length
      run: fc.oneof<fc.Arbitrary<readonly number[]>[]>(
        fc.array(fc.constant(0xff), { minLength: 1, maxLength: 12 }),
        fc.constant([0xff, 0xff, 0xff, 0xff, 0x0f]),
        fc.constant([0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        fc.constant([0x00]),
      ),
    }),
  );
}

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'truncate') return bytes.slice(0, m.at);
  const out = bytes.slice();
  if (m.kind === 'flip') for (const e of m.edits) out[e.pos] = e.value;
  else out.set(m.run.slice(0, out.length - m.pos), m.pos);
  return out;
}

function runMutants(sample: string, numRuns: number) {
  const original = load(sample);
  const structural = structuralPositions(original);
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const outcomes = { opened: 0, refused: 0 };
  const codes = new Map<string, number>();
  fc.assert(
    fc.property(mutationArb(original, structural), (m) => {
      const bytes = apply(original, m);
      try {
        const { summary } = openModelFiles([{ name: 'mutant.onnx', bytes }]);
        const { total, bytes: weightBytes } = summary.parameters;
        // A valid result is a sane one: no negative or fractional counts, and no more weight bytes than the file holds.
        if (!(Number.isSafeInteger(total) && total >= 0 && weightBytes >= 0 && weightBytes <= bytes.length)) {
          throw new Error(`absurd summary: ${total} parameters in ${weightBytes} bytes from a ${bytes.length}-byte file`);
        }
        outcomes.opened++;
      } catch (e) {
        if (!isParetoError(e) || e.message.length === 0 || e.message.length > 2000) throw e;
        outcomes.refused++;
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      if (peak - rss0 > MEMORY_GROWTH_BOUND) throw new Error(`RSS grew by ${((peak - rss0) / 2 ** 20).toFixed(0)} MiB`);
    }),
    { numRuns, seed: 0x5eed, endOnFailure: true },
  );
  return { outcomes, codes, growthMiB: (peak - rss0) / 2 ** 20, structural: structural.length };
}

describe('mutants of the samples: a named error or a valid result, never a crash, bounded memory', () => {
  it('1000 mutants of mnist-mlp.onnx (truncations, byte flips, varint corruption)', () => {
    const t0 = performance.now();
    const r = runMutants('mnist-mlp.onnx', 1000);
    const seconds = (performance.now() - t0) / 1000;
    // Both outcomes occur: the mutations reach past the weights into the structure.
    expect(r.outcomes.refused).toBeGreaterThan(200);
    expect(r.outcomes.opened).toBeGreaterThan(20);
    expect(r.growthMiB).toBeLessThan(512);
    expect(seconds).toBeLessThan(30);
  }, 60_000);

  it('300 mutants of mnist-cnn.onnx (Conv weights, several dims)', () => {
    const r = runMutants('mnist-cnn.onnx', 300);
    expect(r.outcomes.refused + r.outcomes.opened).toBe(300);
    expect(r.outcomes.refused).toBeGreaterThan(50);
  }, 60_000);

  it('mutants that open go on through prune then quantize: a named error or a variant that reads back', async () => {
    const original = load('mnist-mlp.onnx');
    const structural = structuralPositions(original);
    const rss0 = process.memoryUsage().rss;
    const outcomes = { variant: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutationArb(original, structural), async (m) => {
        const bytes = apply(original, m);
        let opened;
        try {
          opened = openModelFiles([{ name: 'mutant.onnx', bytes }]);
        } catch (e) {
          if (isParetoError(e)) return; // the read's refusals are covered above
          throw e;
        }
        try {
          const r = await applyRecipe(
            opened.model,
            { steps: [{ transform: 'prune', options: { sparsity: 0.5 } }, { transform: 'quantize', options: { mode: 'dynamic' } }] },
            { ownsModel: true },
          );
          openModelFiles([{ name: 'variant.onnx', bytes: concatBytes(r.parts) }]); // what it writes reads back
          outcomes.variant++;
        } catch (e) {
          if (!isParetoError(e)) throw e;
          outcomes.refused++;
        }
        expect(process.memoryUsage().rss - rss0).toBeLessThan(MEMORY_GROWTH_BOUND);
      }),
      { numRuns: 100, seed: 0x5eed, endOnFailure: true },
    );
    expect(outcomes.variant).toBeGreaterThan(10);
  }, 120_000);
});
