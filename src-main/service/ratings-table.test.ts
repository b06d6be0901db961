import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RatingsDataset } from '../data/dataset.ts';
import { generatePlanted } from '../data/synthetic.ts';
import { isHeldOut, RatingsTable } from './ratings-table.ts';

const triples = (d: RatingsDataset) =>
  Array.from(d.ratings, (r, n) => `${d.users[n]},${d.items[n]},${r}`).sort();

describe('RatingsTable', () => {
  const base: RatingsDataset = {
    users: Int32Array.from([0, 0, 1]),
    items: Int32Array.from([0, 1, 1]),
    ratings: Float32Array.from([4, 3, 5]),
    userIds: ['a', 'b'],
    itemIds: ['x', 'y'],
  };

  it('applies edits over the loaded ratings: change, clear, add', () => {
    const t = new RatingsTable(base);
    t.apply([
      { user: 0, item: 0, rating: 2.5 },
      { user: 0, item: 1, rating: null },
      { user: 1, item: 0, rating: 1 },
    ]);
    const { train, valid } = t.split({ rowMask: null, cellPct: 0, seed: 1 });
    expect(valid).toBeNull();
    expect(triples(train)).toEqual(['0,0,2.5', '1,0,1', '1,1,5']);
    expect(train.userIds).toBe(base.userIds);
  });

  it('holds out about validPct of the cells, and an edit never moves another cell between sets', () => {
    const { data } = generatePlanted({ users: 60, items: 50, ratings: 2000, rank: 2, noise: 0.1, seed: 3 });
    const t = new RatingsTable(data);
    const before = t.split({ rowMask: null, cellPct: 0.2, seed: 9 });
    expect(before.valid!.ratings.length / data.ratings.length).toBeGreaterThan(0.15);
    expect(before.valid!.ratings.length / data.ratings.length).toBeLessThan(0.25);
    const u = data.users[0];
    const i = data.items[0];
    t.apply([{ user: u, item: i, rating: null }]);
    const after = t.split({ rowMask: null, cellPct: 0.2, seed: 9 });
    const without = (d: RatingsDataset) => triples(d).filter((s) => !s.startsWith(`${u},${i},`));
    expect(without(after.valid!)).toEqual(without(before.valid!));
    expect(without(after.train)).toEqual(without(before.train));
  });

  it('assigns a cell the same way for the same seed and differently across seeds', () => {
    const cells = Array.from({ length: 400 }, (_, n) => [n % 20, Math.floor(n / 20)] as const);
    const a = cells.map(([u, i]) => isHeldOut(u, i, 1, 0.3));
    expect(cells.map(([u, i]) => isHeldOut(u, i, 1, 0.3))).toEqual(a);
    expect(cells.map(([u, i]) => isHeldOut(u, i, 2, 0.3))).not.toEqual(a);
  });

  it('splits loaded rows by a mask; an edited loaded cell keeps its row\'s place, an added one goes by the hash', () => {
    const t = new RatingsTable(base);
    const rowMask = Uint8Array.from([0, 1, 0]);
    t.apply([
      { user: 0, item: 1, rating: 2 },
      { user: 1, item: 0, rating: 1 },
    ]);
    const { train, valid } = t.split({ rowMask, cellPct: 0, seed: 1 });
    expect(triples(valid!)).toEqual(['0,1,2']);
    expect(triples(train)).toEqual(['0,0,4', '1,0,1', '1,1,5']);
    expect(t.changes()).toEqual([
      { user: 0, item: 1, rating: 2 },
      { user: 1, item: 0, rating: 1 },
    ]);
    expect(t.loaded).toBe(base);
  });
});

describe('RatingsTable.addRow (cold start)', () => {
  const base: RatingsDataset = {
    users: Int32Array.from([0, 1, 1]),
    items: Int32Array.from([1, 0, 1]),
    ratings: Float32Array.from([4, 3, 5]),
    userIds: ['a', 'b'],
    itemIds: ['x', 'y'],
    itemTitles: ['X (1990)', 'Y (1991)'],
  };

  it('appends a user and an item; edits made before keep their cells', () => {
    const t = new RatingsTable(base);
    t.apply([{ user: 1, item: 1, rating: 1 }]);
    expect(t.addRow('user', 'new')).toBe(2);
    t.apply([{ user: 2, item: 0, rating: 2 }]);
    // A new item re-keys the edits (key = user × itemCount + item): none may move to another cell.
    expect(t.addRow('item', 'm3', 'Z (2000)')).toBe(2);
    t.apply([{ user: 2, item: 2, rating: 4.5 }]);
    const { train } = t.split({ rowMask: null, cellPct: 0, seed: 1 });
    expect(triples(train)).toEqual(['0,1,4', '1,0,3', '1,1,1', '2,0,2', '2,2,4.5']);
    expect(train.userIds).toEqual(['a', 'b', 'new']);
    expect(train.itemIds).toEqual(['x', 'y', 'm3']);
    expect(train.itemTitles).toEqual(['X (1990)', 'Y (1991)', 'Z (2000)']);
    expect(t.editedRatings('user', 2)).toEqual({ others: [0, 2], ratings: [2, 4.5] });
    expect(t.editedRatings('item', 2)).toEqual({ others: [2], ratings: [4.5] });
    expect(() => t.addRow('user', 'a')).toThrow(/already a user with id a/);
  });

  it('a cleared cell is not an edited rating', () => {
    const t = new RatingsTable(base);
    const u = t.addRow('user', 'c');
    t.apply([{ user: u, item: 0, rating: 3 }, { user: u, item: 1, rating: 4 }]);
    t.apply([{ user: u, item: 0, rating: null }]);
    expect(t.editedRatings('user', u)).toEqual({ others: [1], ratings: [4] });
  });

  // Issue 13 item 8: undoing an added row removes it; the edits of every other cell stay put.
  it('removes the last added item again, re-keying the edits back; refuses any other row', () => {
    const t = new RatingsTable(base);
    t.apply([{ user: 1, item: 1, rating: 1 }]);
    const u = t.addRow('user', 'new');
    t.apply([{ user: u, item: 0, rating: 2 }]);
    const i = t.addRow('item', 'm3', 'Z (2000)');
    t.apply([{ user: u, item: i, rating: 4 }]);
    expect(() => t.removeLastRow('item', 'm3')).toThrow(/item m3 still has ratings/);
    expect(() => t.removeLastRow('item', 'y')).toThrow(/the last added item is m3, not y/);
    t.apply([{ user: u, item: i, rating: null }]);
    expect(t.removeLastRow('item', 'm3')).toBe(2);
    const { train } = t.split({ rowMask: null, cellPct: 0, seed: 1 });
    expect(triples(train)).toEqual(['0,1,4', '1,0,3', '1,1,1', '2,0,2']);
    expect(train.itemIds).toEqual(['x', 'y']);
    expect(train.itemTitles).toEqual(['X (1990)', 'Y (1991)']);
    expect(() => t.removeLastRow('user', 'new')).toThrow(/user new still has ratings/);
    t.apply([{ user: u, item: 0, rating: null }]);
    expect(t.removeLastRow('user', 'new')).toBe(2);
    expect(t.userCount).toBe(2);
    // A loaded row is not an added one.
    expect(() => t.removeLastRow('user', 'b')).toThrow(/the last added user is none, not b/);
  });
});

describe('RatingsTable.patch', () => {
  const { data } = generatePlanted({ users: 30, items: 20, ratings: 300, rank: 2, noise: 0.1, seed: 5 });
  const same = (a: RatingsDataset | null, b: RatingsDataset | null) => {
    expect(a === null).toBe(b === null);
    if (!a || !b) return;
    expect(Array.from(a.users)).toEqual(Array.from(b.users));
    expect(Array.from(a.items)).toEqual(Array.from(b.items));
    expect(Array.from(a.ratings)).toEqual(Array.from(b.ratings));
    expect(a.userIds).toBe(b.userIds);
    expect(a.itemIds).toBe(b.itemIds);
  };

  it('gives exactly what split() gives, order included, for any edits in rows added on the sheet', () => {
    // Two new users and a new movie; cells pick from them, ratings from 1-5 or null (cleared).
    const cell = fc.record({
      user: fc.integer({ min: 0, max: 31 }),
      item: fc.integer({ min: 0, max: 20 }),
      rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    }).filter((c) => c.user >= 30 || c.item >= 20);
    for (const plan of [{ rowMask: null, cellPct: 0.3, seed: 4 }, { rowMask: null, cellPct: 0, seed: 0 }]) {
      fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 3 }), { maxLength: 12 }), (edits) => {
        const t = new RatingsTable(data);
        t.addRow('user', 'n1');
        t.addRow('user', 'n2');
        t.addRow('item', 'm1');
        let sets = t.split(plan);
        for (const changes of edits) {
          t.apply(changes);
          const patched = t.patch(sets, plan, changes);
          expect(patched).not.toBeNull();
          sets = patched!;
          const full = t.split(plan);
          same(sets.train, full.train);
          same(sets.valid, full.valid);
        }
      }), { numRuns: 60 });
    }
  });

  it('declines a change to a loaded cell (its row mask place is not the hash), so the caller splits', () => {
    const t = new RatingsTable(data);
    t.addRow('user', 'n1');
    const plan = { rowMask: null, cellPct: 0.1, seed: 1 };
    const sets = t.split(plan);
    const changes = [{ user: 30, item: 2, rating: 4 }, { user: 0, item: 2, rating: 4 }];
    t.apply(changes);
    expect(t.patch(sets, plan, changes)).toBeNull();
  });

  it('forgets a cleared cell of an added row (nothing to save), keeps a cleared loaded one', () => {
    const t = new RatingsTable(data);
    t.addRow('user', 'n1');
    const loaded = { user: data.users[0], item: data.items[0] };
    t.apply([{ user: 30, item: 1, rating: 3 }, { ...loaded, rating: 2 }]);
    t.apply([{ user: 30, item: 1, rating: null }, { ...loaded, rating: null }]);
    expect(t.changes()).toEqual([{ ...loaded, rating: null }]);
  });
});
