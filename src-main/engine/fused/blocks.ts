/**
 * libmf's block grid, with a fixed schedule instead of libmf's first-come one: users and items
 * are renumbered by a seeded permutation into slots (so popular rows spread evenly) and the slots
 * cut into g ranges of equal size each, so the rows of one range are adjacent in memory — a
 * block's rows then fill a few MB of whole pages rather than one row on every page of the tables
 * (rows dealt into ranges in place cost ~170 ns a rating in TLB and cache misses at 5M ratings,
 * 10× the arithmetic). The ratings are bucketed into the g × g blocks (user range, item range)
 * and grouped by user within each block (blockInPlace). An epoch is g rounds of a Latin square —
 * round r holds g blocks that pairwise share no user range and no item range — permuted per
 * epoch from the seed. Any number of threads can work on one round's blocks at once without
 * locks, and since no two of them touch the same row, the result does not depend on which thread
 * took which block or when: it is the same for every N ≤ g (bitwise), and deterministic for a seed.
 */
import { mulberry32, shuffleInPlace } from '../../data/random.ts';
import type { PlacedColumns } from './arena.ts';

/**
 * Ranges per side. 16 gives 256 blocks: at 25M ratings ~90k a block (a few ms, so Stop answers
 * within one), and a round of 16 blocks keeps 2 threads evenly busy; beyond 16 threads, g = N.
 */
export const GRID = 16;
export const gridFor = (workers: number): number => Math.max(GRID, workers);

/** Where each user and item lives in the tables: its slot (row) there. */
export interface Slots {
  user: Int32Array;
  item: Int32Array;
}

export interface Grid {
  g: number;
  /** First record of each block, g² + 1 entries (block b = userRange·g + itemRange). */
  blockStart: Int32Array;
}

/** The training grid and the validation ratings' blocks (the same cut; all empty without validation). */
export interface RunGrid extends Grid {
  validStart: Int32Array;
}

/** A seeded permutation of n rows: slot[row]. */
function permutation(n: number, rand: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, j) => j);
  shuffleInPlace(order, rand);
  const slot = new Int32Array(n);
  for (let j = 0; j < n; j++) slot[order[j]] = j;
  return slot;
}

/** The tables' row order for a run: users' and items' slots, drawn from the seed. */
export function slotsFor(nUsers: number, nItems: number, seed: number): Slots {
  const rand = mulberry32(seed ^ 0x5bd1e995);
  return { user: permutation(nUsers, rand), item: permutation(nItems, rand) };
}

/** The range of each of n slots, cut into g of equal size. */
function rangeOfSlot(n: number, g: number): Uint16Array {
  return Uint16Array.from({ length: n }, (_, s) => Math.floor((s * g) / n));
}

/**
 * Blocks the ratings in place, as libmf does: their three columns in the arena (arena.ts) are
 * recoded from user and item codes to slots, then permuted into block order (an in-place
 * bucket sort: each swap puts one rating in its block for good) and, within a block, grouped by
 * user slot (libmf's order: consecutive ratings of one user keep that row in L1, and the block's
 * user rows are read front to back, which the hardware prefetches; the item rows of a range,
 * ~1 MB at 25M, stay in L2). A user's ratings within a block keep the order the sort left them
 * in, which depends only on the input's order: the same data gives the same blocks. Returns the grid.
 */
export function blockInPlace(buffer: SharedArrayBuffer, at: PlacedColumns, slots: Slots, g: number): Grid {
  const n = at.count;
  const users = new Int32Array(buffer, at.users, n);
  const items = new Int32Array(buffer, at.items, n);
  const ratings = new Float32Array(buffer, at.ratings, n);
  const ur = rangeOfSlot(slots.user.length, g);
  const ir = rangeOfSlot(slots.item.length, g);
  const us = slots.user;
  const is = slots.item;
  const blockStart = new Int32Array(g * g + 1);
  for (let j = 0; j < n; j++) {
    users[j] = us[users[j]];
    items[j] = is[items[j]];
    blockStart[ur[users[j]] * g + ir[items[j]] + 1]++;
  }
  for (let b = 0; b < g * g; b++) blockStart[b + 1] += blockStart[b];
  const c = { users, items, ratings };
  // By user range, then each range by item range: two passes over g buckets each, where one pass
  // over the g² blocks kept 3g² columns' write fronts apart (at 5M: 0.53 s, more than an epoch).
  const rangeStart = Int32Array.from({ length: g + 1 }, (_, r) => blockStart[r * g]);
  bucketInPlace(c, rangeStart, users, ur);
  for (let r = 0; r < g; r++) bucketInPlace(c, blockStart.subarray(r * g, r * g + g + 1), items, ir);
  let largest = 0;
  for (let b = 0; b < g * g; b++) largest = Math.max(largest, blockStart[b + 1] - blockStart[b]);
  const scratch = { items: new Int32Array(largest), ratings: new Float32Array(largest), counts: new Int32Array(Math.ceil(slots.user.length / g) + 2) };
  for (let b = 0; b < g * g; b++) groupByUser({ users, items, ratings }, blockStart[b], blockStart[b + 1], scratch);
  return { g, blockStart };
}

interface BlockColumns {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

/**
 * Moves the ratings [starts[0], starts[buckets]) so that bucket b = [starts[b], starts[b + 1])
 * holds those with rangeOf[by[j]] = b, in place (an American flag sort: each swap puts one
 * rating in its bucket for good). Deterministic: the order depends only on the input's.
 */
function bucketInPlace(c: BlockColumns, starts: Int32Array, by: Int32Array, rangeOf: Uint16Array): void {
  const { users, items, ratings } = c;
  const buckets = starts.length - 1;
  const next = starts.slice(0, buckets);
  for (let b = 0; b < buckets; b++) {
    const end = starts[b + 1];
    for (let j = next[b]; j < end; j = next[b]) {
      const home = rangeOf[by[j]];
      if (home === b) {
        next[b]++;
        continue;
      }
      const to = next[home]++;
      const u = users[to], i = items[to], r = ratings[to];
      users[to] = users[j];
      items[to] = items[j];
      ratings[to] = ratings[j];
      users[j] = u;
      items[j] = i;
      ratings[j] = r;
    }
  }
}

/** A stable counting sort of ratings [from, to) by user slot (one range's slots: counts fits them). */
function groupByUser(c: BlockColumns, from: number, to: number, scratch: { items: Int32Array; ratings: Float32Array; counts: Int32Array }): void {
  if (to - from < 2) return;
  const { users, items, ratings } = c;
  let lo = Infinity;
  for (let j = from; j < to; j++) lo = Math.min(lo, users[j]);
  const counts = scratch.counts.fill(0);
  for (let j = from; j < to; j++) counts[users[j] - lo + 1]++;
  for (let s = 1; s < counts.length; s++) counts[s] += counts[s - 1];
  for (let j = from; j < to; j++) {
    const w = counts[users[j] - lo]++;
    scratch.items[w] = items[j];
    scratch.ratings[w] = ratings[j];
  }
  // The users' column in order is the counts read back: slot lo + s fills [counts[s − 1], counts[s]).
  let w = from;
  for (let s = 0; w < to; s++) while (w < from + counts[s]) users[w++] = lo + s;
  items.set(scratch.items.subarray(0, to - from), from);
  ratings.set(scratch.ratings.subarray(0, to - from), from);
}

/**
 * Epoch e's blocks, round after round (g² ids; round r is entries [r·g, (r+1)·g)): round r holds
 * (σ(b), τ((b + ρ(r)) mod g)) for b < g, with σ, τ, ρ permutations drawn from the seed and e.
 */
export function epochOrder(g: number, seed: number, epoch: number): Int32Array {
  const rand = mulberry32((seed + Math.imul(0x9e3779b9, epoch + 1)) >>> 0);
  const perm = () => {
    const p = Int32Array.from({ length: g }, (_, j) => j);
    shuffleInPlace(p, rand);
    return p;
  };
  const [sigma, tau, rho] = [perm(), perm(), perm()];
  const order = new Int32Array(g * g);
  for (let r = 0; r < g; r++) {
    for (let b = 0; b < g; b++) order[r * g + b] = sigma[b] * g + tau[(b + rho[r]) % g];
  }
  return order;
}
