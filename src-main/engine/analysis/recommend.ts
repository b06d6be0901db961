import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, type Taste, itemRowCount, rowTaste, scoreAllItems, toRating } from './factor-model.ts';
import { type RowLabel, checkModelFitsData, rowLabel } from './labels.ts';
import { type RowGroups, type RowStats, groupRows, ratedItems, rowStats } from './rating-stats.ts';
import { topN } from './top-n.ts';

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
