/**
 * libmf's scheduling on two cores: users and items are each split into two halves, which cuts
 * the rating matrix into four blocks. Worker w owns the users of half w (their factor rows and
 * moments stay with it for the epoch) and trains two blocks in turn: (users w, items w), then
 * (users w, items 1−w). The two blocks trained at the same time share no user and no item, so
 * the workers never touch the same row, and between the two rounds they swap item halves. See
 * two-cores.ts for why rows move by copy instead of shared memory.
 *
 * Halves are the even and the odd codes, not the lower and upper codes: codes often follow
 * activity (the first users are the busiest), and a worker given the few heavy users and the
 * popular items finishes its round long before the other (25M planted ratings: 3.5 s vs 5.7 s
 * per round with halves cut at half the ratings by code order). Interleaved halves mix both.
 */
import type { RatingsDataset } from '../../../data/dataset.ts';
import type { RatingArrays } from '../epoch-order.ts';
import type { TableRows } from '../params.ts';

/** Rows start, start + step, … of a table: `count` of them. */
export interface RowSet {
  start: number;
  step: number;
  count: number;
}

/** Rows whose code has parity `half` (0 even, 1 odd) in a table of `rows` rows. */
export const halfOf = (rows: number, half: number): RowSet => ({ start: half, step: 2, count: Math.max(0, Math.ceil((rows - half) / 2)) });

/** The first `count` rows. */
export const firstRows = (count: number): RowSet => ({ start: 0, step: 1, count });

/** Copies the rows `set` (each `rowSize` long) of `data` into a new array. */
export function gatherRows(data: Float32Array, rowSize: number, set: RowSet): Float32Array {
  if (set.step === 1) return data.slice(set.start * rowSize, (set.start + set.count) * rowSize);
  const out = new Float32Array(set.count * rowSize);
  for (let k = 0, row = set.start; k < set.count; k++, row += set.step) {
    const from = row * rowSize;
    for (let j = 0; j < rowSize; j++) out[k * rowSize + j] = data[from + j];
  }
  return out;
}

/** Writes `values` (gatherRows' layout) back to the rows `set` of `data`. */
export function scatterRows(data: Float32Array, rowSize: number, set: RowSet, values: Float32Array): void {
  if (set.step === 1) {
    data.set(values, set.start * rowSize);
    return;
  }
  for (let k = 0, row = set.start; k < set.count; k++, row += set.step) {
    const to = row * rowSize;
    for (let j = 0; j < rowSize; j++) data[to + j] = values[k * rowSize + j];
  }
}

export interface WorkerShare {
  /** The users this worker owns (in the trainer's tables); in its own tables they are rows 0, 1, 2, … */
  users: RowSet;
  /** Its ratings, user codes local to its tables: round 0's block, then round 1's. */
  rounds: [RatingArrays, RatingArrays];
  /** The item half each round trains (item codes are the same in every table). */
  itemHalves: [RowSet, RowSet];
}

export interface Quarters {
  shares: [WorkerShare, WorkerShare];
  /** Ratings per block: counts[round][worker]. */
  counts: [[number, number], [number, number]];
}

export function quarters(train: RatingsDataset, rows: TableRows): Quarters {
  const { users, items, ratings } = train;
  const n = ratings.length;
  // Block of a rating: 2 × (its user's half) + (its item's half).
  const sizes = [0, 0, 0, 0];
  for (let r = 0; r < n; r++) sizes[((users[r] & 1) << 1) | (items[r] & 1)]++;
  const blocks = sizes.map((size) => ({ users: new Int32Array(size), items: new Int32Array(size), ratings: new Float32Array(size) }));
  const fill = [0, 0, 0, 0];
  for (let r = 0; r < n; r++) {
    const b = ((users[r] & 1) << 1) | (items[r] & 1);
    const at = fill[b]++;
    blocks[b].users[at] = users[r] >> 1;
    blocks[b].items[at] = items[r];
    blocks[b].ratings[at] = ratings[r];
  }
  const block = (u: number, i: number) => blocks[u * 2 + i];
  const share = (w: 0 | 1): WorkerShare => ({
    users: halfOf(rows.users, w),
    rounds: [block(w, w), block(w, 1 - w)],
    itemHalves: [halfOf(rows.items, w), halfOf(rows.items, 1 - w)],
  });
  return {
    shares: [share(0), share(1)],
    counts: [[sizes[0], sizes[3]], [sizes[1], sizes[2]]],
  };
}
