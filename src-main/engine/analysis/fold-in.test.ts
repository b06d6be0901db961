import { describe, expect, it } from 'vitest';
import { type RatingsDataset, selectRows } from '../../data/dataset.ts';
import { mulberry32, normalSampler, shuffleInPlace } from '../../data/random.ts';
import { type FactorModel, type Side, type Taste, rawScore, sideBias, sideFactors, sideRowCount, toRating } from './factor-model.ts';
import { averageTaste, empiricalPrior, type FoldInPrior, foldIn, ridgePrior } from './fold-in.ts';
import { groupRows, rowStats } from './rating-stats.ts';
import { recommend } from './recommend.ts';
import { plantedModel } from './testing/planted-model.ts';

/**
 * The fold-in experiment of issue 5 on planted data shaped like MovieLens (noise dominates the
 * signal, RMSE ≈ 0.8–0.9): pick users with many ratings, hold 30% of each one's ratings out, and
 * take 10 of the rest as what a new user would type. Compare the held-out RMSE of the folded-in
 * taste with the fully trained model's (an ALS fit on everything but the held-out ratings, so it
 * saw ~60 ratings of each such user) and with the planted truth.
 */
const spec = { users: 600, items: 400, ratings: 60_000, rank: 5, noise: 0.8, seed: 5, factorStd: 0.35, biasStd: 0.35 };
const { data, model: truthModel } = plantedModel(spec);
const TYPED = 10;

interface Case {
  user: number;
  typedItems: Int32Array;
  typedRatings: Float32Array;
  heldOutRows: number[];
}

function pickCases(d: RatingsDataset, count: number, seed: number): { cases: Case[]; heldOut: Set<number> } {
  const byUser = groupRows(d, 'user');
  const rand = mulberry32(seed);
  const cases: Case[] = [];
  const heldOut = new Set<number>();
  for (let u = 0; u < sideRowCount(truthModel, 'user') && cases.length < count; u++) {
    const rows = Array.from(byUser.rows.subarray(byUser.offsets[u], byUser.offsets[u + 1]));
    if (rows.length < 40) continue;
    shuffleInPlace(rows, rand);
    const nHeld = Math.floor(0.3 * rows.length);
    const typed = rows.slice(nHeld, nHeld + TYPED);
    cases.push({
      user: u,
      typedItems: Int32Array.from(typed, (r) => d.items[r]),
      typedRatings: Float32Array.from(typed, (r) => d.ratings[r]),
      heldOutRows: rows.slice(0, nHeld),
    });
    for (const r of rows.slice(0, nHeld)) heldOut.add(r);
  }
  return { cases, heldOut };
}

/** RMSE over all cases' held-out ratings, each case predicted with the taste tasteOf(case). */
function heldOutRmse(model: FactorModel, cases: Case[], tasteOf: (c: Case) => Taste): number {
  let ss = 0;
  let n = 0;
  for (const c of cases) {
    const taste = tasteOf(c);
    for (const r of c.heldOutRows) {
      const e = data.ratings[r] - toRating(model, rawScore(model, taste, data.items[r]));
      ss += e * e;
      n++;
    }
  }
  return Math.sqrt(ss / n);
}

const rowOf = (model: FactorModel, side: Side, row: number): Taste => ({
  factors: sideFactors(model, side).subarray(row * model.k, (row + 1) * model.k),
  bias: sideBias(model, side)?.[row] ?? 0,
});

/**
 * Alternating least squares: the "fully trained" reference. Each half-sweep folds in every user
 * (then every item) with the other side fixed — fold-in is exactly ALS's inner step.
 */
function alsFit(train: RatingsDataset, k: number, lambda: number, sweeps: number): FactorModel {
  const normal = normalSampler(mulberry32(1));
  const nUsers = train.userIds.length;
  const nItems = train.itemIds.length;
  const model: FactorModel = {
    k,
    userFactors: Float32Array.from({ length: nUsers * k }, () => 0.1 * normal()),
    itemFactors: Float32Array.from({ length: nItems * k }, () => 0.1 * normal()),
    userBias: new Float32Array(nUsers),
    itemBias: new Float32Array(nItems),
    yRange: null,
  };
  const groups = { user: groupRows(train, 'user'), item: groupRows(train, 'item') };
  for (let s = 0; s < sweeps; s++) {
    for (const side of ['user', 'item'] as const) {
      const prior = ridgePrior(model, side, lambda);
      const g = groups[side];
      const others = side === 'user' ? train.items : train.users;
      for (let row = 0; row < g.offsets.length - 1; row++) {
        const rows = g.rows.subarray(g.offsets[row], g.offsets[row + 1]);
        const t = foldIn(model, prior, Int32Array.from(rows, (r) => others[r]), Float32Array.from(rows, (r) => train.ratings[r]));
        sideFactors(model, side).set(t.factors, row * k);
        sideBias(model, side)![row] = t.bias;
      }
    }
  }
  return model;
}

/** The fold-in objective, written out independently of fold-in.ts: Σ (r − pred)² + (x−μ)ᵀΛ(x−μ). */
function objective(model: FactorModel, prior: FoldInPrior, items: Int32Array, ratings: Float32Array, x: Float64Array): number {
  const k = model.k;
  const taste = { factors: Float32Array.from(x.subarray(0, k)), bias: x[k] };
  let s = 0;
  items.forEach((item, j) => (s += (ratings[j] - toRating(model, rawScore(model, taste, item))) ** 2));
  for (let i = 0; i < prior.dims; i++) {
    for (let j = 0; j < prior.dims; j++) s += (x[i] - prior.mean[i]) * prior.lambda[i * prior.dims + j] * (x[j] - prior.mean[j]);
  }
  return s;
}

/** A minimum: no coordinate step of ±h lowers the objective (checked in float64, h small). */
function expectMinimum(model: FactorModel, prior: FoldInPrior, items: Int32Array, ratings: Float32Array, t: Taste): void {
  const x = Float64Array.from([...t.factors, t.bias]);
  const at = objective(model, prior, items, ratings, x);
  for (let i = 0; i < x.length; i++) {
    for (const h of [1e-3, -1e-3]) {
      const moved = x.slice();
      moved[i] += h;
      expect(objective(model, prior, items, ratings, moved)).toBeGreaterThanOrEqual(at - 1e-9);
    }
  }
}

describe('fold-in on planted data (10 typed ratings per user)', () => {
  const { cases, heldOut } = pickCases(data, 150, 9);
  const train = selectRows(data, Array.from(data.ratings.keys()).filter((r) => !heldOut.has(r)));
  const als = alsFit(train, spec.rank, 8, 12);

  it('predicts held-out ratings within 10% of the fully trained and the planted model’s RMSE', () => {
    expect(cases.length).toBe(150);
    const report: string[] = [];
    for (const [name, model, fitted] of [['ALS-fitted', als, train], ['planted truth', truthModel, data]] as const) {
      const prior = empiricalPrior(model, fitted, 'user');
      const full = heldOutRmse(model, cases, (c) => rowOf(model, 'user', c.user));
      const folded = heldOutRmse(model, cases, (c) => foldIn(model, prior, c.typedItems, c.typedRatings));
      const average = heldOutRmse(model, cases, () => averageTaste(model, 'user'));
      report.push(`${name}: full ${full.toFixed(4)}, fold-in(10) ${folded.toFixed(4)} (${((folded / full - 1) * 100).toFixed(1)}%), average taste ${average.toFixed(4)}`);
      expect(folded).toBeLessThan(1.1 * full);
      // The typed ratings matter: the folded-in taste beats the no-ratings average.
      expect(folded).toBeLessThan(average);
    }
    console.log(`fold-in held-out RMSE over ${cases.length} users:\n  ${report.join('\n  ')}`);
  });

  it('solves the regularised least squares exactly (linear model)', () => {
    const prior = empiricalPrior(als, train, 'user');
    const c = cases[0];
    expectMinimum(als, prior, c.typedItems, c.typedRatings, foldIn(als, prior, c.typedItems, c.typedRatings));
  });

});

describe('fold-in speed', () => {
  it('folds in a new user and ranks 59k items (ml-25m shape, k = 50) well under 50 ms', () => {
    const big = plantedModel({ users: 3000, items: 59_047, ratings: 120_000, rank: 50, noise: 0.8, seed: 8, factorStd: 0.15 });
    const prior = empiricalPrior(big.model, big.data, 'user');
    const byUser = groupRows(big.data, 'user');
    const users = Array.from({ length: 30 }, (_, i) => i * 100);
    const typed = users.map((u) => byUser.rows.subarray(byUser.offsets[u], byUser.offsets[u + 1]).subarray(0, TYPED));
    const stats = rowStats(big.data, 'item');
    const timeOne = (rows: Int32Array) => {
      const t0 = performance.now();
      const items = Int32Array.from(rows, (r) => big.data.items[r]);
      const taste = foldIn(big.model, prior, items, Float32Array.from(rows, (r) => big.data.ratings[r]));
      const t1 = performance.now();
      const recs = recommend(big.model, big.data, taste, items, { n: 10, stats });
      expect(recs.length).toBe(10);
      return [t1 - t0, performance.now() - t1];
    };
    timeOne(typed[0]); // JIT warm-up, not counted
    const times = typed.map(timeOne);
    const mean = (i: number) => times.reduce((s, t) => s + t[i], 0) / times.length;
    const worst = Math.max(...times.map((t) => t[0] + t[1]));
    console.log(`fold-in ${mean(0).toFixed(2)} ms + top-10 of 59047 items ${mean(1).toFixed(2)} ms per new user (worst ${worst.toFixed(1)} ms)`);
    // A measurement, printed, not asserted: speed targets live in benchmarks (a timed assertion
    // fails on a loaded machine for no fault of the code). e2e/measure/fold-in-latency.ts measures
    // the app's path against the 50 ms.
    expect(times.every(([a, b]) => Number.isFinite(a + b))).toBe(true);
  });
});

describe('fold-in, other cases', () => {
  it('a new user with no ratings gets the average taste', () => {
    const prior = empiricalPrior(truthModel, data, 'user');
    const none = foldIn(truthModel, prior, [], []);
    const avg = averageTaste(truthModel, 'user');
    none.factors.forEach((v, f) => expect(v).toBeCloseTo(avg.factors[f], 6));
    expect(none.bias).toBeCloseTo(avg.bias, 6);
    expect(avg.bias).toBeCloseTo(3.5, 1); // the planted mean lives in the user biases
  });

  it('a new item from 10 users’ ratings predicts its other ratings within 10% of its planted profile', () => {
    const byItem = groupRows(data, 'item');
    const prior = empiricalPrior(truthModel, data, 'item');
    const avg = averageTaste(truthModel, 'item');
    const sse = { folded: 0, truth: 0, average: 0 };
    for (let item = 0; item < 100; item++) {
      const rows = byItem.rows.subarray(byItem.offsets[item], byItem.offsets[item + 1]);
      const typed = rows.subarray(0, TYPED);
      const t = foldIn(truthModel, prior, Int32Array.from(typed, (r) => data.users[r]), Float32Array.from(typed, (r) => data.ratings[r]));
      for (const r of rows.subarray(TYPED)) {
        const err = (taste: Taste) => (data.ratings[r] - rawScore(truthModel, taste, data.users[r], 'user')) ** 2;
        sse.folded += err(t);
        sse.truth += err(rowOf(truthModel, 'item', item));
        sse.average += err(avg);
      }
    }
    expect(Math.sqrt(sse.folded / sse.truth)).toBeLessThan(1.1);
    expect(sse.folded).toBeLessThan(sse.average);
  });

  it('with a y_range sigmoid: Gauss–Newton reaches the minimum and predicts like the truth', () => {
    // Ratings re-drawn from a sigmoid model, so the truth is exactly representable. The sigmoid's
    // slope (≈ 1.3 at the mean) stretches raw scores, so smaller planted factors keep the
    // signal-to-noise ratio MovieLens-like, as in the linear experiment.
    const planted = plantedModel({ ...spec, factorStd: 0.3, biasStd: 0.26 }).model;
    const ranged: FactorModel = { ...planted, userBias: planted.userBias!.map((b) => b - 3.5 + 0.3), yRange: [0, 5.5] };
    const normal = normalSampler(mulberry32(21));
    const sig: RatingsDataset = {
      ...data,
      ratings: Float32Array.from(data.ratings, (_, r) =>
        toRating(ranged, rawScore(ranged, rowOf(ranged, 'user', data.users[r]), data.items[r])) + 0.8 * normal()),
    };
    const { cases } = pickCases(sig, 100, 4);
    const prior = empiricalPrior(ranged, sig, 'user');
    const rmse = (tasteOf: (c: Case) => Taste) => {
      let ss = 0;
      let n = 0;
      for (const c of cases) {
        const t = tasteOf(c);
        for (const r of c.heldOutRows) {
          ss += (sig.ratings[r] - toRating(ranged, rawScore(ranged, t, sig.items[r]))) ** 2;
          n++;
        }
      }
      return Math.sqrt(ss / n);
    };
    const full = rmse((c) => rowOf(ranged, 'user', c.user));
    const folded = rmse((c) => foldIn(ranged, prior, c.typedItems, c.typedRatings));
    console.log(`sigmoid fold-in: truth ${full.toFixed(4)}, fold-in(10) ${folded.toFixed(4)}`);
    expect(folded).toBeLessThan(1.1 * full);
    const c = cases[3];
    expectMinimum(ranged, prior, c.typedItems, c.typedRatings, foldIn(ranged, prior, c.typedItems, c.typedRatings));
  });

  it('rejects ratings of rows that do not exist, with the row named', () => {
    const prior = ridgePrior(truthModel, 'user', 1);
    expect(() => foldIn(truthModel, prior, [400], [3])).toThrow(/item row 400 is outside \[0, 400\)/);
    expect(() => foldIn(truthModel, prior, [1, 2], [3])).toThrow(/2 rows but 1 ratings/);
  });
});
