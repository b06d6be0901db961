/**
 * The parser's output columns: plain typed arrays written by index (so the hot loop's stores are
 * monomorphic and inlined), grown only between chunks.
 */
export class RatingColumnsBuilder {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  timestamps: Float64Array | null;
  length = 0;

  constructor(capacity: number, withTimestamps: boolean) {
    const n = Math.max(16, Math.ceil(capacity));
    this.users = new Int32Array(n);
    this.items = new Int32Array(n);
    this.ratings = new Float32Array(n);
    this.timestamps = withTimestamps ? new Float64Array(n) : null;
  }

  get capacity(): number {
    return this.ratings.length;
  }

  /**
   * Makes room for `extra` more rows. Growth is by 1.25× (not 2×): at 25M rows one array's copy
   * briefly holds old + new, and the budget is 1 GB. Arrays are grown one after another so only
   * one copy is in flight.
   */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.capacity) return;
    const n = Math.max(needed, Math.ceil(this.capacity * 1.25));
    this.users = resized(this.users, n, (k) => new Int32Array(k));
    this.items = resized(this.items, n, (k) => new Int32Array(k));
    this.ratings = resized(this.ratings, n, (k) => new Float32Array(k));
    if (this.timestamps) this.timestamps = resized(this.timestamps, n, (k) => new Float64Array(k));
  }

  push(user: number, item: number, rating: number, timestamp: number): void {
    this.reserve(1);
    const n = this.length++;
    this.users[n] = user;
    this.items[n] = item;
    this.ratings[n] = rating;
    if (this.timestamps) this.timestamps[n] = timestamp;
  }

  /**
   * Exactly `length` rows. Views while at most 1/8 of the buffers is spare (copying 500 MB to
   * save 60 MB would double the peak); copies otherwise.
   */
  finish(): { users: Int32Array; items: Int32Array; ratings: Float32Array; timestamps?: Float64Array } {
    const n = this.length;
    const view = this.capacity - n <= this.capacity / 8;
    const cut = <T extends Int32Array | Float32Array | Float64Array>(a: T): T => (view ? a.subarray(0, n) : a.slice(0, n)) as T;
    return {
      users: cut(this.users),
      items: cut(this.items),
      ratings: cut(this.ratings),
      ...(this.timestamps ? { timestamps: cut(this.timestamps) } : {}),
    };
  }
}

function resized<T extends Int32Array | Float32Array | Float64Array>(a: T, n: number, make: (n: number) => T): T {
  const next = make(n);
  next.set(a);
  return next;
}
