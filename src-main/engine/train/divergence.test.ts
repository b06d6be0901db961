import { describe, expect, it } from 'vitest';
import { DivergenceGuard } from './divergence.ts';

// Issue 13 finding 11: divergence is caught by magnitude, not only by NaN.
describe('DivergenceGuard', () => {
  const ratings = Float32Array.from([1, 2, 3, 4, 5]); // spread (std) √2 ≈ 1.41

  it('calls an RMSE more than 10× the start divergence, and names both numbers', () => {
    const guard = new DivergenceGuard(ratings);
    guard.noteStart(3.51);
    expect(guard.problem({ trainRmse: 35, validRmse: null }, 2)).toBeNull();
    expect(guard.problem({ trainRmse: 28_403, validRmse: 1 }, 3)).toBe('train RMSE 28,400 in epoch 3 is more than 10× the starting 3.51');
  });

  it('measures from the ratings\' spread when the start fits almost perfectly', () => {
    const guard = new DivergenceGuard(ratings);
    guard.noteStart(0.07);
    expect(guard.problem({ trainRmse: 0.9, validRmse: null }, 1)).toBeNull(); // 13× the start, under 10× the spread
    expect(guard.problem({ trainRmse: 15, validRmse: null }, 1)).toBe("train RMSE 15 in epoch 1 is more than 10× the ratings' spread 1.41");
  });

  it('always calls non-finite numbers divergence, train or valid', () => {
    const guard = new DivergenceGuard(ratings);
    guard.noteStart(1);
    expect(guard.problem({ trainRmse: NaN, validRmse: null }, 4)).toBe('train RMSE became NaN in epoch 4');
    expect(guard.problem({ trainRmse: 1, validRmse: Infinity }, 4)).toBe('valid RMSE became Infinity in epoch 4');
  });

  it('forgets the start when the parameters are replaced, and follows new ratings', () => {
    const guard = new DivergenceGuard(ratings);
    guard.noteStart(2);
    expect(guard.needsStart).toBe(false);
    guard.forgetStart();
    expect(guard.needsStart).toBe(true);
    guard.setData(Float32Array.from([3, 3, 3])); // no spread: the start alone is the yardstick
    guard.noteStart(0.5);
    expect(guard.problem({ trainRmse: 6, validRmse: null }, 1)).toBe('train RMSE 6 in epoch 1 is more than 10× the starting 0.5');
  });
});
