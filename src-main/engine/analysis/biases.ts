import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, type Side, sideBias } from './factor-model.ts';
import { type RowLabel, checkModelFitsData, rowLabel } from './labels.ts';
import { type RowStats, rowStats } from './rating-stats.ts';
import { topN } from './top-n.ts';

export interface BiasRow extends RowLabel {
  bias: number;
  /** Ratings of this row in the dataset, and their mean (NaN when none). */
  count: number;
  meanRating: number;
}

export interface BiasRanking {
  /** Lowest bias first (fastbook: movies even their genre's fans rate below what their factors predict). */
  lowest: BiasRow[];
  /** Highest bias first. */
  highest: BiasRow[];
}

/**
 * Users or items ranked by learned bias, with the counts and mean ratings that explain them.
 * `minRatings` leaves out rows with fewer ratings (a bias learned from 2 ratings says little).
 */
export function rankByBias(
  model: FactorModel,
  data: RatingsDataset,
  side: Side,
  options: { n?: number; minRatings?: number; stats?: RowStats } = {},
): BiasRanking {
  const bias = sideBias(model, side);
  if (!bias) throw new Error('this model has no biases (plain dot product): nothing to rank');
  const n = options.n ?? 5;
  checkModelFitsData(model, data);
  const stats = options.stats ?? rowStats(data, side);
  const minRatings = options.minRatings ?? 0;
  const skip = (i: number) => stats.count[i] < minRatings;
  const describe = (row: number): BiasRow => ({
    ...rowLabel(data, side, row),
    bias: bias[row],
    count: stats.count[row],
    meanRating: stats.mean[row],
  });
  return {
    lowest: Array.from(topN(bias, n, { order: 'asc', skip }).indices, describe),
    highest: Array.from(topN(bias, n, { order: 'desc', skip }).indices, describe),
  };
}
