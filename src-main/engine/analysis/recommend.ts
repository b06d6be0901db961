import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, type Taste, itemRowCount, rowTaste, toRating } from './factor-model.ts';
import { type RowLabel, checkModelFitsData, rowLabel } from './labels.ts';
import { type RowGroups, type RowStats, groupRows, ratedItems, rowStats } from './rating-stats.ts';
import { topN } from './top-n.ts';

/**
 * Raw scores (dot + biases) of a taste against every item: one pass over the item table. The
 * loop is inlined rather than calling rawScore per item — this is the hot path (59k items × k)
 * of every recommendation, and the inlined loop is several times faster.
 */
export function scoreAllItems(model: FactorModel, taste: Taste): Float32Array {
  const { k, itemFactors: v, itemBias } = model;
  const u = taste.factors;
  const n = itemRowCount(model);
  const out = new Float32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += k) {
    let s = taste.bias + (itemBias ? itemBias[i] : 0);
    for (let f = 0; f < k; f++) s += u[f] * v[o + f];
    out[i] = s;
  }
  return out;
}

/** Predicted ratings of a taste for every item, on the model's scale (a new row of the grid). */
export function predictAllItems(model: FactorModel, taste: Taste): Float32Array {
  return scoreAllItems(model, taste).map((raw) => toRating(model, raw));
}

export interface Recommendation extends RowLabel {
  predicted: number;
  /** Ratings the item has in the dataset. */
  count: number;
}

export interface RecommendOptions {
  n?: number;
  /** Leave out items with fewer ratings than this. */
  minRatings?: number;
  stats?: RowStats;
}

/**
 * The n items with the highest predicted rating for `taste`, leaving out `exclude` (what the
 * user rated). Selection is partial (a size-n heap), and the y_range sigmoid is monotone, so
 * only the n winners are mapped to the rating scale.
 */
export function recommend(
  model: FactorModel,
  data: RatingsDataset,
  taste: Taste,
  exclude: ArrayLike<number>,
  options: RecommendOptions = {},
): Recommendation[] {
  checkModelFitsData(model, data);
  const nItems = itemRowCount(model);
  const stats = options.stats ?? rowStats(data, 'item');
  const excluded = new Uint8Array(nItems);
  for (let j = 0; j < exclude.length; j++) excluded[exclude[j]] = 1;
  const minRatings = options.minRatings ?? 0;
  const ranked = topN(scoreAllItems(model, taste), options.n ?? 10, {
    skip: (i) => excluded[i] === 1 || stats.count[i] < minRatings,
  });
  return Array.from(ranked.indices, (i, r) => ({
    ...rowLabel(data, 'item', i),
    predicted: toRating(model, ranked.scores[r]),
    count: stats.count[i],
  }));
}

/** Recommendations for an existing user row, excluding the items they rated in `data`. */
export function recommendForUser(
  model: FactorModel,
  data: RatingsDataset,
  user: number,
  options: RecommendOptions & { byUser?: RowGroups } = {},
): Recommendation[] {
  const byUser = options.byUser ?? groupRows(data, 'user');
  return recommend(model, data, rowTaste(model, 'user', user), ratedItems(data, byUser, user), options);
}
