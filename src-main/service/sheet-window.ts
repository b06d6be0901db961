/**
 * Which part of a dataset the sheet shows. A small sheet shows everything; a big dataset shows
 * its most active users × most rated movies, the block Excel's crosstab of ml-100k shows, so the
 * visible cells are the densest ones.
 */
import type { RatingsDataset } from '../data/dataset.ts';

export interface SheetWindow {
  /** Dense user codes shown as rows, in display order. */
  userRows: number[];
  /** Dense item codes shown as columns, in display order. */
  itemRows: number[];
}

export function chooseWindow(d: RatingsDataset, maxUsers: number, maxItems: number): SheetWindow {
  return {
    userRows: mostFrequent(d.users, d.userIds.length, maxUsers),
    itemRows: mostFrequent(d.items, d.itemIds.length, maxItems),
  };
}

/** The window's ratings as a grid (null = missing). One pass over the dataset. */
export function windowGrid(d: RatingsDataset, w: SheetWindow): (number | null)[][] {
  const rowOf = new Map(w.userRows.map((u, r) => [u, r]));
  const colOf = new Map(w.itemRows.map((i, c) => [i, c]));
  const grid = w.userRows.map(() => w.itemRows.map((): number | null => null));
  for (let n = 0; n < d.ratings.length; n++) {
    const r = rowOf.get(d.users[n]);
    const c = colOf.get(d.items[n]);
    if (r !== undefined && c !== undefined) grid[r][c] = d.ratings[n];
  }
  return grid;
}

/** All codes in order when they fit, else the `max` most frequent, ties broken by code. */
function mostFrequent(codes: Int32Array, count: number, max: number): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (count <= max) return all;
  const freq = new Int32Array(count);
  for (let n = 0; n < codes.length; n++) freq[codes[n]]++;
  return all.sort((a, b) => freq[b] - freq[a] || a - b).slice(0, max);
}
