/**
 * libmf's block grid, with a fixed schedule instead of libmf's first-come one: users and items
 * are dealt into g ranges each (a seeded permutation, so popular rows spread evenly), the
 * ratings are bucketed into the g × g blocks (user range, item range) and shuffled within each
 * block once. An epoch is g rounds of a Latin square — round r holds g blocks that pairwise share
 * no user range and no item range — permuted per epoch from the seed. Any number of threads can
 * work on one round's blocks at once without locks, and since no two of them touch the same row,
 * the result does not depend on which thread took which block or when: it is the same for every
 * N ≤ g (bitwise), and deterministic for a seed.
 */
import { mulberry32, shuffleInPlace } from '../../data/random.ts';

/**
 * Ranges per side. 16 gives 256 blocks: at 25M ratings ~90k a block (a few ms, so Stop answers
 * within one), and a round of 16 blocks keeps 2 threads evenly busy; beyond 16 threads, g = N.
 */
export const GRID = 16;
export const gridFor = (workers: number): number => Math.max(GRID, workers);

export interface Grid {
  g: number;
  /** First record of each block, g² + 1 entries (block b = userRange·g + itemRange). */
  blockStart: Int32Array;
}

/** Each of n rows dealt into one of g ranges of equal size, by a seeded permutation. */
function ranges(n: number, g: number, rand: () => number): Uint16Array {
  const order = Int32Array.from({ length: n }, (_, j) => j);
  shuffleInPlace(order, rand);
  const range = new Uint16Array(n);
  for (let j = 0; j < n; j++) range[order[j]] = Math.floor((j * g) / n);
  return range;
}

/**
 * Writes the ratings as records (user, item, rating) at byte offset `at` of `buffer`, grouped by
 * block and shuffled within each, and returns the grid. One pass to count, one to place.
 */
export function writeBlocked(buffer: SharedArrayBuffer, at: number, users: Int32Array, items: Int32Array, ratings: Float32Array,
  nUsers: number, nItems: number, g: number, seed: number): Grid {
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const ur = ranges(nUsers, g, rand);
  const ir = ranges(nItems, g, rand);
  const n = ratings.length;
  const blockStart = new Int32Array(g * g + 1);
  for (let j = 0; j < n; j++) blockStart[ur[users[j]] * g + ir[items[j]] + 1]++;
  for (let b = 0; b < g * g; b++) blockStart[b + 1] += blockStart[b];
  const fill = blockStart.slice(0, g * g);
  const words = new Int32Array(buffer, at, 3 * n);
  const floats = new Float32Array(buffer, at, 3 * n);
  for (let j = 0; j < n; j++) {
    const w = 3 * fill[ur[users[j]] * g + ir[items[j]]]++;
    words[w] = users[j];
    words[w + 1] = items[j];
    floats[w + 2] = ratings[j];
  }
  for (let b = 0; b < g * g; b++) shuffleRecords(words, blockStart[b], blockStart[b + 1], rand);
  return { g, blockStart };
}

/** Fisher–Yates over records [from, to) (three words each; the rating's bits move as a word). */
function shuffleRecords(words: Int32Array, from: number, to: number, rand: () => number): void {
  for (let i = to - 1; i > from; i--) {
    const a = 3 * i;
    const b = 3 * (from + Math.floor(rand() * (i - from + 1)));
    for (let w = 0; w < 3; w++) {
      const t = words[a + w];
      words[a + w] = words[b + w];
      words[b + w] = t;
    }
  }
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
