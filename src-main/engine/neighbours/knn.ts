/**
 * kNN on baseline residuals (Koren, "Factor in the neighbors", TKDD 2010, §2.2; the
 * Netflix-prize neighbourhood model), by items or by users: a blend member whose errors differ
 * from the factor models' — it predicts from the user's own ratings of the items most similar
 * to this one, where a factor model predicts from a k-dimensional summary of them.
 *
 *   baseline  b_ui = μ + b_u + b_i, fitted by alternating regularised means (λ_i, λ_u);
 *   residual  z_uj = r_uj − b_uj;
 *   similarity s_ij = n_ij / (n_ij + shrink) · ρ_ij, ρ the cosine of the residuals over the n_ij
 *             users who rated both (the residuals are centred, so it is Pearson's on b_ui);
 *   predict   r̂_ui = b_ui + Σ_{j ∈ N(i;u)} s_ij z_uj / (Σ s_ij + λ_d), N(i;u) the `neighbours`
 *             items u rated that are most similar to i (s_ij > 0); λ_d pulls a prediction from
 *             few or weak neighbours back to the baseline.
 *
 * By users it is the same model on the transposed ratings (similar users who rated this item).
 * Measured on ml-100k (the random 90/10 split / u1, valid RMSE): by items 0.8971 / 0.9276, by
 * users 0.9040 / 0.9301, the bias baseline 0.9289 / 0.9555; a fused k 100 run alone 0.9009 /
 * 0.9242, with the item model 0.8929 / 0.9197, with both 0.8924 / 0.9189 (fitted weights). The
 * defaults were chosen there: Koren's λ 25/10 gave 0.9028 by items, λ_d 1 0.9062, 3 0.9143,
 * 80 neighbours 0.9085, shrink 25 0.9062.
 *
 * The similarities are a dense table (4 bytes an entry, and 16 more while it is summed), so it
 * is for up to MAX_KNN_ITEMS items (or users, by users): ml-100k's 1682 take 11 MB (57 MB while
 * fitting), ml-1m's 3706 take 55 MB (275 MB).
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { itemCount, userCount } from '../../data/dataset.ts';

export interface KnnSettings {
  /** Neighbours among items (similar items the user rated) or users (similar users who rated the item). */
  by: 'item' | 'user';
  /** The most similar rated items a prediction reads. */
  neighbours: number;
  /** Similarity shrinkage: few common raters pull s_ij towards 0. */
  shrink: number;
  /** Baseline regularisation of the item and user biases (Koren's λ2 = 25, λ3 = 10). */
  itemBiasReg: number;
  userBiasReg: number;
  /** λ_d in the prediction's denominator. */
  weightReg: number;
}

export const KNN_DEFAULTS: KnnSettings = { by: 'item', neighbours: 30, shrink: 150, itemBiasReg: 5, userBiasReg: 5, weightReg: 0.1 };

/** Fitting the dense table for this many items (users, by users) takes 320 MB; above it the model declines. */
export const MAX_KNN_ITEMS = 4000;

/** Alternating sweeps of the baseline's biases (they settle within a few). */
const BASELINE_SWEEPS = 5;

/** The fitted model, in its own orientation: by users, its "users" are the items and its "items" the users. */
export interface KnnModel {
  settings: KnnSettings;
  mean: number;
  userBias: Float64Array;
  itemBias: Float64Array;
  /** items × items, row-major; the diagonal is 0. */
  similarity: Float32Array;
  items: number;
  /** Per user, the items rated in training and their residuals (CSR: userStart[u] … userStart[u + 1]). */
  userStart: Int32Array;
  ratedItems: Int32Array;
  residuals: Float32Array;
}

/** null when the model can fit this training set, else why not, in plain words. */
export function knnUnsupported(train: RatingsDataset, by: KnnSettings['by']): string | null {
  const size = by === 'item' ? itemCount(train) : userCount(train);
  if (size > MAX_KNN_ITEMS) return `${by} kNN keeps a ${by}s × ${by}s similarity table: ${size} ${by}s is more than its ${MAX_KNN_ITEMS}`;
  if (train.ratings.length === 0) return `${by} kNN needs training ratings`;
  return null;
}

/** Settings in range, or an error naming the one that is not. */
export function checkKnnSettings(s: KnnSettings): void {
  if (s.by !== 'item' && s.by !== 'user') throw new Error(`kNN: by must be 'item' or 'user', got '${String(s.by)}'`);
  if (!Number.isInteger(s.neighbours) || s.neighbours < 1) throw new Error(`kNN: neighbours must be a whole number ≥ 1, got ${s.neighbours}`);
  for (const key of ['shrink', 'itemBiasReg', 'userBiasReg'] as const) {
    if (!(s[key] >= 0) || !Number.isFinite(s[key])) throw new Error(`kNN: ${key} must be a finite number ≥ 0, got ${s[key]}`);
  }
  // Above 0, so a rating with no positively similar neighbour gets its baseline rather than 0/0.
  if (!(s.weightReg > 0) || !Number.isFinite(s.weightReg)) throw new Error(`kNN: weightReg must be a finite number > 0, got ${s.weightReg}`);
}

/** The same ratings with users and items swapped (by users, the model is the item model of these). */
function transposed(d: RatingsDataset): RatingsDataset {
  return { users: d.items, items: d.users, ratings: d.ratings, userIds: d.itemIds, itemIds: d.userIds };
}

export function fitKnn(train: RatingsDataset, settings: KnnSettings = KNN_DEFAULTS): KnnModel {
  checkKnnSettings(settings);
  const why = knnUnsupported(train, settings.by);
  if (why) throw new Error(why);
  const byUser = settings.by === 'user';
  const data = byUser ? transposed(train) : train;
  // The baseline's regularisers stay with the real users and items when they swap places.
  const regs = byUser ? { itemBiasReg: settings.userBiasReg, userBiasReg: settings.itemBiasReg } : settings;
  const users = userCount(data);
  const items = itemCount(data);
  const { mean, userBias, itemBias } = fitBaseline(data, users, items, regs);
  const { userStart, ratedItems, residuals } = residualsByUser(data, users, mean, userBias, itemBias);
  const similarity = shrunkSimilarity(userStart, ratedItems, residuals, items, settings.shrink);
  return { settings, mean, userBias, itemBias, similarity, items, userStart, ratedItems, residuals };
}

/** μ + b_u + b_i in the model's orientation: the baseline alone (what the neighbours correct). */
function baseline(m: KnnModel, user: number, item: number): number {
  return m.mean + (m.userBias[user] ?? 0) + (m.itemBias[item] ?? 0);
}

/** The baseline's prediction per (users[j], items[j]). */
export function predictKnnBaseline(m: KnnModel, users: Int32Array, items: Int32Array): Float32Array {
  const [us, is] = m.settings.by === 'user' ? [items, users] : [users, items];
  return Float32Array.from(us, (u, j) => baseline(m, u, is[j]));
}

/** One prediction per (users[j], items[j]). */
export function predictKnn(m: KnnModel, users: Int32Array, items: Int32Array): Float32Array {
  return m.settings.by === 'user' ? predictOriented(m, items, users) : predictOriented(m, users, items);
}

function predictOriented(m: KnnModel, users: Int32Array, items: Int32Array): Float32Array {
  const out = new Float32Array(users.length);
  const k = m.settings.neighbours;
  // Scratch for one user's candidate neighbours, sized for the heaviest user.
  let widest = 0;
  for (let u = 0; u + 1 < m.userStart.length; u++) widest = Math.max(widest, m.userStart[u + 1] - m.userStart[u]);
  const sims = new Float32Array(widest);
  const order = new Int32Array(widest);
  for (let r = 0; r < users.length; r++) {
    const u = users[r];
    const i = items[r];
    const base = baseline(m, u, i);
    if (u >= m.userStart.length - 1 || i >= m.items) {
      out[r] = base;
      continue;
    }
    const start = m.userStart[u];
    const count = m.userStart[u + 1] - start;
    const row = i * m.items;
    let candidates = 0;
    for (let c = 0; c < count; c++) {
      const s = m.similarity[row + m.ratedItems[start + c]];
      if (s > 0) {
        sims[candidates] = s;
        order[candidates++] = c;
      }
    }
    const taken = selectLargest(sims, order, candidates, k);
    let num = 0;
    let den = m.settings.weightReg;
    for (let t = 0; t < taken; t++) {
      const c = order[t];
      num += sims[t] * m.residuals[start + c];
      den += sims[t];
    }
    out[r] = base + num / den;
  }
  return out;
}

/**
 * Moves the `k` largest of sims[0, n) (ties: the earlier position) to the front, with their
 * order entries, and returns how many that is. A partial selection sort: k is tens, n hundreds.
 */
function selectLargest(sims: Float32Array, order: Int32Array, n: number, k: number): number {
  const taken = Math.min(k, n);
  for (let t = 0; t < taken; t++) {
    let best = t;
    for (let c = t + 1; c < n; c++) if (sims[c] > sims[best]) best = c;
    if (best !== t) {
      const s = sims[t]; sims[t] = sims[best]; sims[best] = s;
      const o = order[t]; order[t] = order[best]; order[best] = o;
    }
  }
  return taken;
}

/** Koren's baseline: b_i = Σ(r − μ − b_u)/(λ_i + n_i), then b_u = Σ(r − μ − b_i)/(λ_u + n_u), in turn. */
function fitBaseline(train: RatingsDataset, users: number, items: number, s: Pick<KnnSettings, 'itemBiasReg' | 'userBiasReg'>) {
  const n = train.ratings.length;
  let total = 0;
  for (let r = 0; r < n; r++) total += train.ratings[r];
  const mean = total / n;
  const userBias = new Float64Array(users);
  const itemBias = new Float64Array(items);
  const userCounts = new Float64Array(users);
  const itemCounts = new Float64Array(items);
  for (let r = 0; r < n; r++) {
    userCounts[train.users[r]]++;
    itemCounts[train.items[r]]++;
  }
  const sums = (size: number) => new Float64Array(size);
  for (let sweep = 0; sweep < BASELINE_SWEEPS; sweep++) {
    const itemSums = sums(items);
    for (let r = 0; r < n; r++) itemSums[train.items[r]] += train.ratings[r] - mean - userBias[train.users[r]];
    for (let i = 0; i < items; i++) itemBias[i] = itemSums[i] / (s.itemBiasReg + itemCounts[i]);
    const userSums = sums(users);
    for (let r = 0; r < n; r++) userSums[train.users[r]] += train.ratings[r] - mean - itemBias[train.items[r]];
    for (let u = 0; u < users; u++) userBias[u] = userSums[u] / (s.userBiasReg + userCounts[u]);
  }
  return { mean, userBias, itemBias };
}

/** The training ratings grouped by user (CSR), as residuals of the baseline. */
function residualsByUser(train: RatingsDataset, users: number, mean: number, userBias: Float64Array, itemBias: Float64Array) {
  const n = train.ratings.length;
  const userStart = new Int32Array(users + 1);
  for (let r = 0; r < n; r++) userStart[train.users[r] + 1]++;
  for (let u = 0; u < users; u++) userStart[u + 1] += userStart[u];
  const next = userStart.slice(0, users);
  const ratedItems = new Int32Array(n);
  const residuals = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const u = train.users[r];
    const i = train.items[r];
    const at = next[u]++;
    ratedItems[at] = i;
    residuals[at] = train.ratings[r] - mean - userBias[u] - itemBias[i];
  }
  return { userStart, ratedItems, residuals };
}

/**
 * s_ij = n_ij/(n_ij + shrink) · Σ z_ui z_uj / √(Σ z_ui² · Σ z_uj²), the sums over the users who
 * rated both: one pass over each user's pairs of rated items (float32 sums: a pair has at most
 * a few hundred common raters).
 */
function shrunkSimilarity(userStart: Int32Array, ratedItems: Int32Array, residuals: Float32Array, items: number, shrink: number): Float32Array {
  const cells = items * items;
  const cross = new Float32Array(cells);
  const squaresI = new Float32Array(cells);
  const squaresJ = new Float32Array(cells);
  const common = new Int32Array(cells);
  for (let u = 0; u + 1 < userStart.length; u++) {
    for (let a = userStart[u]; a < userStart[u + 1]; a++) {
      const i = ratedItems[a];
      const zi = residuals[a];
      const row = i * items;
      for (let b = userStart[u]; b < userStart[u + 1]; b++) {
        const j = ratedItems[b];
        if (j <= i) continue;
        const zj = residuals[b];
        cross[row + j] += zi * zj;
        squaresI[row + j] += zi * zi;
        squaresJ[row + j] += zj * zj;
        common[row + j]++;
      }
    }
  }
  const similarity = new Float32Array(cells);
  for (let i = 0; i < items; i++) {
    for (let j = i + 1; j < items; j++) {
      const c = i * items + j;
      const norm = Math.sqrt(squaresI[c] * squaresJ[c]);
      if (common[c] === 0 || norm === 0) continue;
      const s = (common[c] / (common[c] + shrink)) * (cross[c] / norm);
      similarity[c] = s;
      similarity[j * items + i] = s;
    }
  }
  return similarity;
}
