/**
 * The fused kernel's one shared memory (kernel.ts), handed out front to back in cache-line-aligned
 * regions: first the ratings' columns, then the control words, sums and tables (planLayout). An
 * import can write its columns straight into it (data/import's ColumnArena: `collabsheet train`
 * does), so the kernel blocks them in place and 25M ratings are held once, not as the import's
 * columns and the kernel's copy side by side (−300 MB at 25M). Pages never written cost no
 * memory, so regions are taken generously; a region given up (a column grown during an import)
 * stays taken. The memory grows only before the worker threads start.
 */
const PAGE = 65536;
/** The kernel's addresses are i32: stay below 2 GiB so none is negative in JS. */
export const MAX_FUSED_BYTES = 2 ** 31;
/** The import's declared maximum (kernel.wat): 32768 pages = 2 GiB. */
const MAX_PAGES = MAX_FUSED_BYTES / PAGE;

/** Every region starts on a cache line (64 bytes), so rows own theirs. */
const alignLine = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** Where a dataset's ratings are in the arena: byte offsets of its three columns, and their length. */
export interface PlacedColumns {
  count: number;
  users: number;
  items: number;
  ratings: number;
}

export const NO_COLUMNS: PlacedColumns = { count: 0, users: 0, items: 0, ratings: 0 };

/** A ColumnArena for the import (data/import/columns.ts; by shape: the worker threads' code imports nothing from data/import). */
export class FusedArena {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  private top = 0;
  /** Every buffer object this memory has shown (one per size it grew to): a view over any of them is in the arena. */
  private readonly shown = new Set<SharedArrayBuffer>();

  get used(): number {
    return this.top;
  }

  /** The memory's bytes now (a view made on them stays valid after the memory grows). */
  get buffer(): SharedArrayBuffer {
    const b = this.memory.buffer as unknown as SharedArrayBuffer;
    this.shown.add(b);
    return b;
  }

  /** Whether regions of these sizes, taken one after another, stay within 2 GiB. */
  fits(sizes: number[]): boolean {
    return sizes.reduce((at, bytes) => alignLine(at + bytes), this.top) <= MAX_FUSED_BYTES;
  }

  take(bytes: number): { buffer: SharedArrayBuffer; offset: number } {
    if (!this.fits([bytes])) throw new Error(`the fused engine's memory is limited to 2 GiB; ${((this.top + bytes) / 2 ** 30).toFixed(2)} GiB asked: use the ONNX Runtime engine (--engine onnx)`);
    const offset = this.top;
    this.top = alignLine(offset + bytes);
    const pages = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    return { buffer: this.buffer, offset };
  }

  /** Gives back the bytes from `end` on (rounded up to a line) to the next take: for the owner of the last regions. */
  trim(end: number): void {
    if (!(end >= 0 && end <= this.top)) throw new Error(`arena trim at ${end} outside the ${this.top} bytes taken`);
    this.top = alignLine(end);
  }

  /** Whether `a` is a view of this arena's memory. */
  holds(a: ArrayBufferView): boolean {
    return this.shown.has(a.buffer as SharedArrayBuffer);
  }
}

interface Columns {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

/**
 * Where d's ratings are in the arena: where they already lie when the import wrote them there
 * (`inPlace`: the run then reorders them and must take them from d), else copied into new regions.
 */
export function placeColumns(arena: FusedArena, d: Columns): { at: PlacedColumns; inPlace: boolean } {
  const count = d.ratings.length;
  const inPlace = arena.holds(d.users) && arena.holds(d.items) && arena.holds(d.ratings);
  if (inPlace) return { at: { count, users: d.users.byteOffset, items: d.items.byteOffset, ratings: d.ratings.byteOffset }, inPlace };
  const copy = (column: Int32Array | Float32Array) => {
    const { buffer, offset } = arena.take(column.byteLength);
    new Uint8Array(buffer, offset, column.byteLength).set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    return offset;
  };
  return { at: { count, users: copy(d.users), items: copy(d.items), ratings: copy(d.ratings) }, inPlace };
}
