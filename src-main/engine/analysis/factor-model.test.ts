import { describe, expect, it } from 'vitest';
import { factorModelFromParams, predictRating } from './factor-model.ts';

const t = (shape: number[], values?: number[]) => ({ shape, data: Float32Array.from(values ?? Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 10)) });

describe('factorModelFromParams', () => {
  it('views the trainer’s parameters without copying and predicts dot + biases', () => {
    const params = { user_factors: t([2, 3]), item_factors: t([4, 3]), user_bias: t([2], [1, 2]), item_bias: t([4], [0, 0, 0, 0.5]) };
    const m = factorModelFromParams(params, null);
    expect(m.k).toBe(3);
    expect(m.userFactors).toBe(params.user_factors.data);
    // user 1 = (0.3, 0.4, 0.5), item 3 = (0.9, 1.0, 1.1): 0.27 + 0.4 + 0.55 + 2 + 0.5
    expect(predictRating(m, 1, 3)).toBeCloseTo(3.72, 5);
    expect(predictRating({ ...m, yRange: [0, 5.5] }, 1, 3)).toBeCloseTo(5.5 / (1 + Math.exp(-3.72)), 5);
  });

  it('refuses the neural model and inconsistent tables with the reason', () => {
    expect(() => factorModelFromParams({ 'layers.0.weight': t([4, 2]) }, null)).toThrow(/need a dot or dot\+bias model .*layers\.0\.weight/);
    expect(() => factorModelFromParams({ user_factors: t([2, 3]), item_factors: t([4, 2]) }, null)).toThrow(/same k/);
    expect(() => factorModelFromParams({ user_factors: t([2, 3]), item_factors: t([4, 3]), user_bias: t([3]) , item_bias: t([4]) }, null))
      .toThrow(/user_bias has 3 values for 2 user rows/);
    expect(() => factorModelFromParams({ user_factors: t([2, 3]), item_factors: t([4, 3]), user_bias: t([2]) }, null))
      .toThrow(/both be present or both absent/);
    expect(() => factorModelFromParams({ user_factors: t([2, 3]), item_factors: t([4, 3]) }, [5, 1])).toThrow(/lo < hi/);
  });
});
