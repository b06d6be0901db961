/**
 * Duplicate (user, item) pairs: the last one in file order wins (a later line is a correction, as
 * in an append-only log), and the earlier ones are counted in the summary.
 *
 * O(rows): each user's rows are visited in file order with a per-item "last row" table stamped by
 * user, so no sort and no Set of pairs (a Set of 25M keys alone exceeds the memory budget). Files
 * grouped by user (all MovieLens dumps but u.data) skip the counting sort that groups them.
 */
export interface RatingColumns {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  timestamps?: Float64Array;
}

export function dropDuplicatePairs(d: RatingColumns, userCount: number, itemCount: number): { data: RatingColumns; duplicates: number } {
  const n = d.users.length;
  const order = isGroupedByUser(d.users, userCount) ? null : groupByUser(d.users, userCount);
  const ownerOfItem = new Int32Array(itemCount).fill(-1);
  const lastRowOfItem = new Int32Array(itemCount);
  let dropped: Uint8Array | null = null;
  let duplicates = 0;
  for (let k = 0; k < n; k++) {
    const row = order ? order[k] : k;
    const u = d.users[row];
    const it = d.items[row];
    if (ownerOfItem[it] === u) {
      dropped ??= new Uint8Array(n);
      dropped[lastRowOfItem[it]] = 1;
      duplicates++;
    }
    ownerOfItem[it] = u;
    lastRowOfItem[it] = row;
  }
  if (!dropped) return { data: d, duplicates: 0 };
  return { data: compact(d, dropped, n - duplicates), duplicates };
}

function isGroupedByUser(users: Int32Array, userCount: number): boolean {
  const closed = new Uint8Array(userCount);
  for (let i = 1; i < users.length; i++) {
    if (users[i] !== users[i - 1]) {
      closed[users[i - 1]] = 1;
      if (closed[users[i]]) return false;
    }
  }
  return true;
}

/** Row indices ordered by user, file order kept within a user (a stable counting sort). */
function groupByUser(users: Int32Array, userCount: number): Int32Array {
  const next = new Int32Array(userCount + 1);
  for (let i = 0; i < users.length; i++) next[users[i] + 1]++;
  for (let u = 0; u < userCount; u++) next[u + 1] += next[u];
  const order = new Int32Array(users.length);
  for (let i = 0; i < users.length; i++) order[next[users[i]]++] = i;
  return order;
}

/** Keeps the rows not dropped, in file order, moving them down within the same buffers. */
function compact(d: RatingColumns, dropped: Uint8Array, kept: number): RatingColumns {
  let w = 0;
  for (let r = 0; r < dropped.length; r++) {
    if (dropped[r]) continue;
    d.users[w] = d.users[r];
    d.items[w] = d.items[r];
    d.ratings[w] = d.ratings[r];
    if (d.timestamps) d.timestamps[w] = d.timestamps[r];
    w++;
  }
  return {
    users: d.users.subarray(0, kept),
    items: d.items.subarray(0, kept),
    ratings: d.ratings.subarray(0, kept),
    timestamps: d.timestamps?.subarray(0, kept),
  };
}
