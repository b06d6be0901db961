/**
 * Side features as a model takes them (issue 15 item 2, fastai's tabular model): per user or item
 * code, a categorical feature's code, a multi-valued feature's codes padded to a fixed width
 * with averaging weights, and numeric features normalised with an "unknown" flag. These are
 * tables indexed by the user/item code *inside* the graph, so a batch still carries only codes.
 *
 * Unknown is always representable, which is what cold start needs: code 0 of every vocabulary
 * is "(unknown)" (a learned embedding row of its own), and a number the file lacks is 0 (the
 * mean) with its flag set to 1. A code beyond the joined rows (a user or item added later) is
 * all-unknown until its features are given.
 */
import type { Feature } from '../../data/import/features.ts';
import type { ModelKind } from '../types.ts';

export type FeatureSide = 'user' | 'item';

/** A categorical feature: one code per row; embedded with a table of vocabulary.length rows. */
export interface CategoricalColumn {
  kind: 'categorical';
  /** Graph-safe: `<side>_<feature>` in [a-z0-9_]. */
  name: string;
  label: string;
  vocabulary: readonly string[];
  codes: Int32Array;
}

/**
 * A multi-valued feature (genres): each row's codes padded to `width` (with code 0 and weight 0),
 * weights 1/count — so Σ weight · embedding(code) is the mean of the row's embeddings.
 */
export interface MultiColumn {
  kind: 'multi';
  name: string;
  label: string;
  vocabulary: readonly string[];
  width: number;
  codes: Int32Array;
  weights: Float32Array;
}

/** Numeric features of one side, two columns each: (x − mean)/std (0 if unknown) and the unknown flag. */
export interface NumericColumns {
  kind: 'numeric';
  name: string;
  labels: readonly string[];
  /** Training data's mean and std per feature: how a new row's numbers are normalised. */
  stats: readonly { mean: number; std: number }[];
  /** rows × 2·labels.length. */
  values: Float32Array;
}

export type FeatureColumn = CategoricalColumn | MultiColumn | NumericColumns;

export interface SideFeatureSet {
  side: FeatureSide;
  /** Rows the tables hold (codes ≥ rows are grown as unknown by `growColumns`). */
  rows: number;
  columns: FeatureColumn[];
  /**
   * Per row, how far the model trusts the id embedding over the features: n/(n + k) for a row
   * with n training ratings (countGate). The id embedding is multiplied by it, so a row with
   * few ratings is predicted mostly from its features and its id embedding learns slowly
   * (issue 15's cold items); a row past the table (added later) has 0: its features alone.
   */
  gate?: Float32Array;
  /**
   * Per row, two numbers from its n training ratings (countColumns), rows × 2: popularity
   * log(max(n, 1))/log(POPULARITY_SCALE) and familiarity m/(m + ID_GATE_RATINGS) with
   * m = max(n − 1, 0) — what the network's count terms take (embedding-nn.ts). Both are 0 for a
   * row with one rating or none: a row past the table (added later, 0) reads as the least rated
   * row the network saw in training, never as a value no training row had.
   */
  counts?: Float32Array;
}

/** What a model is given: each side's columns, either side possibly absent. */
export interface ModelFeatures {
  user: SideFeatureSet | null;
  item: SideFeatureSet | null;
}

/** The models whose layers take side features beside the ids (embedding-nn.ts); the factor models do not. */
export const usesSideFeatures = (kind: ModelKind): boolean => kind === 'nn' || kind === 'classes';

const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'feature';

/**
 * Joined features (one row per dataset code, features-join.ts) as model columns over `rows`
 * codes. Numeric features of a side share one table; names are unique per side.
 */
export function encodeFeatures(side: FeatureSide, features: readonly Feature[], rows: number): SideFeatureSet {
  const columns: FeatureColumn[] = [];
  const used = new Set<string>([`${side}_numbers`]);
  const nameOf = (label: string) => {
    let name = `${side}_${safe(label)}`;
    for (let k = 2; used.has(name); k++) name = `${side}_${safe(label)}_${k}`;
    used.add(name);
    return name;
  };
  const numeric = features.filter((f) => f.kind === 'numeric');
  for (const f of features) {
    if (f.kind === 'categorical') {
      const codes = new Int32Array(rows);
      codes.set(f.codes.subarray(0, Math.min(rows, f.codes.length)));
      columns.push({ kind: 'categorical', name: nameOf(f.name), label: f.name, vocabulary: f.vocabulary, codes });
    } else if (f.kind === 'multi') {
      columns.push(multiColumn(nameOf(f.name), f.name, f.vocabulary, f.offsets, f.codes, rows));
    }
  }
  if (numeric.length) {
    const m = numeric.length;
    const values = new Float32Array(rows * 2 * m);
    for (let r = 0; r < rows; r++) {
      numeric.forEach((f, j) => {
        const x = r < f.values.length ? f.values[r] : NaN;
        const unknown = Number.isNaN(x);
        values[r * 2 * m + 2 * j] = unknown ? 0 : (x - f.mean) / (f.std > 0 ? f.std : 1);
        values[r * 2 * m + 2 * j + 1] = unknown ? 1 : 0;
      });
    }
    columns.push({ kind: 'numeric', name: `${side}_numbers`, labels: numeric.map((f) => f.name), stats: numeric.map((f) => ({ mean: f.mean, std: f.std })), values });
  }
  return { side, rows, columns };
}

function multiColumn(name: string, label: string, vocabulary: readonly string[], offsets: Int32Array, source: Int32Array, rows: number): MultiColumn {
  const known = offsets.length - 1;
  let width = 1;
  for (let r = 0; r < known; r++) width = Math.max(width, offsets[r + 1] - offsets[r]);
  const codes = new Int32Array(rows * width);
  const weights = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const start = r < known ? offsets[r] : 0;
    const n = r < known ? offsets[r + 1] - start : 0;
    if (n === 0) weights[r * width] = 1; // beyond the file: the unknown code 0, alone
    for (let j = 0; j < n; j++) {
      codes[r * width + j] = source[start + j];
      weights[r * width + j] = 1 / n;
    }
  }
  return { kind: 'multi', name, label, vocabulary, width, codes, weights };
}

/** The set over more rows (a dataset that grew users or items): the new rows all unknown. */
export function growColumns(set: SideFeatureSet, rows: number): SideFeatureSet {
  if (rows <= set.rows) return set;
  const grow = <T extends Int32Array | Float32Array>(a: T, perRow: number, fill: (row: T) => void): T => {
    const out = new (a.constructor as new (n: number) => T)(rows * perRow);
    out.set(a);
    fill(out.subarray(set.rows * perRow) as T);
    return out;
  };
  const gate = set.gate && grow(set.gate, 1, () => {});
  const counts = set.counts && grow(set.counts, 2, () => {});
  const columns = set.columns.map((c): FeatureColumn => {
    switch (c.kind) {
      case 'categorical': return { ...c, codes: grow(c.codes, 1, () => {}) };
      case 'multi': return {
        ...c,
        codes: grow(c.codes, c.width, () => {}),
        weights: grow(c.weights, c.width, (w) => { for (let r = 0; r < w.length; r += c.width) w[r] = 1; }),
      };
      case 'numeric': return { ...c, values: grow(c.values, 2 * c.labels.length, (v) => { for (let j = 1; j < v.length; j += 2) v[j] = 1; }) };
    }
  });
  return { ...set, rows, columns, ...(gate ? { gate } : {}), ...(counts ? { counts } : {}) };
}

/** A graph input holding a feature table: its name, element type, one row's shape, and data. */
export interface FeatureTensor {
  name: string;
  side: FeatureSide;
  /** 'int' for codes; 'float' for weights and numbers (the graph's float type). */
  type: 'int' | 'float';
  /** One row's shape ([] for one code per row). */
  row: number[];
  data: Int32Array | Float32Array;
}

/** The graph inputs of a side's columns, in the order the model declares them. */
export const featureTensors = (set: SideFeatureSet): FeatureTensor[] => [
  ...set.columns.flatMap((c) => columnTensors(set.side, c)),
  ...(set.gate ? [gateTensor(set.side, set.gate)] : []),
  ...(set.counts ? [countsTensor(set.side, set.counts)] : []),
];

/** The id embedding's gate of a side (SideFeatureSet.gate): one float per row. */
export const gateTensor = (side: FeatureSide, gate: Float32Array): FeatureTensor => ({ name: `${side}_id_gate`, side, type: 'float', row: [1], data: gate });

/** A side's count columns (SideFeatureSet.counts): two floats per row. */
export const countsTensor = (side: FeatureSide, counts: Float32Array): FeatureTensor =>
  ({ name: `${side}_counts`, side, type: 'float', row: [2], data: counts });

/** How many training ratings each of `rows` codes has. */
function ratingCounts(codes: Int32Array, rows: number): Float32Array {
  const counts = new Float32Array(rows);
  for (let n = 0; n < codes.length; n++) if (codes[n] < rows) counts[codes[n]]++;
  return counts;
}

/**
 * The gate n/(n + k) of each of `rows` codes from the training ratings' codes: k ratings
 * weigh the id embedding and the features alike.
 */
export const countGate = (codes: Int32Array, rows: number, k: number): Float32Array => ratingCounts(codes, rows).map((n) => n / (n + k));

/** The count that maps to popularity 1 (ml-100k's most rated movie, 583 ratings, is at 1.38). */
export const POPULARITY_SCALE = 100;

/**
 * SideFeatureSet.counts of each of `rows` codes. A row without ratings reads as one with one:
 * when it read popularity log(1 + n)/log(1 + 100) = 0, below every training row, planted movies
 * added later were predicted worse (sheet-features.test.ts: 0.550 against 0.467 without it).
 */
export function countColumns(codes: Int32Array, rows: number): Float32Array {
  const out = new Float32Array(2 * rows);
  ratingCounts(codes, rows).forEach((n, r) => {
    const seen = Math.max(n - 1, 0);
    out[2 * r] = Math.log(Math.max(n, 1)) / Math.log(POPULARITY_SCALE);
    out[2 * r + 1] = seen / (seen + ID_GATE_RATINGS);
  });
  return out;
}

/** k of the item gate: an item with 5 training ratings weighs its id embedding by 1/2. */
export const ID_GATE_RATINGS = 5;

/**
 * The features (or none: null) with the item side's counts from the training ratings' item
 * codes — what the trainer feeds a neural model: the counts (SideFeatureSet.counts) that the
 * network's count terms take (embedding-nn.ts), and with item features the id embedding's gate
 * (SideFeatureSet.gate, k = ID_GATE_RATINGS). Measured on ml-100k (NN [100] bs64 7 epochs
 * dense, u.item + u.user; valid / cold RMSE, cold = items with ≤ 5 training ratings; no
 * features, then without count terms: random split seeds 42–44 0.9113 / 1.0274, 0.9133 /
 * 1.0251, 0.9109 / 1.0157, u1 seed 42 0.9354 / 1.0763):
 * - without the gate, random split seeds 42–44: 0.9045 / 1.0616, 0.9046 / 1.0478, 0.9032 / 1.0557;
 * - the gate alone: 0.9021 / 1.0320, 0.9022 / 1.0356, 0.9006 / 1.0324; u1 0.9238 / 1.0392
 *   (k 20: 0.9034 / 1.0422; the gate itself as an input column 0.9004 / 1.0294, u1 0.9181 / 1.0126);
 * - with the popularity column, seed 42: 0.8984 / 1.0084, u1 0.9156 / 1.0211 (n/(n + 20) in its
 *   place 0.8969 / 1.0193, log(1 + min(n, 20)) 0.9027 / 1.0348);
 * - and the rare-item user bias, seeds 42–44: 0.9006 / 0.9841, 0.8992 / 0.9990, 0.8975 / 0.9830;
 *   u1 0.9147 / 1.0038 (its coldness k/(n + k) with k 2, 3, 10: 1.0231, 1.0074, 0.9899; the
 *   gate's k 1, 10, 20: 0.9987, 0.9985, 1.0005; a shared rare-item bias beside the user's:
 *   0.9910 / 0.9908 on seeds 42, 43) — but popularity as a column of the layers made planted
 *   movies added later worse (sheet-features.test.ts 0.550, needs < 0.517), so it is not kept;
 * - kept: the gate (k 5) and linear count terms beside the network (embedding-nn.ts
 *   itemCountTerms: a per-user rare-item bias, a shared and a per-user popularity slope), seed 42:
 *   0.8997 / 0.9875, u1 0.9201 / 0.9814.
 * - but those count terms alone, with a constant item feature carrying nothing, gave 0.9053 /
 *   0.9803 (u1 0.9247 / 1.0007): they, not the features, made the cold gain. So the network has
 *   them without features too (the branch below, no gate: with it 0.9054 / 0.9874, u1 0.9276 /
 *   1.0173). The honest comparison, without features seeds 42–44 0.9052 / 0.9782, 0.9051 /
 *   0.9737, 0.9057 / 0.9637, u1 0.9282 / 1.0155; with u.item + u.user 0.8997 / 0.9875, 0.8963 /
 *   0.9790, 0.8999 / 0.9846, u1 0.9201 / 0.9814: the features take valid 0.6–1.0 % lower and
 *   cold +0.5 to +2.2 % higher on the random split, 3.4 % lower on u1 (with features but no
 *   gate: cold 0.9925, 0.9791, 0.9942, u1 0.9777 — not kept). With the taste terms since
 *   (embedding-nn.ts itemTasteTerms) the features give 0.8969 / 0.9724, 0.8957 / 0.9558,
 *   0.8944 / 0.9498, u1 0.9146 / 0.9858: cold −0.6, −1.8, −1.4, −2.9 % against none.
 * - DropoutNet's id dropout (Volkovs et al. 2017: the item's id embedding zeroed in training
 *   with probability p, so the network learns to predict from features alone) made cold items
 *   worse: p 0.1 1.0706, p 0.3 1.0732 (with the gate as a column: 1.0652, 1.0673) — a movie
 *   predicted from its genres alone is predicted like an average movie, and rare ones are not.
 *   Not kept.
 * The user side is not gated.
 */
export function withItemCounts(features: ModelFeatures | null, trainItems: Int32Array, itemRows: number): ModelFeatures {
  const item = features?.item;
  if (item?.columns.length) {
    return { ...features!, item: { ...item, gate: countGate(trainItems, item.rows, ID_GATE_RATINGS), counts: countColumns(trainItems, item.rows) } };
  }
  // No item features: the count terms alone, on an item side without columns. They come from
  // the ratings, not from a features file, so the model without features has them too and
  // "with features vs without" measures the features alone. No gate: it weighs the id
  // embedding against features there are none of.
  return { user: features?.user ?? null, item: { side: 'item', rows: itemRows, columns: [], counts: countColumns(trainItems, itemRows) } };
}

/** One column's graph inputs: the names the model declares and the trainer feeds. */
export function columnTensors(side: FeatureSide, c: FeatureColumn): FeatureTensor[] {
  switch (c.kind) {
    case 'categorical': return [{ name: `${c.name}_code`, side, type: 'int', row: [], data: c.codes }];
    case 'multi': return [
      { name: `${c.name}_codes`, side, type: 'int', row: [c.width], data: c.codes },
      { name: `${c.name}_weights`, side, type: 'float', row: [c.width], data: c.weights },
    ];
    case 'numeric': return [{ name: c.name, side, type: 'float', row: [2 * c.labels.length], data: c.values }];
  }
}

/** The learned embedding table of a categorical or multi-valued column: one row per vocabulary value. */
export const embeddingName = (c: CategoricalColumn | MultiColumn): string => `${c.name}_embedding`;
