/**
 * Which part of a dataset the sheet shows. A small sheet shows everything, in its own order; a
 * big dataset shows its most active users × most rated movies (the block Excel's crosstab of
 * ml-100k shows, so the visible cells are the densest ones), with any user or movie the user
 * looked for pinned first. The whole dataset trains either way; only this block is shown.
 */
import { observedBlock, topCodes, type RatingCounts } from '../data/crosstab.ts';
import type { RatingsDataset } from '../data/dataset.ts';

export interface VisibleBlock {
  /** Dense user codes shown as rows, in display order. */
  userRows: number[];
  /** Dense item codes shown as columns, in display order. */
  itemRows: number[];
}

export interface VisibleBlockRequest {
  /** Most rows and columns (the crosstab's N). */
  size: number;
  /** Codes to show first (what Find brought into view). */
  pinUsers: readonly number[];
  pinItems: readonly number[];
}

export function chooseVisibleBlock(counts: RatingCounts, request: VisibleBlockRequest): VisibleBlock {
  return {
    userRows: pinnedThenTop(counts.user, request.size, request.pinUsers),
    itemRows: pinnedThenTop(counts.item, request.size, request.pinItems),
  };
}

/**
 * All codes in order when they fit (a sheet keeps its layout; a pinned code is on it already),
 * else the pinned codes and then the most frequent others (ties broken by code).
 */
function pinnedThenTop(counts: Int32Array, size: number, pinned: readonly number[]): number[] {
  if (counts.length <= size) return Array.from({ length: counts.length }, (_, i) => i);
  const pins = [...new Set(pinned)].slice(0, size);
  return [...pins, ...topCodes(counts, size - pins.length, new Set(pins))];
}

export interface VisibleCells {
  /** users × items; null = missing. */
  ratings: (number | null)[][];
  /** Same shape; true where the rating is in the validation set. */
  heldOut: boolean[][];
}

/**
 * The visible block's cells from the current train and valid sets (edits included): one pass over each,
 * typed arrays only (25M ratings: tens of milliseconds).
 */
export function visibleCells(train: RatingsDataset, valid: RatingsDataset | null, w: VisibleBlock): VisibleCells {
  const width = w.itemRows.length;
  const seen = observedBlock(train, w.userRows, w.itemRows);
  const held = valid ? observedBlock(valid, w.userRows, w.itemRows) : null;
  const ratings: (number | null)[][] = [];
  const heldOut: boolean[][] = [];
  for (let r = 0; r < w.userRows.length; r++) {
    const row: (number | null)[] = [];
    const heldRow: boolean[] = [];
    for (let c = 0; c < width; c++) {
      const v = held && !Number.isNaN(held[r * width + c]) ? held[r * width + c] : seen[r * width + c];
      row.push(Number.isNaN(v) ? null : v);
      heldRow.push(held !== null && !Number.isNaN(held[r * width + c]));
    }
    ratings.push(row);
    heldOut.push(heldRow);
  }
  return { ratings, heldOut };
}
