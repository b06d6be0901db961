import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../data/random.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { BlockedOrder, type EpochOrder, ShuffledOrder } from './epoch-order.ts';

const { data } = generatePlanted({ users: 2000, items: 800, ratings: 60_000, rank: 3, noise: 0.1, seed: 4, popularitySkew: 0.6 });
const rows = { users: 2000, items: 800 };
const BS = 1000;

/** One epoch: each batch's (user, item, rating) keys, and distinct users per batch. */
function epoch(order: EpochOrder, seed: number) {
  order.startEpoch(mulberry32(seed));
  const into = { users: new Int32Array(BS), items: new Int32Array(BS), ratings: new Float32Array(BS) };
  const keys: string[] = [];
  const distinctUsers: number[] = [];
  for (let n = order.next(into, BS); n > 0; n = order.next(into, BS)) {
    for (let j = 0; j < n; j++) keys.push(`${into.users[j]}/${into.items[j]}/${into.ratings[j]}`);
    distinctUsers.push(new Set(into.users.subarray(0, n)).size);
  }
  return { keys, distinctUsers };
}

const allKeys = Array.from(data.ratings, (r, n) => `${data.users[n]}/${data.items[n]}/${r}`).sort();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const copyOf = (d: typeof data) => ({ users: d.users.slice(), items: d.items.slice(), ratings: d.ratings.slice() });

describe('epoch orders', () => {
  it.each([
    ['shuffled', () => new ShuffledOrder(data)],
    ['blocked', () => new BlockedOrder(data, rows, BS, mulberry32(1))],
    // Sorting a copy in place (a two-core worker's own block): same cells, no second copy.
    ['blocked, sorted in place', () => new BlockedOrder(copyOf(data), rows, BS, mulberry32(1), true)],
  ] as const)('%s: every rating exactly once per epoch, in a new order each epoch', (_, make) => {
    const order = make();
    const a = epoch(order, 1).keys;
    const b = epoch(order, 2).keys;
    expect([...a].sort()).toEqual(allKeys);
    expect([...b].sort()).toEqual(allKeys);
    expect(a).not.toEqual(b);
  });

  it('sorting in place rearranges the given arrays into the same cells as the copying sort', () => {
    const own = copyOf(data);
    const inPlace = new BlockedOrder(own, rows, BS, mulberry32(1), true);
    const copied = new BlockedOrder(data, rows, BS, mulberry32(1));
    expect(Array.from(own.users)).not.toEqual(Array.from(data.users));
    // Cell by cell the same ratings (within a cell the order may differ: the in-place sort is not stable).
    const cells = (o: BlockedOrder) => {
      const { cellStart, users, items, ratings } = o as unknown as { cellStart: Int32Array } & typeof data;
      return Array.from({ length: cellStart.length - 1 }, (_, c) =>
        Array.from({ length: cellStart[c + 1] - cellStart[c] }, (_, j) => {
          const r = cellStart[c] + j;
          return `${users[r]}/${items[r]}/${ratings[r]}`;
        }).sort().join(' '));
    };
    expect(cells(inPlace)).toEqual(cells(copied));
    expect((inPlace as unknown as { users: Int32Array }).users).toBe(own.users);
  });

  it('blocked batches touch far fewer distinct users than shuffled ones (the point of blocking)', () => {
    const blocked = mean(epoch(new BlockedOrder(data, rows, BS, mulberry32(1)), 1).distinctUsers);
    const shuffled = mean(epoch(new ShuffledOrder(data), 1).distinctUsers);
    expect(blocked).toBeLessThan(0.8 * shuffled);
  });
});
