import { describe, expect, it } from 'vitest';
import { addError, addErrors, addSums, errorsOf, maeOf, noErrors, rmse, rmseOf } from './metrics.ts';

describe('metrics', () => {
  it('RMSE and MAE of prediction − target, one at a time or over arrays', () => {
    const predictions = Float32Array.from([1, 2, 4, 3]);
    const targets = Float32Array.from([2, 2, 2, 5]);
    // errors −1, 0, 2, −2: squared 9, absolute 5, over 4.
    expect(rmse(predictions, targets)).toBeCloseTo(1.5, 15);
    const one = noErrors();
    predictions.forEach((p, j) => addError(one, p, targets[j]));
    expect(one).toEqual({ squared: 9, absolute: 5, count: 4 });
    expect(errorsOf(one)).toEqual({ rmse: 1.5, mae: 1.25 });
  });

  it('adds chunks at an offset into the targets, and sums of sums', () => {
    const targets = Float64Array.from([0, 0, 1, 1]);
    const a = noErrors();
    addErrors(a, Float64Array.from([1, 1]), targets, 2, 0);
    const b = noErrors();
    addErrors(b, Float64Array.from([4, 1, 9]), targets, 2, 2);
    addSums(a, b);
    expect(a).toEqual({ squared: 11, absolute: 5, count: 4 });
    expect(maeOf(a)).toBe(1.25);
  });

  it('is NaN over nothing', () => {
    expect(rmseOf(noErrors())).toBeNaN();
    expect(rmse(new Float32Array(0), new Float32Array(0))).toBeNaN();
  });
});
