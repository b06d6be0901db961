/**
 * libmf's scheduling on two cores: users and items are each cut into two ranges holding half the
 * ratings, which cuts the rating matrix into four blocks. Worker w owns the users of range w
 * (their factor rows and moments never leave it during an epoch) and trains two blocks in turn:
 * (users w, items w), then (users w, items 1−w). The two blocks trained at the same time share
 * no user and no item, so the workers never touch the same row, and between the two rounds
 * they swap item halves. See two-cores.ts for why rows move by copy instead of shared memory.
 */
import type { RatingsDataset } from '../../../data/dataset.ts';
import type { RatingArrays } from '../epoch-order.ts';
import type { TableRows } from '../params.ts';

/** A consecutive range of table rows [start, end). */
export interface RowRange {
  start: number;
  end: number;
}

export interface WorkerShare {
  /** The users this worker owns; its user tables hold just these rows (row 0 = user `users.start`). */
  users: RowRange;
  /** Its ratings, user codes local (minus users.start): round 0's block, then round 1's. */
  rounds: [RatingArrays, RatingArrays];
  /** The item range each round trains. */
  itemHalves: [RowRange, RowRange];
}

export interface Quarters {
  shares: [WorkerShare, WorkerShare];
  /** Ratings in each round's two blocks: [round 0: worker 0, worker 1], [round 1: …]. */
  counts: [[number, number], [number, number]];
}

/** The first code of the second half: codes below it hold about half the ratings. */
export function halfCut(codes: Int32Array, count: number): number {
  const perCode = new Int32Array(count);
  for (let r = 0; r < codes.length; r++) perCode[codes[r]]++;
  let seen = 0;
  for (let c = 0; c < count; c++) {
    seen += perCode[c];
    if (2 * seen >= codes.length) return Math.min(count - 1, c + 1);
  }
  return count;
}

export function quarters(train: RatingsDataset, rows: TableRows): Quarters {
  const userCut = halfCut(train.users, rows.users);
  const itemCut = halfCut(train.items, rows.items);
  const userHalves: [RowRange, RowRange] = [{ start: 0, end: userCut }, { start: userCut, end: rows.users }];
  const itemHalves: [RowRange, RowRange] = [{ start: 0, end: itemCut }, { start: itemCut, end: rows.items }];
  const { users, items, ratings } = train;
  const n = ratings.length;
  // Block (u, i) of a rating: which user half, which item half.
  const blockOf = (r: number) => (users[r] >= userCut ? 2 : 0) + (items[r] >= itemCut ? 1 : 0);
  const sizes = [0, 0, 0, 0];
  for (let r = 0; r < n; r++) sizes[blockOf(r)]++;
  const blocks = sizes.map((size) => ({ users: new Int32Array(size), items: new Int32Array(size), ratings: new Float32Array(size) }));
  const fill = [0, 0, 0, 0];
  for (let r = 0; r < n; r++) {
    const b = blockOf(r);
    const at = fill[b]++;
    blocks[b].users[at] = users[r] - (b >= 2 ? userCut : 0);
    blocks[b].items[at] = items[r];
    blocks[b].ratings[at] = ratings[r];
  }
  const block = (u: number, i: number) => blocks[u * 2 + i];
  const share = (w: 0 | 1): WorkerShare => ({
    users: userHalves[w],
    rounds: [block(w, w), block(w, 1 - w)],
    itemHalves: [itemHalves[w], itemHalves[1 - w]],
  });
  return {
    shares: [share(0), share(1)],
    counts: [[sizes[0], sizes[3]], [sizes[1], sizes[2]]],
  };
}
