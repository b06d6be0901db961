import { biasedDot } from '../engine/analysis/factor-model.ts';
import { addError, noErrors, rmseOf } from '../engine/metrics.ts';
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
  /** Skew of user activity when it should differ from the items' (MovieLens: users ~0.5, items ~0.6). */
  userSkew?: number;
  /** Give each rating a timestamp (seconds) drawn uniformly in [start, end). */
  timestamps?: { start: number; end: number };
  /** Id prefixes (default "u" and "i"); "" gives integer ids like MovieLens'. */
  idPrefix?: { user: string; item: string };
  /** Clip to [lo, hi] and round to the nearest step (e.g. 0.5 for half stars). */
  scale?: { lo: number; hi: number; step: number };
  /** Plant side features the ratings depend on (issue 15 item 6); the users' and items' draws are otherwise unchanged. */
  features?: PlantedFeatureSpec;
}

/**
 * Side features with known effects: each item gets 1–3 of `genres` genres and its planted vector
 * (and bias) is the mean of its genres' vectors (biases) plus its own noise; each user gets one of
 * `ageBuckets` age buckets, whose planted bias is added to the user's own. A model that reads the
 * features can then place an item with no ratings from its genres alone.
 */
export interface PlantedFeatureSpec {
  genres: number;
  ageBuckets: number;
  /** Std of an item's own part beside its genres' mean, as a share of factorStd / biasStd (default 0.5). */
  itemOwnShare?: number;
  /** Std of the age buckets' biases (default 0.3). */
  ageBiasStd?: number;
}

/** Bounds of the planted features (what a CSV's auto-detection reads as categorical). */
export const PLANTED_FEATURE_LIMITS = { genres: { min: 1, max: 20 }, ageBuckets: { min: 1, max: 20 } } as const;

export interface PlantedFeatures {
  /** Genres of item i: itemGenres[itemGenreOffsets[i] … itemGenreOffsets[i+1]), each in [0, genres). */
  itemGenreOffsets: Int32Array;
  itemGenres: Int32Array;
  genreFactors: Float32Array; // genres × rank
  genreBias: Float32Array;
  /** Age bucket of each user, in [0, ageBuckets). */
  userAge: Int32Array;
  ageBias: Float32Array;
}

export interface PlantedTruth {
  userFactors: Float32Array; // users × rank, row-major
  itemFactors: Float32Array; // items × rank
  userBias: Float32Array;
  itemBias: Float32Array;
  mean: number;
  /** With spec.features: what was planted. */
  features?: PlantedFeatures;
}

export function generatePlanted(spec: PlantedSpec): { data: RatingsDataset; truth: PlantedTruth } {
  const { users, items, rank, noise } = spec;
  const mean = spec.mean ?? 3.5;
  const biasStd = spec.biasStd ?? 0.3;
  const factorStd = spec.factorStd ?? 0.5;
  const total = Math.min(spec.ratings, users * items);
  const rand = mulberry32(spec.seed);
  const normal = normalSampler(rand);

  const userFactors = new Float32Array(users * rank).map(() => normal() * factorStd);
  const itemFactors = new Float32Array(items * rank).map(() => normal() * factorStd);
  const userBias = new Float32Array(users).map(() => normal() * biasStd);
  const itemBias = new Float32Array(items).map(() => normal() * biasStd);
  const features = spec.features && plantFeatures(spec.features, spec.seed, { users, items, rank, factorStd, biasStd }, { userFactors, itemFactors, userBias, itemBias });

  const perUser = ratingsPerUser(users, items, total, spec.userSkew ?? spec.popularitySkew ?? 0, rand);
  const pickItem = popularityPicker(items, spec.popularitySkew ?? 0, rand);
  const itemWeight = (i: number) => Math.pow(i + 1, -(spec.popularitySkew ?? 0));
  // Rows come grouped by user, as in MovieLens dumps. Distinct items per user are drawn with a
  // table stamped by user — O(rows) memory-flat, where a Set of pairs would not fit at 25M.
  const takenBy = new Int32Array(items).fill(-1);
  const u = new Int32Array(total);
  const it = new Int32Array(total);
  const r = new Float32Array(total);
  const span = spec.timestamps;
  const ts = span ? new Float64Array(total) : undefined;
  let n = 0;
  for (let a = 0; a < users; a++) {
    const want = perUser[a];
    const first = n;
    // Rejection is cheap while a user takes a small share of the catalogue; a heavy user falls
    // back to weighted sampling without replacement (Efraimidis–Spirakis keys).
    let tries = 0;
    if (want * 4 <= items) {
      while (n - first < want && tries++ < 8 * want) {
        const b = pickItem();
        if (takenBy[b] === a) continue;
        takenBy[b] = a;
        it[n++] = b;
      }
    }
    if (n - first < want) n += weightedWithoutReplacement(items, want - (n - first), itemWeight, takenBy, a, rand, it, n);
    for (let k = first; k < n; k++) {
      const b = it[k];
      let dot = 0;
      for (let f = 0; f < rank; f++) dot += userFactors[a * rank + f] * itemFactors[b * rank + f];
      let y = mean + userBias[a] + itemBias[b] + dot + normal() * noise;
      if (spec.scale) {
        const { lo, hi, step } = spec.scale;
        y = Math.min(hi, Math.max(lo, Math.round(y / step) * step));
      }
      u[k] = a;
      r[k] = y;
      if (ts && span) ts[k] = Math.floor(span.start + rand() * (span.end - span.start));
    }
  }
  const ids = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  const data: RatingsDataset = { users: u, items: it, ratings: r, userIds: ids(users, spec.idPrefix?.user ?? 'u'), itemIds: ids(items, spec.idPrefix?.item ?? 'i') };
  if (ts) data.timestamps = ts;
  return { data, truth: { userFactors, itemFactors, userBias, itemBias, mean, ...(features ? { features } : {}) } };
}

/**
 * Draws the features from their own stream (so the ratings' pattern stays that of the same spec
 * without features) and rewrites the items' vectors and biases and the users' biases in place.
 */
function plantFeatures(
  f: PlantedFeatureSpec,
  seed: number,
  size: { users: number; items: number; rank: number; factorStd: number; biasStd: number },
  planted: { userFactors: Float32Array; itemFactors: Float32Array; userBias: Float32Array; itemBias: Float32Array },
): PlantedFeatures {
  const { genres, ageBuckets } = f;
  for (const [name, value] of [['genres', genres], ['ageBuckets', ageBuckets]] as const) {
    const { min, max } = PLANTED_FEATURE_LIMITS[name];
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`features.${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  const { users, items, rank, factorStd, biasStd } = size;
  const rand = mulberry32((seed ^ 0x6a09e667) >>> 0);
  const normal = normalSampler(rand);
  const own = f.itemOwnShare ?? 0.5;
  const genreFactors = new Float32Array(genres * rank).map(() => normal() * factorStd);
  const genreBias = new Float32Array(genres).map(() => normal() * biasStd);
  const ageBias = new Float32Array(ageBuckets).map(() => normal() * (f.ageBiasStd ?? 0.3));
  const itemGenreOffsets = new Int32Array(items + 1);
  const chosen: number[] = [];
  for (let i = 0; i < items; i++) {
    const want = Math.min(genres, 1 + Math.floor(rand() * 3));
    const mine: number[] = [];
    while (mine.length < want) {
      const g = Math.floor(rand() * genres);
      if (!mine.includes(g)) mine.push(g);
    }
    mine.sort((a, b) => a - b);
    chosen.push(...mine);
    itemGenreOffsets[i + 1] = chosen.length;
    for (let k = 0; k < rank; k++) {
      let sum = 0;
      for (const g of mine) sum += genreFactors[g * rank + k];
      planted.itemFactors[i * rank + k] = sum / mine.length + planted.itemFactors[i * rank + k] * own;
    }
    planted.itemBias[i] = mine.reduce((a, g) => a + genreBias[g], 0) / mine.length + planted.itemBias[i] * own;
  }
  const userAge = new Int32Array(users).map(() => Math.floor(rand() * ageBuckets));
  for (let u = 0; u < users; u++) planted.userBias[u] += ageBias[userAge[u]];
  return { itemGenreOffsets, itemGenres: Int32Array.from(chosen), genreFactors, genreBias, userAge, ageBias };
}

/** Genre and age bucket names as the feature files write them. */
export const plantedGenreName = (g: number): string => `Genre${g + 1}`;
export const plantedAgeName = (b: number): string => `age${b + 1}`;

/**
 * The planted features as two CSV files' text — `item,genres` (`Genre2|Genre5`) and
 * `user,age_bucket` — keyed by the dataset's ids, in the shape readFeatureFile reads.
 */
export function plantedFeatureCsvs(data: RatingsDataset, features: PlantedFeatures): { items: string; users: string } {
  const items = data.itemIds.map((id, i) => {
    const genres = Array.from(features.itemGenres.subarray(features.itemGenreOffsets[i], features.itemGenreOffsets[i + 1]), plantedGenreName);
    return `${csvField(id)},${genres.join('|')}`;
  });
  const users = data.userIds.map((id, u) => `${csvField(id)},${plantedAgeName(features.userAge[u])}`);
  return { items: `item,genres\n${items.join('\n')}\n`, users: `user,age_bucket\n${users.join('\n')}\n` };
}

/** An id as a CSV field: quoted when it holds a delimiter, a quote or a line break. */
const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/**
 * How many ratings each user gets: `total` draws by user popularity, then any user over the
 * catalogue size gives its excess to users with room (so dense small sheets still fill exactly).
 */
function ratingsPerUser(users: number, items: number, total: number, skew: number, rand: () => number): Int32Array {
  const counts = new Int32Array(users);
  const pickUser = popularityPicker(users, skew, rand);
  for (let k = 0; k < total; k++) counts[pickUser()]++;
  let excess = 0;
  for (let a = 0; a < users; a++) {
    if (counts[a] > items) {
      excess += counts[a] - items;
      counts[a] = items;
    }
  }
  for (let a = 0; excess > 0; a = (a + 1) % users) {
    if (counts[a] < items) {
      counts[a]++;
      excess--;
    }
  }
  return counts;
}

/**
 * Writes `count` items not yet taken by `user` into out[at…], each drawn with probability
 * proportional to weight(i) without replacement: the `count` largest keys rand^(1/w).
 */
function weightedWithoutReplacement(
  items: number,
  count: number,
  weight: (i: number) => number,
  takenBy: Int32Array,
  user: number,
  rand: () => number,
  out: Int32Array,
  at: number,
): number {
  const candidates: number[] = [];
  const keys = new Float64Array(items);
  for (let i = 0; i < items; i++) {
    if (takenBy[i] === user) continue;
    keys[i] = Math.log(rand() || Number.MIN_VALUE) / weight(i);
    candidates.push(i);
  }
  candidates.sort((x, y) => keys[y] - keys[x]);
  for (let k = 0; k < count; k++) {
    takenBy[candidates[k]] = user;
    out[at + k] = candidates[k];
  }
  return count;
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

/**
 * RMSE of the planted model itself (before noise, rounding and clipping) on `d`: the floor a
 * solver should reach, since what is left is the noise.
 */
export function plantedRmse(d: RatingsDataset, t: PlantedTruth): number {
  const rank = t.userFactors.length / t.userBias.length;
  const sums = noErrors();
  for (let n = 0; n < d.ratings.length; n++) {
    const u = d.users[n];
    const i = d.items[n];
    addError(sums, biasedDot(t.userFactors, u * rank, t.itemFactors, i * rank, rank, t.mean + t.userBias[u] + t.itemBias[i]), d.ratings[n]);
  }
  return rmseOf(sums);
}
