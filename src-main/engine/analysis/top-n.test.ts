import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topN } from './top-n.ts';

/** The reference: a full stable sort, best first, ties to the lower index. */
function bySorting(scores: number[], n: number, order: 'asc' | 'desc', skip: (i: number) => boolean): number[] {
  const sign = order === 'asc' ? 1 : -1;
  return scores
    .map((s, i) => ({ s, i }))
    .filter(({ s, i }) => !Number.isNaN(s) && !skip(i))
    .sort((a, b) => sign * (a.s - b.s) || a.i - b.i)
    .slice(0, n)
    .map(({ i }) => i);
}

describe('topN', () => {
  it('equals a full sort (ties to the lower index, skips honoured), for any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })), { maxLength: 200 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('asc' as const, 'desc' as const),
        fc.integer({ min: 1, max: 7 }),
        (scores, n, order, modulus) => {
          const skip = (i: number) => i % modulus === 1;
          const got = topN(scores, n, { order, skip });
          const want = bySorting(scores, n, order, skip);
          expect(Array.from(got.indices)).toEqual(want);
          expect(Array.from(got.scores)).toEqual(want.map((i) => scores[i]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves NaN scores out', () => {
    expect(Array.from(topN([NaN, 1, NaN, 3], 4).indices)).toEqual([3, 1]);
  });

  it('picks 10 of 200k scores like the full sort does', () => {
    const scores = Float32Array.from({ length: 200_000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const t0 = performance.now();
    const got = topN(scores, 10);
    const ms = performance.now() - t0;
    expect(Array.from(got.indices)).toEqual(bySorting(Array.from(scores), 10, 'desc', () => false));
    console.log(`topN: 10 of 200k in ${ms.toFixed(1)} ms`);
  });
});
