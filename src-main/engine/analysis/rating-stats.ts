import { type RatingsDataset, itemCount, userCount } from '../../data/dataset.ts';
import type { Side } from './factor-model.ts';

/** Per-row rating counts and means of one side (users or items); mean is NaN for a row with none. */
export interface RowStats {
  count: Int32Array;
  mean: Float32Array;
}

export function rowStats(d: RatingsDataset, side: Side): RowStats {
  const codes = side === 'user' ? d.users : d.items;
  const n = side === 'user' ? userCount(d) : itemCount(d);
  const count = new Int32Array(n);
  const sum = new Float64Array(n);
  for (let r = 0; r < codes.length; r++) {
    count[codes[r]]++;
    sum[codes[r]] += d.ratings[r];
  }
  const mean = new Float32Array(n);
  for (let i = 0; i < n; i++) mean[i] = count[i] ? sum[i] / count[i] : NaN;
  return { count, mean };
}

/**
 * The dataset's rating rows grouped by user (or item), CSR style: the rows of group g are
 * rows[offsets[g] .. offsets[g+1]). One O(N) pass, so "what has this user rated" is a slice.
 */
export interface RowGroups {
  offsets: Int32Array;
  rows: Int32Array;
}

export function groupRows(d: RatingsDataset, side: Side): RowGroups {
  const codes = side === 'user' ? d.users : d.items;
  const n = side === 'user' ? userCount(d) : itemCount(d);
  const offsets = new Int32Array(n + 1);
  for (let r = 0; r < codes.length; r++) offsets[codes[r] + 1]++;
  for (let g = 0; g < n; g++) offsets[g + 1] += offsets[g];
  const fill = offsets.slice(0, n);
  const rows = new Int32Array(codes.length);
  for (let r = 0; r < codes.length; r++) rows[fill[codes[r]]++] = r;
  return { offsets, rows };
}

/** Item codes a user rated (from groups built with groupRows(d, 'user')). */
export function ratedItems(d: RatingsDataset, byUser: RowGroups, user: number): Int32Array {
  const slice = byUser.rows.subarray(byUser.offsets[user], byUser.offsets[user + 1]);
  return Int32Array.from(slice, (r) => d.items[r]);
}
