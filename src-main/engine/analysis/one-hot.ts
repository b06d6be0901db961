import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, type Side, sideFactors, sideRowCount } from './factor-model.ts';
import { checkModelFitsData } from './labels.ts';

/**
 * The Excel `movielens_1hot` lesson as data for a side-by-side view: an embedding lookup is a
 * one-hot row times the embedding matrix. The product is computed by the full multiplication
 * (not copied from the lookup), so `equal` is a real check the view can show.
 */
export interface OneHotView {
  side: Side;
  row: number;
  /** Original id of each matrix row. */
  ids: string[];
  /** n entries: 1 at `row`, 0 elsewhere. */
  oneHot: number[];
  /** n × k embedding matrix. */
  matrix: number[][];
  /** oneHot × matrix (k). */
  product: number[];
  /** matrix[row] (k). */
  lookedUp: number[];
  equal: boolean;
}

/** Sheets bigger than this make an unreadable view; the lesson needs only a small one. */
export const ONE_HOT_MAX_ROWS = 100;

export function oneHotView(model: FactorModel, data: RatingsDataset, side: Side, row: number): OneHotView {
  checkModelFitsData(model, data);
  const n = sideRowCount(model, side);
  if (n > ONE_HOT_MAX_ROWS) {
    throw new Error(`the one-hot view is for small sheets (at most ${ONE_HOT_MAX_ROWS} ${side}s); this one has ${n}`);
  }
  if (!Number.isInteger(row) || row < 0 || row >= n) throw new Error(`${side} row ${row} is outside [0, ${n})`);
  const k = model.k;
  const table = sideFactors(model, side);
  const matrix = Array.from({ length: n }, (_, r) => Array.from(table.subarray(r * k, r * k + k)));
  const oneHot = Array.from({ length: n }, (_, r) => (r === row ? 1 : 0));
  const product = Array.from({ length: k }, (_, c) => {
    let s = 0;
    for (let r = 0; r < n; r++) s += oneHot[r] * matrix[r][c];
    return s;
  });
  const lookedUp = matrix[row].slice();
  return {
    side,
    row,
    ids: (side === 'user' ? data.userIds : data.itemIds).slice(),
    oneHot,
    matrix,
    product,
    lookedUp,
    equal: product.every((v, c) => v === lookedUp[c]),
  };
}
