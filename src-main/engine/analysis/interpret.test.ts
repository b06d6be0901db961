import { describe, expect, it } from 'vitest';
import { mulberry32, normalSampler } from '../../data/random.ts';
import { rankByBias } from './biases.ts';
import { type FactorModel, predictAllItems, predictRating, rowTaste, toRating } from './factor-model.ts';
import { oneHotView } from './one-hot.ts';
import { itemFactorPca, pca } from './pca.ts';
import { groupRows, ratedItems, rowStats } from './rating-stats.ts';
import { recommendForUser } from './recommend.ts';
import { similarItems, similarityScores } from './similar.ts';
import { plantedModel, withAwkwardTitles } from './testing/planted-model.ts';

const spec = { users: 120, items: 90, ratings: 4000, rank: 4, noise: 0.3, seed: 11, popularitySkew: 0.8 };
const { data: plain, model } = plantedModel(spec);
const data = withAwkwardTitles(plain);

/** Sorted copy of [0, n) by key, ties to the lower index: the slow, obvious reference. */
const sortedRows = (n: number, key: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);

describe('rating stats', () => {
  it('counts and means per item and user, and what each user rated', () => {
    const items = rowStats(data, 'item');
    const byUser = groupRows(data, 'user');
    let total = 0;
    for (let i = 0; i < 90; i++) {
      const rows = Array.from(data.items.keys()).filter((r) => data.items[r] === i);
      total += rows.length;
      expect(items.count[i]).toBe(rows.length);
      if (rows.length) expect(items.mean[i]).toBeCloseTo(rows.reduce((s, r) => s + data.ratings[r], 0) / rows.length, 5);
      else expect(items.mean[i]).toBeNaN();
    }
    expect(total).toBe(data.ratings.length);
    const rated = new Set(ratedItems(data, byUser, 3));
    const want = new Set(Array.from(data.users.keys()).filter((r) => data.users[r] === 3).map((r) => data.items[r]));
    expect(rated).toEqual(want);
  });
});

describe('rankByBias', () => {
  it('lists the lowest and highest planted item biases, with titles, counts and means', () => {
    const { lowest, highest } = rankByBias(model, data, 'item', { n: 5 });
    const order = sortedRows(90, (i) => model.itemBias![i]);
    expect(lowest.map((r) => r.row)).toEqual(order.slice(0, 5));
    expect(highest.map((r) => r.row)).toEqual(order.slice(-5).reverse());
    const stats = rowStats(data, 'item');
    for (const r of [...lowest, ...highest]) {
      expect(r.bias).toBe(model.itemBias![r.row]);
      expect(r.id).toBe(data.itemIds[r.row]);
      expect(r.title).toBe(data.itemTitles![r.row]);
      expect(r.count).toBe(stats.count[r.row]);
    }
  });

  it('leaves out rows with too few ratings, and ranks users too', () => {
    const stats = rowStats(data, 'item');
    const { lowest } = rankByBias(model, data, 'item', { n: 90, minRatings: 30 });
    expect(lowest.length).toBe(Array.from(stats.count).filter((c) => c >= 30).length);
    expect(lowest.every((r) => r.count >= 30)).toBe(true);
    const users = rankByBias(model, data, 'user', { n: 3 });
    expect(users.highest.map((r) => r.row)).toEqual(sortedRows(120, (u) => -model.userBias![u]).slice(0, 3));
    expect(users.highest[0].title).toBeUndefined();
  });

  it('says why when the model has no biases or belongs to other data', () => {
    expect(() => rankByBias({ ...model, userBias: null, itemBias: null }, data, 'item')).toThrow(/no biases/);
    expect(() => rankByBias(model, { ...data, itemIds: data.itemIds.slice(1) }, 'item')).toThrow(/90 item rows but the dataset has 89/);
  });
});

describe('pca', () => {
  it('recovers a planted dominant direction and projects like centre-then-multiply', () => {
    // Rows spread 10× more along a known unit direction than along the others.
    const k = 6;
    const n = 400;
    const normal = normalSampler(mulberry32(3));
    const dir = [1, 3, -2, 0, 1, 0].map((x) => x / Math.sqrt(15));
    const rows = new Float32Array(n * k);
    for (let r = 0; r < n; r++) {
      const t = 10 * normal();
      for (let f = 0; f < k; f++) rows[r * k + f] = 3 + t * dir[f] + normal();
    }
    const p = pca(rows, n, k, 2);
    const alignment = dir.reduce((s, d, f) => s + d * p.axes[f], 0);
    expect(alignment).toBeGreaterThan(0.999); // signed: the largest loading (index 1) comes out positive
    expect(p.varianceRatio[0]).toBeGreaterThan(0.9);
    // Coordinates are (row − mean) · axis, and their variance is the eigenvalue.
    let ss = 0;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let f = 0; f < k; f++) s += (rows[r * k + f] - p.mean[f]) * p.axes[f];
      expect(p.coords[r * 2]).toBeCloseTo(s, 8);
      ss += s * s;
    }
    expect(ss / (n - 1)).toBeCloseTo(p.variance[0], 6);
    let axesDot = 0;
    for (let f = 0; f < k; f++) axesDot += p.axes[f] * p.axes[k + f];
    expect(axesDot).toBeCloseTo(0, 10);
  });

  it('itemFactorPca: the most rated items, and each component’s extremes sorted by coordinate', () => {
    const result = itemFactorPca(model, data, { topItems: 40, components: 3, extremes: 4 });
    const stats = rowStats(data, 'item');
    expect(result.points.map((p) => p.row)).toEqual(sortedRows(90, (i) => -stats.count[i]).slice(0, 40));
    expect(result.points.every((p) => p.coords.length === 3)).toBe(true);
    expect(result.varianceRatio.length).toBe(3);
    expect(result.varianceRatio[0]).toBeGreaterThanOrEqual(result.varianceRatio[1]);
    for (const ext of result.extremes) {
      const along = sortedRows(40, (r) => result.points[r].coords[ext.component]).map((r) => result.points[r].row);
      expect(ext.lowest.map((p) => p.row)).toEqual(along.slice(0, 4));
      expect(ext.highest.map((p) => p.row)).toEqual(along.slice(-4).reverse());
    }
  });
});

describe('similarItems', () => {
  const k = model.k;
  const vec = (i: number) => Array.from(model.itemFactors.subarray(i * k, i * k + k));
  const dot = (a: number[], b: number[]) => a.reduce((s, x, f) => s + x * b[f], 0);
  const metrics = {
    cosine: (a: number[], b: number[]) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)),
    dot,
    euclidean: (a: number[], b: number[]) => Math.hypot(...a.map((x, f) => x - b[f])),
  };

  for (const metric of ['cosine', 'dot', 'euclidean'] as const) {
    it(`${metric}: the brute-force nearest neighbours, the item itself excluded`, () => {
      const query = 7;
      const got = similarItems(model, data, query, { metric, n: 6 });
      const sign = metric === 'euclidean' ? 1 : -1;
      const want = sortedRows(90, (i) => sign * metrics[metric](vec(i), vec(query))).filter((i) => i !== query);
      expect(got.map((s) => s.row)).toEqual(want.slice(0, 6));
      got.forEach((s) => expect(s.score).toBeCloseTo(metrics[metric](vec(s.row), vec(query)), 5));
    });
  }

  it('finds an item’s planted twin first, and cosine ignores the twin’s length', () => {
    const twin = { ...model, itemFactors: model.itemFactors.slice() };
    twin.itemFactors.set(twin.itemFactors.subarray(7 * k, 8 * k).map((x) => 3 * x), 50 * k);
    expect(similarItems(twin, data, 7, { n: 1 })[0]).toMatchObject({ row: 50 });
    expect(similarityScores(twin, vec(7), 'cosine')[50]).toBeCloseTo(1, 6);
  });
});

describe('recommendations', () => {
  it('the top-N unrated items by predicted rating, which is the model’s prediction', () => {
    const byUser = groupRows(data, 'user');
    for (const user of [0, 5, 77]) {
      const rated = new Set(ratedItems(data, byUser, user));
      const got = recommendForUser(model, data, user, { n: 8, byUser });
      const want = sortedRows(90, (i) => -predictRating(model, user, i)).filter((i) => !rated.has(i)).slice(0, 8);
      expect(got.map((r) => r.row)).toEqual(want);
      got.forEach((r) => expect(r.predicted).toBeCloseTo(predictRating(model, user, r.row), 4));
      expect(got.some((r) => rated.has(r.row))).toBe(false);
    }
  });

  it('applies the y_range sigmoid to predictions', () => {
    const ranged: FactorModel = { ...model, yRange: [0, 5.5] };
    const all = predictAllItems(ranged, rowTaste(ranged, 'user', 2));
    expect(all[9]).toBeCloseTo(5.5 / (1 + Math.exp(-predictRating(model, 2, 9))), 5);
    expect(toRating(ranged, 0)).toBe(2.75);
    expect(Math.min(...all)).toBeGreaterThan(0);
    expect(Math.max(...all)).toBeLessThan(5.5);
  });
});

describe('oneHotView', () => {
  it('one-hot row × embedding matrix equals the looked-up row (the Excel 15 × 15 sheet)', () => {
    const sheet = plantedModel({ ...spec, users: 15, items: 15, ratings: 200, rank: 5 });
    const view = oneHotView(sheet.model, sheet.data, 'item', 11);
    expect(view.oneHot.reduce((s, x) => s + x, 0)).toBe(1);
    expect(view.oneHot[11]).toBe(1);
    expect(view.matrix.length).toBe(15);
    expect(view.product).toEqual(Array.from(sheet.model.itemFactors.subarray(11 * 5, 12 * 5)));
    expect(view.equal).toBe(true);
    expect(view.ids[11]).toBe('i12');
  });

  it('refuses a sheet too big to show', () => {
    const big = plantedModel({ ...spec, users: 300, ratings: 1000 });
    expect(() => oneHotView(big.model, big.data, 'user', 0)).toThrow(/small sheets \(at most 100 users\); this one has 300/);
  });
});
