/**
 * The sheet's RMSE and MAE after cold rows moved, without re-evaluating every rating: folding in
 * a cold row changes the predictions of its own cells only (every other row is held fixed), so
 * the new fit is the last one with those cells' errors taken out and the new errors put back.
 * Re-evaluating costs a pass over all ratings (ml-100k: ~10-30 ms, ml-25m: ~1 s); a cold row
 * has the handful of cells the user typed.
 */
import type { Fit } from '../contract.ts';

/** Some cells of one set (train or valid), as parallel arrays. */
export interface Cells {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

/** The cells of the cold rows, in the set each one belongs to. */
export interface ColdCells {
  train: Cells;
  valid: Cells;
}

/** Squared and absolute errors summed, and how many cells they cover. */
export interface ErrorSums {
  squared: number;
  absolute: number;
  count: number;
}

export type ColdErrors = Record<keyof ColdCells, ErrorSums>;

export function coldErrors(predict: (users: Int32Array, items: Int32Array) => Float32Array, cells: ColdCells): ColdErrors {
  const sums = (c: Cells): ErrorSums => {
    const sum = { squared: 0, absolute: 0, count: c.ratings.length };
    if (c.ratings.length === 0) return sum;
    const predicted = predict(c.users, c.items);
    for (let j = 0; j < predicted.length; j++) {
      const e = predicted[j] - c.ratings[j];
      sum.squared += e * e;
      sum.absolute += Math.abs(e);
    }
    return sum;
  };
  return { train: sums(cells.train), valid: sums(cells.valid) };
}

/**
 * `before` (the fit over `counts` ratings, cold cells' errors `old` among them) with the cold
 * cells' errors replaced by `now`.
 */
export function movedFit(before: Fit, counts: { train: number; valid: number }, old: ColdErrors, now: ColdErrors): Fit {
  const moved = (rmse: number | null, mae: number | null, count: number, o: ErrorSums, n: ErrorSums) => {
    const total = count - o.count + n.count;
    if (total <= 0) return { rmse: null, mae: null };
    // Clamped at 0: float cancellation when the cold cells carried nearly all of the error.
    const squared = Math.max(0, (rmse ?? 0) ** 2 * count - o.squared + n.squared);
    const absolute = Math.max(0, (mae ?? 0) * count - o.absolute + n.absolute);
    return { rmse: Math.sqrt(squared / total), mae: absolute / total };
  };
  const t = moved(before.trainRmse, before.trainMae, counts.train, old.train, now.train);
  const v = moved(before.validRmse, before.validMae, counts.valid, old.valid, now.valid);
  return { trainRmse: t.rmse ?? Number.NaN, trainMae: t.mae ?? Number.NaN, validRmse: v.rmse, validMae: v.mae };
}
