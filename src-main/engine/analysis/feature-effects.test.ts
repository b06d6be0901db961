/**
 * "What the model learned about Sci-Fi" (issue 15 item 4) on planted data: each genre's planted
 * bias is what its movies' predictions lose when the genre is taken away, so the genre planted
 * highest must come out with the highest mean effect, the lowest with the lowest.
 */
import { describe, expect, it } from 'vitest';
import { generatePlanted } from '../../data/synthetic.ts';
import { encodeFeatures } from '../models/index.ts';
import { fastbookNN } from '../train/recipes.ts';
import { createTrainer } from '../train/trainer.ts';
import { itemsWithValue, itemValueEffects, withoutValue } from './feature-effects.ts';

const GENRES = 5;
const vocabulary = ['(unknown)', ...Array.from({ length: GENRES }, (_, g) => `g${g + 1}`)];

describe('itemValueEffects', () => {
  const { data, truth } = generatePlanted({ users: 120, items: 150, ratings: 6000, rank: 3, noise: 0.3, seed: 3, biasStd: 0.6, features: { genres: GENRES, ageBuckets: 2, itemOwnShare: 0.1 } });
  const f = truth.features!;
  const item = encodeFeatures('item', [{ kind: 'multi', name: 'genres', unknown: 0, vocabulary, offsets: f.itemGenreOffsets, codes: f.itemGenres.map((g) => g + 1) }], 150);
  const column = item.columns[0].name;

  it('withoutValue takes one genre from the rows asked (the rest renormalised; none left: unknown)', () => {
    const rows = itemsWithValue(item, column, 1);
    expect(rows.length).toBeGreaterThan(0);
    const taken = withoutValue(item, column, 1, rows);
    expect(itemsWithValue(taken, column, 1)).toEqual([]);
    const c = taken.columns[0];
    if (c.kind !== 'multi') throw new Error('genres is multi-valued');
    for (const r of rows) {
      const weights = c.weights.subarray(r * c.width, (r + 1) * c.width);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    expect(() => withoutValue(item, 'item_year', 1, rows)).toThrow('no item feature named item_year');
  });

  it('ranks the genres as planted: the highest planted bias has the largest mean effect, the lowest the smallest', async () => {
    const config = { ...fastbookNN(64), epochs: 6, model: { ...fastbookNN().model, layers: [16], yRange: null } };
    const trainer = await createTrainer(data, null, config, { features: { user: null, item } });
    try {
      while (trainer.epochsDone < config.epochs) await trainer.runEpoch();
      const users = Int32Array.from({ length: 120 }, (_, u) => u);
      const before = trainer.predict(users, new Int32Array(120).fill(0));
      const mean = Array.from({ length: GENRES }, (_, g) => {
        const effects = itemValueEffects(trainer, column, g + 1, users);
        return effects.reduce((s, e) => s + e.effect, 0) / effects.length;
      });
      const order = (xs: ArrayLike<number>) => Array.from({ length: xs.length }, (_, i) => i).sort((a, b) => xs[a] - xs[b]);
      const planted = order(f.genreBias);
      const learned = order(mean);
      expect(learned[GENRES - 1], `mean effects ${mean.map((m) => m.toFixed(3))}, planted ${Array.from(f.genreBias, (b) => b.toFixed(3))}`).toBe(planted[GENRES - 1]);
      expect(learned[0]).toBe(planted[0]);
      expect(trainer.predict(users, new Int32Array(120).fill(0))).toEqual(before); // the features were put back
    } finally {
      await trainer.dispose();
    }
  }, 60_000);
});
