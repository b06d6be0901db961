// kNN on baseline residuals (knn.ts): on planted low-rank ratings, where the residuals of the bias
// baseline carry the planted factors, the neighbours must recover part of them.
import { describe, expect, it } from 'vitest';
import type { RatingsDataset } from '../../data/dataset.ts';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { rmse } from '../metrics.ts';
import { KNN_DEFAULTS, MAX_KNN_ITEMS, checkKnnSettings, fitKnn, knnUnsupported, predictKnn, predictKnnBaseline } from './knn.ts';

const { data } = generatePlanted({ users: 120, items: 80, ratings: 4000, rank: 3, noise: 0.3, seed: 5 });
const { train, valid } = randomSplit(data, 0.15, 42);

describe('kNN on baseline residuals', () => {
  for (const by of ['item', 'user'] as const) {
    it(`by ${by}s beats the bias baseline it corrects`, () => {
      const m = fitKnn(train, { ...KNN_DEFAULTS, by });
      const knn = rmse(predictKnn(m, valid.users, valid.items), valid.ratings);
      const base = rmse(predictKnnBaseline(m, valid.users, valid.items), valid.ratings);
      expect(knn).toBeLessThan(base - 0.02);
    });
  }

  it('by users is the item model of the transposed ratings', () => {
    const swapped: RatingsDataset = { users: train.items, items: train.users, ratings: train.ratings, userIds: train.itemIds, itemIds: train.userIds };
    const byUser = predictKnn(fitKnn(train, { ...KNN_DEFAULTS, by: 'user', itemBiasReg: 3, userBiasReg: 7 }), valid.users, valid.items);
    const itemOfSwapped = predictKnn(fitKnn(swapped, { ...KNN_DEFAULTS, by: 'item', itemBiasReg: 7, userBiasReg: 3 }), valid.items, valid.users);
    expect(byUser).toEqual(itemOfSwapped);
  });

  it('predicts a rating by hand: baseline plus the similarity-weighted residuals of the nearest rated items', () => {
    // Two users who agree on items 0 and 1 (both above their means) and disagree with item 2.
    const tiny: RatingsDataset = {
      users: Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2]),
      items: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 2]),
      ratings: Float32Array.from([5, 5, 1, 4, 4, 2, 5, 1]),
      userIds: ['a', 'b', 'c'], itemIds: ['x', 'y', 'z'],
    };
    const m = fitKnn(tiny, { ...KNN_DEFAULTS, shrink: 0, neighbours: 1 });
    // Items 0 and 1 share raters 0 and 1 with residuals of one sign: their similarity is positive, 0 and 2 negative.
    expect(m.similarity[0 * 3 + 1]).toBeGreaterThan(0);
    expect(m.similarity[0 * 3 + 2]).toBeLessThan(0);
    expect(m.similarity[0 * 3 + 1]).toBe(m.similarity[1 * 3 + 0]);
    // User 2 has not rated item 1: its one positive neighbour among user 2's items is item 0.
    const [p] = predictKnn(m, Int32Array.of(2), Int32Array.of(1));
    const [b] = predictKnnBaseline(m, Int32Array.of(2), Int32Array.of(1));
    const s = m.similarity[1 * 3 + 0];
    const z = m.residuals[m.userStart[2]]; // user 2's first rating, of item 0
    expect(m.ratedItems[m.userStart[2]]).toBe(0);
    expect(p).toBeCloseTo(b + (s * z) / (s + KNN_DEFAULTS.weightReg), 5);
  });

  it('gives an unknown user or item its baseline, and the same answer every time', () => {
    const m = fitKnn(train);
    const users = Int32Array.of(train.userIds.length + 3, 0);
    const items = Int32Array.of(0, train.itemIds.length + 3);
    expect(predictKnn(m, users, items)).toEqual(predictKnnBaseline(m, users, items));
    expect(predictKnn(fitKnn(train), valid.users, valid.items)).toEqual(predictKnn(m, valid.users, valid.items));
  });

  it('names a setting out of range and a catalogue too big for its table', () => {
    expect(() => checkKnnSettings({ ...KNN_DEFAULTS, neighbours: 0 })).toThrow(/neighbours/);
    expect(() => checkKnnSettings({ ...KNN_DEFAULTS, weightReg: 0 })).toThrow(/weightReg.*> 0/);
    expect(() => checkKnnSettings({ ...KNN_DEFAULTS, shrink: -1 })).toThrow(/shrink/);
    const wide = { ...train, itemIds: Array.from({ length: MAX_KNN_ITEMS + 1 }, (_, i) => String(i)) };
    expect(knnUnsupported(wide, 'item')).toMatch(/4001 items/);
    expect(knnUnsupported(wide, 'user')).toBeNull();
    expect(() => fitKnn(wide)).toThrow(/similarity table/);
  });
});
