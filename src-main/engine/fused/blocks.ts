/**
 * libmf's block grid, with a fixed schedule instead of libmf's first-come one: users and items
 * are renumbered by a seeded permutation into slots (so popular rows spread evenly) and the slots
 * cut into g ranges of equal size each, so the rows of one range are adjacent in memory — a
 * block's rows then fill a few MB of whole pages rather than one row on every page of the tables
 * (rows dealt into ranges in place cost ~170 ns a rating in TLB and cache misses at 5M ratings,
 * 10× the arithmetic). The ratings are bucketed into the g × g blocks (user range, item range)
 * and grouped by user within each block (writeBlocked). An epoch is g rounds of a Latin square —
 * round r holds g blocks that pairwise share no user range and no item range — permuted per
 * epoch from the seed. Any number of threads can work on one round's blocks at once without
 * locks, and since no two of them touch the same row, the result does not depend on which thread
 * took which block or when: it is the same for every N ≤ g (bitwise), and deterministic for a seed.
 */
import { mulberry32, shuffleInPlace } from '../../data/random.ts';

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

/** The training grid and the validation records' blocks (the same cut; all empty without validation). */
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
 * Writes the ratings as records (user slot, item slot, rating) at byte offset `at` of `buffer`,
 * grouped by block and, within a block, by user slot (libmf's order: consecutive ratings of one
 * user keep that row in L1, and the block's user rows are read front to back, which the
 * hardware prefetches; the item rows of a range, ~1 MB at 25M, stay in L2). A user's ratings
 * keep the order they came in: their item slots are a random permutation of the items, so that
 * order is random in the tables. Returns the grid.
 */
export function writeBlocked(buffer: SharedArrayBuffer, at: number, users: Int32Array, items: Int32Array, ratings: Float32Array,
  slots: Slots, g: number): Grid {
  const ur = rangeOfSlot(slots.user.length, g);
  const ir = rangeOfSlot(slots.item.length, g);
  const us = slots.user;
  const is = slots.item;
  const n = ratings.length;
  const blockStart = new Int32Array(g * g + 1);
  for (let j = 0; j < n; j++) blockStart[ur[us[users[j]]] * g + ir[is[items[j]]] + 1]++;
  for (let b = 0; b < g * g; b++) blockStart[b + 1] += blockStart[b];
  const fill = blockStart.slice(0, g * g);
  const words = new Int32Array(buffer, at, 3 * n);
  const floats = new Float32Array(buffer, at, 3 * n);
  for (let j = 0; j < n; j++) {
    const u = us[users[j]];
    const i = is[items[j]];
    const w = 3 * fill[ur[u] * g + ir[i]]++;
    words[w] = u;
    words[w + 1] = i;
    floats[w + 2] = ratings[j];
  }
  let largest = 0;
  for (let b = 0; b < g * g; b++) largest = Math.max(largest, blockStart[b + 1] - blockStart[b]);
  const scratch = { records: new Int32Array(3 * largest), counts: new Int32Array(Math.ceil(slots.user.length / g) + 2) };
  for (let b = 0; b < g * g; b++) groupByUser(words, blockStart[b], blockStart[b + 1], scratch);
  return { g, blockStart };
}

/** A stable counting sort of records [from, to) by user slot (one range's slots: counts fits them). */
function groupByUser(words: Int32Array, from: number, to: number, scratch: { records: Int32Array; counts: Int32Array }): void {
  if (to - from < 2) return;
  let lo = Infinity;
  for (let j = from; j < to; j++) lo = Math.min(lo, words[3 * j]);
  const counts = scratch.counts.fill(0);
  for (let j = from; j < to; j++) counts[words[3 * j] - lo + 1]++;
  for (let s = 1; s < counts.length; s++) counts[s] += counts[s - 1];
  const out = scratch.records;
  for (let j = from; j < to; j++) {
    const w = 3 * counts[words[3 * j] - lo]++;
    out[w] = words[3 * j];
    out[w + 1] = words[3 * j + 1];
    out[w + 2] = words[3 * j + 2];
  }
  words.set(out.subarray(0, 3 * (to - from)), 3 * from);
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
