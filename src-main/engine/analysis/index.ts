/**
 * Reading and using trained factors (fastbook ch. 8, "Interpreting embeddings and biases"), for
 * the app's panels and the CLI. Everything takes a FactorModel (plain arrays; from the trainer
 * via factorModelFromParams) and, for labels and counts, the RatingsDataset it was trained on.
 * Results meant for the UI are plain data (numbers, strings, arrays).
 */
export {
  type FactorModel, type Side, type Taste, checkFactorModel, factorModelFromParams, predictAllItems, predictRating, rowTaste,
  scoreAllItems, toRating,
} from './factor-model.ts';
export { type RowLabel, checkModelFitsData } from './labels.ts';
export { type RowGroups, type RowStats, groupRows, ratedItems, rowStats } from './rating-stats.ts';
export { type BiasRanking, type BiasRow, rankByBias } from './biases.ts';
export { type ComponentExtremes, type ItemPca, type Pca, type PcaPoint, itemFactorPca, pca } from './pca.ts';
export { type SimilarItem, type SimilarityMetric, nearestItems, similarItems } from './similar.ts';
export { type Recommendation, type RecommendOptions, recommend, recommendForUser } from './recommend.ts';
export { type FoldInOptions, type FoldInPrior, averageTaste, empiricalPrior, foldIn, ridgePrior } from './fold-in.ts';
export { ONE_HOT_MAX_ROWS, type OneHotView, oneHotView } from './one-hot.ts';
export { type Ranked, topN } from './top-n.ts';
export { type FeaturePredictor, type ValueEffect, itemValueEffects, itemsWithValue, withoutValue } from './feature-effects.ts';
