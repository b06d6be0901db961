import { describe, expect, it } from 'vitest';
import { adjustedRSquared, pearson, recoverTastes, rSquared } from './tastes.ts';

describe('taste recovery', () => {
  const planted = [[1, 0], [0.5, 1], [-1, 0.2], [0, -1], [0.3, 0.4], [-0.6, -0.3]];

  it('finds a taste that a factor carries exactly, up to sign and scale', () => {
    const learned = planted.map(([a, b]) => [0.1, -2 * a, b + 0.3]);
    const [action, romance] = recoverTastes(['A', 'R'], planted, learned);
    expect(action.bestFactor).toBe(1);
    expect(action.correlation).toBeCloseTo(-1, 10);
    expect(action.r2).toBeCloseTo(1, 6);
    expect(romance.bestFactor).toBe(2);
    expect(romance.correlation).toBeCloseTo(1, 10);
  });

  it('sees a taste spread over rotated factors through R², not through one factor', () => {
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    const learned = planted.map(([a, b]) => [c * a - s * b, s * a + c * b]);
    const [action] = recoverTastes(['A', 'R'], planted, learned);
    expect(Math.abs(action.correlation)).toBeLessThan(0.95);
    expect(action.r2).toBeCloseTo(1, 6);
  });

  it('adjusts R² for the number of factors', () => {
    expect(adjustedRSquared(1, 15, 5)).toBe(1);
    expect(adjustedRSquared(0.36, 15, 5)).toBeCloseTo(0.004, 3);
    expect(adjustedRSquared(0.9, 4, 3)).toBe(0);
  });

  it('gives R² near 0 for factors unrelated to the taste', () => {
    expect(rSquared([[1], [-1], [1], [-1]], [1, 1, -1, -1])).toBeCloseTo(0, 10);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBe(0);
  });
});
