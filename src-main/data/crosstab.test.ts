import { describe, expect, it } from 'vitest';
import { crosstab, findItems, findUsers, observedBlock, ratingCounts, topCodes } from './crosstab.ts';
import { generatePlanted } from './synthetic.ts';

describe('topCodes', () => {
  it('returns the n largest counts, largest first, ties in code order', () => {
    expect(Array.from(topCodes(Int32Array.of(3, 9, 3, 1, 9, 7), 4))).toEqual([1, 4, 5, 0]);
    expect(Array.from(topCodes(Int32Array.of(2, 1), 5))).toEqual([0, 1]);
    expect(Array.from(topCodes(Int32Array.of(5, 6, 7), 2, new Set([2])))).toEqual([1, 0]);
  });

  it('agrees with a full sort on random counts', () => {
    const counts = Int32Array.from({ length: 5000 }, (_, i) => (i * 7919) % 613);
    const bySort = Array.from(counts.keys()).sort((a, b) => counts[b] - counts[a] || a - b).slice(0, 40);
    expect(Array.from(topCodes(counts, 40))).toEqual(bySort);
  });
});

describe('crosstab', () => {
  const { data } = generatePlanted({ users: 300, items: 200, ratings: 8000, rank: 2, noise: 0.1, seed: 3, popularitySkew: 0.8 });
  data.itemTitles = data.itemIds.map((id, i) => (i % 3 === 0 ? `Movie ${id} Amélie` : undefined));

  it('shows the most active users × most rated items with the observed block (NaN = missing)', () => {
    const counts = ratingCounts(data);
    const ct = crosstab(data, { n: 15 });
    expect(ct.users.length).toBe(15);
    expect(Array.from(ct.userCounts)).toEqual([...ct.userCounts].sort((a, b) => b - a));
    expect(Math.min(...ct.userCounts)).toBeGreaterThanOrEqual(Math.max(...Array.from(counts.user).filter((_, u) => !ct.users.includes(u))));
    expect(Math.min(...ct.itemCounts)).toBeGreaterThanOrEqual(Math.max(...Array.from(counts.item).filter((_, i) => !ct.items.includes(i))));
    // Every observed pair in the block, and only those.
    const expected = new Float32Array(15 * 15).fill(NaN);
    for (let r = 0; r < data.ratings.length; r++) {
      const row = ct.users.indexOf(data.users[r]);
      const col = ct.items.indexOf(data.items[r]);
      if (row >= 0 && col >= 0) expected[row * 15 + col] = data.ratings[r];
    }
    expect(Array.from(ct.ratings)).toEqual(Array.from(expected));
    expect(ct.itemLabels[0]).toBe(data.itemTitles![ct.items[0]] ?? data.itemIds[ct.items[0]]);
  });

  it('pins a searched user or item first and fills the rest with the most active', () => {
    const quiet = Array.from(ratingCounts(data).user).indexOf(Math.min(...ratingCounts(data).user));
    const ct = crosstab(data, { n: 5, pinUsers: [quiet], pinItems: [199] });
    expect(ct.users[0]).toBe(quiet);
    expect(ct.items[0]).toBe(199);
    expect(new Set(ct.users).size).toBe(5);
    expect(Array.from(ct.users.slice(1))).toEqual(Array.from(topCodes(ratingCounts(data).user, 4, new Set([quiet]))));
  });

  it('observedBlock handles any user and item lists', () => {
    const block = observedBlock(data, [data.users[0]], [data.items[0], 199]);
    expect(block[0]).toBe(data.ratings[0]);
  });
});

describe('find', () => {
  const { data } = generatePlanted({ users: 5, items: 4, ratings: 10, rank: 1, noise: 0, seed: 1 });
  data.itemTitles = ['Toy Story (1995)', 'Amélie (2001)', undefined, 'Story of Us'];

  it('finds items by exact id, then by title substring ignoring case and accents', () => {
    expect(findItems(data, 'i3').map((m) => m.code)).toEqual([2]);
    expect(findItems(data, 'story').map((m) => m.title)).toEqual(['Toy Story (1995)', 'Story of Us']);
    expect(findItems(data, 'AMELIE')[0]).toEqual({ code: 1, id: 'i2', title: 'Amélie (2001)' });
    expect(findItems(data, 'zzz')).toEqual([]);
    expect(findItems(data, '  ')).toEqual([]);
  });

  it('finds users by id', () => {
    expect(findUsers(data, ' u4 ')).toEqual([{ code: 3, id: 'u4' }]);
    expect(findUsers(data, 'u99')).toEqual([]);
  });
});
