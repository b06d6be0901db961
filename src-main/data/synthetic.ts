import type { RatingsDataset } from './dataset.ts';
import { mulberry32, normalSampler } from './random.ts';

/**
 * A planted low-rank model with known noise: the best test of a solver, because the floor it
 * should reach (the noise σ) is known. rating = mean + b_u + b_i + dot(u, v) + N(0, σ²),
 * optionally clipped to a scale and rounded to half stars.
 */
export interface PlantedSpec {
  users: number;
  items: number;
  ratings: number;
  rank: number;
  /** Noise standard deviation σ. */
  noise: number;
  seed: number;
  mean?: number;
  /** Std of the planted user and item biases. */
  biasStd?: number;
  /** Std of each planted factor entry; the dot product then has std rank^0.5 * factorStd². */
  factorStd?: number;
  /** 0 = uniform item popularity; s > 0 = Zipf-like weight (rank+1)^-s per item (and per user). */
  popularitySkew?: number;
  /** Clip to [lo, hi] and round to the nearest step (e.g. 0.5 for half stars). */
  scale?: { lo: number; hi: number; step: number };
}

export interface PlantedTruth {
  userFactors: Float32Array; // users × rank, row-major
  itemFactors: Float32Array; // items × rank
  userBias: Float32Array;
  itemBias: Float32Array;
  mean: number;
}

export function generatePlanted(spec: PlantedSpec): { data: RatingsDataset; truth: PlantedTruth } {
  const { users, items, rank, noise } = spec;
  const mean = spec.mean ?? 3.5;
  const biasStd = spec.biasStd ?? 0.3;
  const factorStd = spec.factorStd ?? 0.5;
  const skew = spec.popularitySkew ?? 0;
  const total = Math.min(spec.ratings, users * items);
  const rand = mulberry32(spec.seed);
  const normal = normalSampler(rand);

  const userFactors = new Float32Array(users * rank).map(() => normal() * factorStd);
  const itemFactors = new Float32Array(items * rank).map(() => normal() * factorStd);
  const userBias = new Float32Array(users).map(() => normal() * biasStd);
  const itemBias = new Float32Array(items).map(() => normal() * biasStd);

  const pickUser = popularityPicker(users, skew, rand);
  const pickItem = popularityPicker(items, skew, rand);
  // Distinct pairs: a pair drawn twice is redrawn, so every (user, item) appears once.
  const seen = new Set<number>();
  const u = new Int32Array(total);
  const it = new Int32Array(total);
  const r = new Float32Array(total);
  for (let n = 0; n < total; ) {
    const a = pickUser();
    const b = pickItem();
    const key = a * items + b;
    if (seen.has(key)) continue;
    seen.add(key);
    let dot = 0;
    for (let f = 0; f < rank; f++) dot += userFactors[a * rank + f] * itemFactors[b * rank + f];
    let y = mean + userBias[a] + itemBias[b] + dot + normal() * noise;
    if (spec.scale) {
      const { lo, hi, step } = spec.scale;
      y = Math.min(hi, Math.max(lo, Math.round(y / step) * step));
    }
    u[n] = a;
    it[n] = b;
    r[n] = y;
    n++;
  }
  const ids = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  return {
    data: { users: u, items: it, ratings: r, userIds: ids(users, 'u'), itemIds: ids(items, 'i') },
    truth: { userFactors, itemFactors, userBias, itemBias, mean },
  };
}

/** Draws an index in [0, n) with weight (i+1)^-skew via binary search on the cumulative weights. */
function popularityPicker(n: number, skew: number, rand: () => number): () => number {
  if (skew === 0) return () => Math.floor(rand() * n);
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += Math.pow(i + 1, -skew);
  return () => {
    const x = rand() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
