/**
 * The order an epoch visits the training ratings in, filled batch by batch into the batch
 * buffers.
 *
 * Small data: a full shuffle every epoch (ShuffledOrder), so batches are iid as in fastai and
 * PyTorch.
 *
 * Big data: libmf's blocking (BlockedOrder). Ratings are grouped once into a
 * grid of user ranges × item ranges (ranges cut at equal rating counts, so a power-law catalogue
 * still gives cells of similar size), shuffled within each cell, and copied into contiguous
 * arrays. Each epoch visits the cells in a new random order and cuts consecutive batches from
 * them. A batch then touches a few thousand neighbouring table rows instead of tens of thousands
 * scattered ones, so ONNX Runtime's gathers, the row sums and the step hit cache, and filling a
 * batch is a sequential copy rather than three random reads per rating.
 *
 * Measured on 1M ratings (k = 50, batch 32768): see bench/scale.ts. Small data keeps the fully
 * shuffled order (trainer.ts), where batches are iid as in fastai and PyTorch.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { shuffleInPlace } from '../../data/random.ts';
import type { TableRows } from './params.ts';

/** The columns of ratings an order visits (a dataset, or a block of one). */
export type RatingArrays = Pick<RatingsDataset, 'users' | 'items' | 'ratings'>;

export interface BatchBuffers {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly ratings: Float32Array;
}

export interface EpochOrder {
  /** Starts an epoch (reshuffles). */
  startEpoch(rand: () => number): void;
  /** Copies the epoch's next `count` ratings into the batch buffers; returns how many there were. */
  next(into: BatchBuffers, count: number): number;
}

/** From this many ratings, data no longer fits in cache and is visited blocked. */
export const BLOCKED_FROM = 1 << 19;
/**
 * Cells a batch spans. Fewer gives more locality, more gives batches closer to iid. Measured on
 * 1M planted ratings (k 50, batch 32768, Adam lr 0.01, 10 epochs): valid RMSE 0.868 with 1 cell
 * per batch, 0.865 with 4, 0.859 with 16 (fully shuffled: 0.852), at about the same speed.
 */
export const CELLS_PER_BATCH = 16;

/** `owned`: the order may rearrange `data` in place (see BlockedOrder). */
export function epochOrder(data: RatingArrays, rows: TableRows, batchSize: number, rand: () => number, owned = false): EpochOrder {
  const n = data.ratings.length;
  return n >= BLOCKED_FROM && batchSize < n ? new BlockedOrder(data, rows, batchSize, rand, owned) : new ShuffledOrder(data);
}

/** Every rating in a new random order each epoch (three random reads per rating filled). */
export class ShuffledOrder implements EpochOrder {
  private readonly order: Int32Array;
  private cursor = 0;

  constructor(private readonly data: RatingArrays) {
    this.order = new Int32Array(data.ratings.length);
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
  }

  startEpoch(rand: () => number): void {
    shuffleInPlace(this.order, rand);
    this.cursor = 0;
  }

  next(into: BatchBuffers, count: number): number {
    const n = Math.min(count, this.order.length - this.cursor);
    const { users, items, ratings } = this.data;
    for (let j = 0; j < n; j++) {
      const r = this.order[this.cursor + j];
      into.users[j] = users[r];
      into.items[j] = items[r];
      into.ratings[j] = ratings[r];
    }
    this.cursor += n;
    return n;
  }
}

export class BlockedOrder implements EpochOrder {
  private readonly users: Int32Array;
  private readonly items: Int32Array;
  private readonly ratings: Float32Array;
  /** Cell c holds rows cellStart[c] .. cellStart[c + 1] of the arrays above. */
  private readonly cellStart: Int32Array;
  /** This epoch's visiting order of the cells. */
  private readonly cellOrder: Int32Array;
  private cursorCell = 0;
  private cursorRow = 0;

  /**
   * `owned`: the arrays are this order's to rearrange (a two-core worker's block, transferred to
   * it): they are sorted by cell in place instead of copied — at 25M ratings the copies in both
   * workers would cost 270 MB.
   */
  constructor(data: RatingArrays, rows: TableRows, batchSize: number, rand: () => number, owned = false) {
    const n = data.ratings.length;
    // About CELLS_PER_BATCH cells per batch (each a 1/side slice of the users and of the items).
    const side = Math.max(1, Math.round(Math.sqrt((n / batchSize) * CELLS_PER_BATCH)));
    const userGroup = groupsByCount(data.users, rows.users, side);
    const itemGroup = groupsByCount(data.items, rows.items, side);
    const cells = side * side;
    const cellOf = (users: Int32Array, items: Int32Array, r: number) => userGroup[users[r]] * side + itemGroup[items[r]];

    this.cellStart = new Int32Array(cells + 1);
    for (let r = 0; r < n; r++) this.cellStart[cellOf(data.users, data.items, r) + 1]++;
    for (let c = 0; c < cells; c++) this.cellStart[c + 1] += this.cellStart[c];
    const cursor = this.cellStart.slice(0, cells);
    if (owned) {
      ({ users: this.users, items: this.items, ratings: this.ratings } = data);
      // American flag sort: each rating is swapped straight into its cell's next free place.
      const { users, items, ratings } = this;
      for (let c = 0; c < cells; c++) {
        const end = this.cellStart[c + 1];
        while (cursor[c] < end) {
          const r = cursor[c];
          const d = cellOf(users, items, r);
          if (d === c) {
            cursor[c]++;
            continue;
          }
          swapRatings(users, items, ratings, r, cursor[d]++);
        }
      }
    } else {
      // Counting sort by cell into new arrays: sequential reads, one write cursor per cell.
      this.users = new Int32Array(n);
      this.items = new Int32Array(n);
      this.ratings = new Float32Array(n);
      for (let r = 0; r < n; r++) {
        const at = cursor[cellOf(data.users, data.items, r)]++;
        this.users[at] = data.users[r];
        this.items[at] = data.items[r];
        this.ratings[at] = data.ratings[r];
      }
    }
    for (let c = 0; c < cells; c++) this.shuffleCell(this.cellStart[c], this.cellStart[c + 1], rand);
    this.cellOrder = Int32Array.from({ length: cells }, (_, c) => c);
  }

  startEpoch(rand: () => number): void {
    shuffleInPlace(this.cellOrder, rand);
    this.cursorCell = 0;
    this.cursorRow = this.cellStart[this.cellOrder[0]];
  }

  next(into: BatchBuffers, count: number): number {
    let filled = 0;
    while (filled < count && this.cursorCell < this.cellOrder.length) {
      const cell = this.cellOrder[this.cursorCell];
      const end = this.cellStart[cell + 1];
      const take = Math.min(count - filled, end - this.cursorRow);
      for (let j = 0; j < take; j++) {
        const r = this.cursorRow + j;
        into.users[filled + j] = this.users[r];
        into.items[filled + j] = this.items[r];
        into.ratings[filled + j] = this.ratings[r];
      }
      filled += take;
      this.cursorRow += take;
      if (this.cursorRow === end && ++this.cursorCell < this.cellOrder.length) this.cursorRow = this.cellStart[this.cellOrder[this.cursorCell]];
    }
    return filled;
  }

  /** Fisher–Yates over rows [start, end) of the three arrays together. */
  private shuffleCell(start: number, end: number, rand: () => number): void {
    const { users, items, ratings } = this;
    for (let i = end - 1; i > start; i--) swapRatings(users, items, ratings, i, start + Math.floor(rand() * (i - start + 1)));
  }
}

/** Swaps ratings i and j (user, item and rating together). */
function swapRatings(users: Int32Array, items: Int32Array, ratings: Float32Array, i: number, j: number): void {
  const u = users[i];
  users[i] = users[j];
  users[j] = u;
  const it = items[i];
  items[i] = items[j];
  items[j] = it;
  const y = ratings[i];
  ratings[i] = ratings[j];
  ratings[j] = y;
}

/**
 * Cuts codes 0..count-1 into `groups` consecutive ranges holding about equal numbers of
 * ratings; returns each code's range.
 */
function groupsByCount(codes: Int32Array, count: number, groups: number): Uint16Array {
  const perCode = new Float64Array(count);
  for (let r = 0; r < codes.length; r++) perCode[codes[r]]++;
  const group = new Uint16Array(count);
  const share = codes.length / groups;
  let seen = 0;
  for (let c = 0; c < count; c++) {
    group[c] = Math.min(groups - 1, Math.floor(seen / share));
    seen += perCode[c];
  }
  return group;
}
