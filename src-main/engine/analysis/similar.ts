import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, itemRowCount } from './factor-model.ts';
import { type RowLabel, checkModelFitsData, rowLabel } from './labels.ts';
import { type RowStats, rowStats } from './rating-stats.ts';
import { type Ranked, topN } from './top-n.ts';

/**
 * cosine: angle only (fastbook's choice — popularity-scaled vector lengths do not dominate);
 * dot: what the model multiplies; euclidean: distance, smaller is closer.
 */
export type SimilarityMetric = 'cosine' | 'dot' | 'euclidean';

/** Score of every item row against `vector` (k); a zero-length item gets NaN under cosine. */
export function similarityScores(model: FactorModel, vector: ArrayLike<number>, metric: SimilarityMetric): Float64Array {
  const k = model.k;
  const v = model.itemFactors;
  const n = itemRowCount(model);
  let qNorm = 0;
  for (let f = 0; f < k; f++) qNorm += vector[f] * vector[f];
  qNorm = Math.sqrt(qNorm);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let dot = 0;
    let sq = 0;
    let dist = 0;
    for (let f = 0; f < k; f++) {
      const x = v[o + f];
      dot += x * vector[f];
      sq += x * x;
      const d = x - vector[f];
      dist += d * d;
    }
    scores[i] = metric === 'dot' ? dot : metric === 'euclidean' ? Math.sqrt(dist) : dot / (Math.sqrt(sq) * qNorm);
  }
  return scores;
}

/** The n items nearest to `vector`, best first; `skip(i)` leaves item i out. */
export function nearestItems(
  model: FactorModel,
  vector: ArrayLike<number>,
  metric: SimilarityMetric,
  n: number,
  skip?: (i: number) => boolean,
): Ranked {
  return topN(similarityScores(model, vector, metric), n, { order: metric === 'euclidean' ? 'asc' : 'desc', skip });
}

export interface SimilarItem extends RowLabel {
  /** Cosine similarity, dot product, or Euclidean distance, per the metric. */
  score: number;
  count: number;
}

/**
 * fastbook's "movie most similar to Silence of the Lambs": the item's nearest neighbours in
 * factor space, the item itself excluded. `minRatings` leaves out rarely rated items, whose
 * barely trained vectors otherwise crowd the cosine list.
 */
export function similarItems(
  model: FactorModel,
  data: RatingsDataset,
  item: number,
  options: { metric?: SimilarityMetric; n?: number; minRatings?: number; stats?: RowStats } = {},
): SimilarItem[] {
  checkModelFitsData(model, data);
  const nItems = itemRowCount(model);
  if (!Number.isInteger(item) || item < 0 || item >= nItems) throw new Error(`item row ${item} is outside [0, ${nItems})`);
  const stats = options.stats ?? rowStats(data, 'item');
  const minRatings = options.minRatings ?? 0;
  const k = model.k;
  const query = model.itemFactors.subarray(item * k, item * k + k);
  const ranked = nearestItems(model, query, options.metric ?? 'cosine', options.n ?? 10,
    (i) => i === item || stats.count[i] < minRatings);
  return Array.from(ranked.indices, (i, r) => ({
    ...rowLabel(data, 'item', i),
    score: ranked.scores[r],
    count: stats.count[i],
  }));
}
