import { describe, expect, it } from 'vitest';
import { ratingCounts } from './crosstab.ts';
import { generatePlanted } from './synthetic.ts';

const pairs = (d: { users: Int32Array; items: Int32Array }, items: number) => new Set(Array.from(d.users, (u, i) => u * items + d.items[i]));

describe('generatePlanted', () => {
  it('fills a small sheet exactly with distinct pairs, even when nearly dense', () => {
    const { data } = generatePlanted({ users: 15, items: 15, ratings: 220, rank: 3, noise: 0.1, seed: 1, popularitySkew: 1.5 });
    expect(data.ratings.length).toBe(220);
    expect(pairs(data, 15).size).toBe(220);
    const full = generatePlanted({ users: 4, items: 3, ratings: 100, rank: 1, noise: 0, seed: 2 }).data;
    expect(full.ratings.length).toBe(12);
    expect(pairs(full, 3).size).toBe(12);
  });

  it('is deterministic for a seed and follows the planted model within the noise', () => {
    const a = generatePlanted({ users: 200, items: 100, ratings: 5000, rank: 2, noise: 0, seed: 9 });
    const b = generatePlanted({ users: 200, items: 100, ratings: 5000, rank: 2, noise: 0, seed: 9 });
    expect(Array.from(a.data.ratings)).toEqual(Array.from(b.data.ratings));
    const { truth, data } = a;
    for (let r = 0; r < 50; r++) {
      const u = data.users[r];
      const i = data.items[r];
      const dot = truth.userFactors[u * 2] * truth.itemFactors[i * 2] + truth.userFactors[u * 2 + 1] * truth.itemFactors[i * 2 + 1];
      expect(data.ratings[r]).toBeCloseTo(truth.mean + truth.userBias[u] + truth.itemBias[i] + dot, 5);
    }
  });

  it('skews popularity, clips to a half-star scale and stamps times', () => {
    const { data } = generatePlanted({ users: 2000, items: 500, ratings: 40_000, rank: 2, noise: 1, seed: 4, popularitySkew: 1, userSkew: 0.3, scale: { lo: 0.5, hi: 5, step: 0.5 }, timestamps: { start: 100, end: 200 } });
    const counts = ratingCounts(data);
    expect(counts.item[0]).toBeGreaterThan(20 * counts.item[499]);
    expect(data.ratings.every((r) => r >= 0.5 && r <= 5 && Number.isInteger(r * 2))).toBe(true);
    expect(data.timestamps!.every((t) => t >= 100 && t < 200)).toBe(true);
    expect(pairs(data, 500).size).toBe(40_000);
  });

  it('gives heavy users distinct items through the weighted fallback', () => {
    const { data } = generatePlanted({ users: 3, items: 50, ratings: 120, rank: 1, noise: 0, seed: 5, popularitySkew: 2, userSkew: 3 });
    expect(pairs(data, 50).size).toBe(120);
  });
});
