import { type Prefault, prefaultPages } from './prefault.ts';

/**
 * Regions of one shared memory, taken front to back: the fused engine's (engine/fused/arena.ts),
 * so its kernel blocks the imported columns where they lie instead of copying 300 MB at 25M.
 */
export interface ColumnArena {
  take(bytes: number): { buffer: SharedArrayBuffer; offset: number };
  /** Gives back everything from byte `end` on: for an owner of the last regions taken, once it knows how much of them it needs. */
  trim(end: number): void;
}

/** Where the next column starts after one ending at `end`: a cache line, as the arena's own regions. */
const nextLine = (end: number) => Math.ceil(end / 64) * 64;

/**
 * 'shared': the columns live in SharedArrayBuffers, so worker threads read the imported ratings
 * in place; an arena: they live in its memory (a column grown mid-import leaves its old region there).
 */
export type ColumnMemory = 'plain' | 'shared' | ColumnArena;

type Column = Int32Array | Float32Array | Float64Array;
type ColumnType<T extends Column> = { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

function allocate<T extends Column>(type: ColumnType<T>, n: number, memory: ColumnMemory): T {
  const bytes = n * type.BYTES_PER_ELEMENT;
  if (typeof memory === 'object') {
    const { buffer, offset } = memory.take(bytes);
    return new type(buffer, offset, n);
  }
  return new type(memory === 'shared' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), 0, n);
}

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
  private prefault: Prefault | null = null;

  constructor(capacity: number, withTimestamps: boolean, readonly memory: ColumnMemory = 'plain') {
    const n = Math.max(16, Math.ceil(capacity));
    this.users = allocate(Int32Array, n, memory);
    this.items = allocate(Int32Array, n, memory);
    this.ratings = allocate(Float32Array, n, memory);
    this.timestamps = withTimestamps ? allocate(Float64Array, n, memory) : null;
    this.startPrefault();
  }

  /** Called when the parse ends, finished or failed (a failed one never reaches finish()). */
  stopPrefault(): void {
    this.prefault?.stop();
    this.prefault = null;
  }

  /** Shared columns: a worker faults their pages in while the parser fills them (prefault.ts). */
  private startPrefault(): void {
    this.stopPrefault();
    const columns = [this.users, this.items, this.ratings, this.timestamps];
    this.prefault = this.memory === 'plain' ? null : prefaultPages(columns.flatMap((c) => (c ? [c] : [])));
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
    this.users = this.copied(this.users, Int32Array, n);
    this.items = this.copied(this.items, Int32Array, n);
    this.ratings = this.copied(this.ratings, Float32Array, n);
    if (this.timestamps) this.timestamps = this.copied(this.timestamps, Float64Array, n);
    this.startPrefault();
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
    this.stopPrefault();
    const n = this.length;
    if (typeof this.memory === 'object') return this.packed(this.memory, n);
    const view = this.capacity - n <= this.capacity / 8;
    return {
      users: view ? this.users.subarray(0, n) : this.copied(this.users, Int32Array, n),
      items: view ? this.items.subarray(0, n) : this.copied(this.items, Int32Array, n),
      ratings: view ? this.ratings.subarray(0, n) : this.copied(this.ratings, Float32Array, n),
      ...(this.timestamps ? { timestamps: view ? this.timestamps.subarray(0, n) : this.copied(this.timestamps, Float64Array, n) } : {}),
    };
  }

  /**
   * In an arena: each column moved down to its first n rows, right after the one before, and the
   * rest given back (these columns were the arena's last regions), so the spare rows of the
   * estimate (often 10–20%) are not left between the columns and what the arena holds next.
   */
  private packed(arena: ColumnArena, n: number): ReturnType<RatingColumnsBuilder['finish']> {
    // The last column taken (allocated in this order): its buffer spans them all (an arena's buffer grows with it).
    const buffer = (this.timestamps ?? this.ratings).buffer as SharedArrayBuffer;
    const bytes = new Uint8Array(buffer);
    let at = this.users.byteOffset;
    const moved = <T extends Column>(c: T, type: ColumnType<T>): T => {
      const to = at;
      bytes.copyWithin(to, c.byteOffset, c.byteOffset + n * type.BYTES_PER_ELEMENT);
      at = nextLine(to + n * type.BYTES_PER_ELEMENT);
      return new type(buffer, to, n);
    };
    // In the order they were taken, so each moves down onto bytes already read.
    const packed = {
      users: moved(this.users, Int32Array),
      items: moved(this.items, Int32Array),
      ratings: moved(this.ratings, Float32Array),
      ...(this.timestamps ? { timestamps: moved(this.timestamps, Float64Array) } : {}),
    };
    arena.trim(at);
    return packed;
  }

  /** The first min(n, length) rows of `a` in a new column of n rows, in this builder's memory. */
  private copied<T extends Column>(a: T, type: ColumnType<T>, n: number): T {
    const next = allocate(type, n, this.memory);
    next.set(a.subarray(0, Math.min(n, this.length)) as never);
    return next;
  }
}
