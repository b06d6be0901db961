/**
 * The sheet's view of big data: the N most active users × the N most rated items (N = 15 like
 * fast.ai's workbook), with the observed ratings of that block. Everything is counting passes over
 * the typed arrays — on 25M ratings well under a second — and the result is small plain data that
 * crosses IPC as is.
 */
import type { RatingsDataset } from './dataset.ts';

export interface RatingCounts {
  /** Ratings per dense user code. */
  user: Int32Array;
  /** Ratings per dense item code. */
  item: Int32Array;
}

export interface Crosstab {
  /** Dense user codes of the rows, top to bottom. */
  users: Int32Array;
  /** Dense item codes of the columns, left to right. */
  items: Int32Array;
  userIds: string[];
  itemIds: string[];
  /** Title per column (the id where there is no title). */
  itemLabels: string[];
  /** users.length × items.length, row-major; NaN where the user did not rate the item. */
  ratings: Float32Array;
  /** How many ratings each shown user and item has in the whole dataset. */
  userCounts: Int32Array;
  itemCounts: Int32Array;
}

export interface CrosstabOptions {
  /** Rows and columns (default 15; each capped at the dataset's size). */
  n?: number;
  /** Users (items) to show first, e.g. one the user searched for; the rest are the most active. */
  pinUsers?: ArrayLike<number>;
  pinItems?: ArrayLike<number>;
  /** Counts from an earlier ratingCounts(d) on the same data (they are the expensive pass). */
  counts?: RatingCounts;
}

export function ratingCounts(d: RatingsDataset): RatingCounts {
  const user = new Int32Array(d.userIds.length);
  const item = new Int32Array(d.itemIds.length);
  for (let i = 0; i < d.users.length; i++) {
    user[d.users[i]]++;
    item[d.items[i]]++;
  }
  return { user, item };
}

/**
 * The `n` codes with the largest counts, largest first; equal counts keep the smaller code
 * (first seen) first, so the view is stable. Insertion into a sorted top list: O(codes · log n).
 */
export function topCodes(counts: Int32Array, n: number, exclude?: Set<number>): Int32Array {
  const k = Math.min(n, counts.length);
  const top = new Int32Array(k);
  let size = 0;
  for (let c = 0; c < counts.length; c++) {
    if (exclude?.has(c)) continue;
    const v = counts[c];
    if (size === k && v <= counts[top[k - 1]]) continue;
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (counts[top[mid]] >= v) lo = mid + 1;
      else hi = mid;
    }
    const last = Math.min(size, k - 1);
    top.copyWithin(lo + 1, lo, last);
    top[lo] = c;
    if (size < k) size++;
  }
  return top.subarray(0, size);
}

export function crosstab(d: RatingsDataset, options: CrosstabOptions = {}): Crosstab {
  const n = options.n ?? 15;
  const counts = options.counts ?? ratingCounts(d);
  const users = pinnedThenTop(options.pinUsers, counts.user, n);
  const items = pinnedThenTop(options.pinItems, counts.item, n);
  return {
    users,
    items,
    userIds: Array.from(users, (u) => d.userIds[u]),
    itemIds: Array.from(items, (i) => d.itemIds[i]),
    itemLabels: Array.from(items, (i) => d.itemTitles?.[i] ?? d.itemIds[i]),
    ratings: observedBlock(d, users, items),
    userCounts: Int32Array.from(users, (u) => counts.user[u]),
    itemCounts: Int32Array.from(items, (i) => counts.item[i]),
  };
}

function pinnedThenTop(pinned: ArrayLike<number> | undefined, counts: Int32Array, n: number): Int32Array {
  const pins = [...new Set(Array.from(pinned ?? []))].slice(0, n);
  const rest = topCodes(counts, n - pins.length, new Set(pins));
  return Int32Array.from([...pins, ...rest]);
}

/** users.length × items.length observed ratings (NaN = missing), in one pass over the data. */
export function observedBlock(d: RatingsDataset, users: ArrayLike<number>, items: ArrayLike<number>): Float32Array {
  const rowOf = new Int32Array(d.userIds.length).fill(-1);
  const colOf = new Int32Array(d.itemIds.length).fill(-1);
  for (let r = 0; r < users.length; r++) rowOf[users[r]] = r;
  for (let c = 0; c < items.length; c++) colOf[items[c]] = c;
  const block = new Float32Array(users.length * items.length).fill(NaN);
  const width = items.length;
  for (let i = 0; i < d.users.length; i++) {
    const r = rowOf[d.users[i]];
    if (r < 0) continue;
    const c = colOf[d.items[i]];
    if (c >= 0) block[r * width + c] = d.ratings[i];
  }
  return block;
}

export interface Match {
  code: number;
  id: string;
  /** The title for items (undefined for users or untitled items). */
  title?: string;
}

/** Users whose id is `query` exactly (trimmed); ids are what users know users by. */
export function findUsers(d: RatingsDataset, query: string): Match[] {
  const q = query.trim();
  const code = d.userIds.indexOf(q);
  return code < 0 ? [] : [{ code, id: q }];
}

/**
 * Items whose id is `query` exactly, then items whose title contains it (case- and accent-
 * insensitive), most rated first when counts are given; at most `limit`.
 */
export function findItems(d: RatingsDataset, query: string, limit = 20, counts?: RatingCounts): Match[] {
  const q = query.trim();
  if (!q) return [];
  const matches: Match[] = [];
  const exact = d.itemIds.indexOf(q);
  if (exact >= 0) matches.push({ code: exact, id: q, title: d.itemTitles?.[exact] });
  const titles = d.itemTitles;
  if (titles) {
    const needle = fold(q);
    const hits: number[] = [];
    for (let i = 0; i < titles.length; i++) {
      const t = titles[i];
      if (i !== exact && t !== undefined && fold(t).includes(needle)) hits.push(i);
    }
    if (counts) hits.sort((a, b) => counts.item[b] - counts.item[a] || a - b);
    for (const i of hits) matches.push({ code: i, id: d.itemIds[i], title: titles[i] });
  }
  return matches.slice(0, limit);
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
