import { describe, expect, it } from 'vitest';
import type { RatingsDataset } from './dataset.ts';
import { randomSplit, splitSummary, timeSplit } from './split.ts';

/** A dataset from `user item rating time` rows. */
function dataset(rows: [string, string, number, number][]): RatingsDataset {
  const userIds = [...new Set(rows.map((r) => r[0]))];
  const itemIds = [...new Set(rows.map((r) => r[1]))];
  return {
    users: Int32Array.from(rows, (r) => userIds.indexOf(r[0])),
    items: Int32Array.from(rows, (r) => itemIds.indexOf(r[1])),
    ratings: Float32Array.from(rows, (r) => r[2]),
    timestamps: Float64Array.from(rows, (r) => r[3]),
    userIds,
    itemIds,
  };
}
const rowsOf = (d: RatingsDataset) => Array.from(d.ratings, (r, i) => `${d.userIds[d.users[i]]}/${d.itemIds[d.items[i]]}/${r}`);

describe('randomSplit', () => {
  const d = dataset(Array.from({ length: 1000 }, (_, i) => [`u${i % 37}`, `i${i % 91}`, (i % 5) + 1, i]));

  it('takes floor(N · pct) rows, disjoint, covering all, in file order, same for the same seed', () => {
    const a = randomSplit(d, 0.1, 42);
    expect(a.valid.ratings.length).toBe(100);
    expect(a.train.ratings.length).toBe(900);
    const all = [...rowsOf(a.train), ...rowsOf(a.valid)].sort();
    expect(all).toEqual(rowsOf(d).sort());
    const times = Array.from(a.valid.timestamps!);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(rowsOf(randomSplit(d, 0.1, 42).valid)).toEqual(rowsOf(a.valid));
    expect(rowsOf(randomSplit(d, 0.1, 43).valid)).not.toEqual(rowsOf(a.valid));
  });

  it('shares the id maps, so codes mean the same in train and valid', () => {
    const s = randomSplit(d, 0.2, 1);
    expect(s.train.userIds).toBe(d.userIds);
    expect(s.valid.itemIds).toBe(d.itemIds);
  });
});

describe('timeSplit', () => {
  it("puts each user's latest floor(n · pct) ratings in valid; ties go to the later row", () => {
    const d = dataset([
      ['a', 'x', 1, 50],
      ['a', 'y', 2, 10],
      ['a', 'z', 3, 40],
      ['a', 'w', 4, 30],
      ['b', 'x', 5, 5],
      ['b', 'y', 1, 7],
      ['b', 'z', 2, 7],
      ['b', 'w', 3, 1],
      ['c', 'x', 4, 1],
    ]);
    const s = timeSplit(d, 0.5);
    expect(rowsOf(s.valid)).toEqual(['a/x/1', 'a/z/3', 'b/y/1', 'b/z/2']);
    expect(rowsOf(s.train)).toEqual(['a/y/2', 'a/w/4', 'b/x/5', 'b/w/3', 'c/x/4']);
    const s2 = timeSplit(d, 0.25);
    expect(rowsOf(s2.valid)).toEqual(['a/x/1', 'b/z/2']);
  });

  it('refuses a dataset without timestamps', () => {
    const d = dataset([['a', 'x', 1, 1]]);
    delete d.timestamps;
    expect(() => timeSplit(d, 0.1)).toThrow('a time split needs timestamps');
  });
});

describe('splitSummary', () => {
  it('counts users and items seen only in validation, and their ratings', () => {
    const d = dataset([
      ['a', 'x', 1, 1],
      ['a', 'y', 2, 2],
      ['b', 'x', 3, 3],
      ['c', 'z', 4, 4],
      ['c', 'x', 5, 5],
    ]);
    const train = { ...d, users: Int32Array.of(0, 0, 1), items: Int32Array.of(0, 1, 0), ratings: Float32Array.of(1, 2, 3) };
    const valid = { ...d, users: Int32Array.of(2, 2), items: Int32Array.of(2, 0), ratings: Float32Array.of(4, 5) };
    expect(splitSummary({ train, valid })).toEqual({ trainRows: 3, validRows: 2, coldUsers: 1, coldItems: 1, coldUserRatings: 2, coldItemRatings: 1 });
  });
});
