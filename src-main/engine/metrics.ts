/**
 * RMSE and MAE, in one place. Errors (prediction − target) are summed in float64 as plain data,
 * so the sums of batches, chunks and workers add up (a worker posts its pass's sums to the
 * trainer), and the metrics are read off the sums at the end. No dependencies: the data, engine
 * and io layers all measure with it.
 */

/** Squared and absolute errors summed, and how many they cover. */
export interface ErrorSums {
  squared: number;
  absolute: number;
  count: number;
}

export interface Errors {
  rmse: number;
  mae: number;
}

export const noErrors = (): ErrorSums => ({ squared: 0, absolute: 0, count: 0 });

/** One error, for loops that compute their predictions one at a time. */
export function addError(sums: ErrorSums, prediction: number, target: number): void {
  const e = prediction - target;
  sums.squared += e * e;
  sums.absolute += Math.abs(e);
  sums.count++;
}

/**
 * The errors of predictions[0, n) against targets[offset, offset + n), summed on their own and
 * then added to `sums` (a batch's, or a chunk's, sums).
 */
export function addErrors(sums: ErrorSums, predictions: ArrayLike<number>, targets: ArrayLike<number>, n = predictions.length, offset = 0): void {
  let se = 0;
  let ae = 0;
  for (let j = 0; j < n; j++) {
    const e = predictions[j] - targets[offset + j];
    se += e * e;
    ae += Math.abs(e);
  }
  sums.squared += se;
  sums.absolute += ae;
  sums.count += n;
}

/** `from` added into `into`. */
export function addSums(into: ErrorSums, from: ErrorSums): void {
  into.squared += from.squared;
  into.absolute += from.absolute;
  into.count += from.count;
}

/** NaN when the sums cover nothing. */
export const meanSquared = (s: ErrorSums): number => s.squared / s.count;
export const rmseOf = (s: ErrorSums): number => Math.sqrt(meanSquared(s));
export const maeOf = (s: ErrorSums): number => s.absolute / s.count;
export const errorsOf = (s: ErrorSums): Errors => ({ rmse: rmseOf(s), mae: maeOf(s) });

/** RMSE of predictions against targets (same length); NaN for none. */
export function rmse(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  const sums = noErrors();
  addErrors(sums, predictions, targets);
  return rmseOf(sums);
}
