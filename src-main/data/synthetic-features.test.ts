/**
 * Issue 15 item 6 (its data half): the generator plants side features with known effects and
 * writes them as CSV files that the features importer reads back exactly.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeatureFile } from './import/features.ts';
import { joinFeatures } from './import/features-join.ts';
import { generatePlanted, plantedAgeName, plantedFeatureCsvs, plantedGenreName, type PlantedSpec } from './synthetic.ts';

const SPEC: PlantedSpec = { users: 300, items: 120, ratings: 12_000, rank: 3, noise: 0.2, seed: 7, popularitySkew: 0.5 };
const FEATURES = { genres: 6, ageBuckets: 4 };

describe('planted side features', () => {
  it('keep the ratings\' pattern of the same spec without them, and plant 1–3 genres an item, one age bucket a user', () => {
    const plain = generatePlanted(SPEC);
    const { data, truth } = generatePlanted({ ...SPEC, features: FEATURES });
    expect(Array.from(data.users)).toEqual(Array.from(plain.data.users));
    expect(Array.from(data.items)).toEqual(Array.from(plain.data.items));
    const f = truth.features!;
    for (let i = 0; i < SPEC.items; i++) {
      const genres = Array.from(f.itemGenres.subarray(f.itemGenreOffsets[i], f.itemGenreOffsets[i + 1]));
      expect(genres.length).toBeGreaterThanOrEqual(1);
      expect(genres.length).toBeLessThanOrEqual(3);
      expect(new Set(genres).size).toBe(genres.length);
      expect(genres.every((g) => g >= 0 && g < FEATURES.genres)).toBe(true);
    }
    expect(f.userAge.every((b) => b >= 0 && b < FEATURES.ageBuckets)).toBe(true);
    expect(plain.truth.features).toBeUndefined();
  });

  it('an item\'s vector is its genres\' mean plus its own smaller part; the ratings follow the planted model', () => {
    const { data, truth } = generatePlanted({ ...SPEC, noise: 0, features: { ...FEATURES, itemOwnShare: 0 } });
    const f = truth.features!;
    const { rank } = SPEC;
    for (let i = 0; i < 10; i++) {
      const genres = Array.from(f.itemGenres.subarray(f.itemGenreOffsets[i], f.itemGenreOffsets[i + 1]));
      for (let k = 0; k < rank; k++) {
        const mean = genres.reduce((a, g) => a + f.genreFactors[g * rank + k], 0) / genres.length;
        expect(truth.itemFactors[i * rank + k]).toBeCloseTo(mean, 5);
      }
    }
    for (let r = 0; r < 30; r++) {
      const u = data.users[r];
      const i = data.items[r];
      let dot = 0;
      for (let k = 0; k < rank; k++) dot += truth.userFactors[u * rank + k] * truth.itemFactors[i * rank + k];
      expect(data.ratings[r]).toBeCloseTo(truth.mean + truth.userBias[u] + truth.itemBias[i] + dot, 4);
    }
  });

  it('the age buckets\' planted biases show in the ratings', () => {
    const { data, truth } = generatePlanted({ users: 2000, items: 200, ratings: 60_000, rank: 2, noise: 0.3, seed: 3, features: { genres: 5, ageBuckets: 3, ageBiasStd: 0.6 } });
    const f = truth.features!;
    const sum = new Float64Array(3);
    const count = new Float64Array(3);
    for (let r = 0; r < data.ratings.length; r++) {
      const b = f.userAge[data.users[r]];
      sum[b] += data.ratings[r] - truth.itemBias[data.items[r]];
      count[b]++;
    }
    const observed = Array.from(sum, (s, b) => s / count[b]);
    const order = (xs: ArrayLike<number>) => Array.from(xs, (_, k) => k).sort((a, b) => xs[a] - xs[b]);
    expect(order(observed)).toEqual(order(f.ageBias));
  });

  it('round-trips through CSV files and the features importer, ids joined back to the same codes', async () => {
    const { data, truth } = generatePlanted({ ...SPEC, idPrefix: { user: 'u,', item: '' }, features: FEATURES });
    const f = truth.features!;
    const csv = plantedFeatureCsvs(data, f);
    const dir = mkdtempSync(join(tmpdir(), 'collabsheet-planted-features-'));
    writeFileSync(join(dir, 'items.csv'), csv.items);
    writeFileSync(join(dir, 'users.csv'), csv.users);

    const items = joinFeatures(await readFeatureFile(join(dir, 'items.csv')), data.itemIds);
    expect({ matched: items.matched, unmatched: items.unmatched, extra: items.extra }).toEqual({ matched: SPEC.items, unmatched: 0, extra: 0 });
    const [genres] = items.features;
    if (genres.kind !== 'multi') throw new Error(`genres read as ${genres.kind}`);
    for (let i = 0; i < SPEC.items; i++) {
      const read = Array.from(genres.codes.subarray(genres.offsets[i], genres.offsets[i + 1]), (c) => genres.vocabulary[c]);
      expect(read).toEqual(Array.from(f.itemGenres.subarray(f.itemGenreOffsets[i], f.itemGenreOffsets[i + 1]), plantedGenreName));
    }

    const users = joinFeatures(await readFeatureFile(join(dir, 'users.csv')), data.userIds);
    expect(users.matched).toBe(SPEC.users);
    const [age] = users.features;
    if (age.kind !== 'categorical') throw new Error(`age read as ${age.kind}`);
    expect(Array.from(age.codes, (c) => age.vocabulary[c])).toEqual(Array.from(f.userAge, plantedAgeName));
  });

  it('refuses feature counts outside their bounds', () => {
    expect(() => generatePlanted({ ...SPEC, features: { genres: 0, ageBuckets: 2 } })).toThrow('features.genres must be a whole number from 1 to 20, got 0');
    expect(() => generatePlanted({ ...SPEC, features: { genres: 3, ageBuckets: 21 } })).toThrow('features.ageBuckets must be a whole number from 1 to 20, got 21');
  });
});
