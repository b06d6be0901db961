/**
 * The ratings the trainer learns from, as the user edits them: the loaded dataset stays as it
 * was read and the edits sit in an overlay keyed by cell, so an edit costs O(1) and building the
 * train/valid datasets costs one pass over the ratings (no per-rating objects for 100k+ rows).
 *
 * The validation split is decided per loaded row by a mask (a random, time or file split of the
 * dataset as read) and, for cells the user added and sheets split without a mask, per cell by a
 * seeded hash of its (user, item) codes — so editing one cell never moves another between sets.
 */
import type { RatingsDataset } from '../data/dataset.ts';

export interface RatingChange {
  user: number;
  item: number;
  /** null makes the cell missing. */
  rating: number | null;
}

/** How split() assigns ratings to validation. */
export interface SplitPlan {
  /** Per loaded row, 1 = validation (an edited row keeps its row's place); null: every cell by the hash. */
  rowMask: Uint8Array | null;
  /** The share of cells the per-cell hash holds out (0 = none). */
  cellPct: number;
  seed: number;
}

export interface TrainValid {
  train: RatingsDataset;
  valid: RatingsDataset | null;
}

export class RatingsTable {
  private overlay = new Map<number, number | null>();
  /** Rows of the dataset as read: only cells inside them can hold a loaded rating. */
  private readonly loadedUsers: number;
  private readonly loadedItems: number;

  constructor(private base: RatingsDataset) {
    this.loadedUsers = base.userIds.length;
    this.loadedItems = base.itemIds.length;
  }

  get userCount(): number {
    return this.base.userIds.length;
  }

  get itemCount(): number {
    return this.base.itemIds.length;
  }

  /**
   * A new user (or item) with no ratings yet: it gets the next code, and its ratings will come
   * only from edits. Returns its code.
   */
  addRow(side: 'user' | 'item', id: string, title?: string): number {
    const ids = side === 'user' ? this.base.userIds : this.base.itemIds;
    if (ids.includes(id)) throw new Error(`there is already a ${side} with id ${id}`);
    if (side === 'user') {
      this.base = { ...this.base, userIds: [...ids, id] };
      return ids.length;
    }
    this.setItems([...ids, id], this.base.itemTitles && [...this.base.itemTitles, title ?? id]);
    return ids.length;
  }

  /**
   * Undoes addRow: removes the last user (or item), which must be the added row `id` and hold
   * no ratings (undo reverts the ratings typed into it first). Returns its code.
   */
  removeLastRow(side: 'user' | 'item', id: string): number {
    const ids = side === 'user' ? this.base.userIds : this.base.itemIds;
    const code = ids.length - 1;
    const loaded = side === 'user' ? this.loadedUsers : this.loadedItems;
    if (code < loaded || ids[code] !== id) throw new Error(`removeLastRow: the last added ${side} is ${code < loaded ? 'none' : ids[code]}, not ${id}`);
    if (this.editedRatings(side, code).others.length > 0) throw new Error(`removeLastRow: ${side} ${id} still has ratings`);
    if (side === 'user') this.base = { ...this.base, userIds: ids.slice(0, code) };
    else this.setItems(ids.slice(0, code), this.base.itemTitles?.slice(0, code));
    return code;
  }

  /** Keys are user * itemCount + item: another item count re-keys the edits. */
  private setItems(itemIds: string[], itemTitles: RatingsDataset['itemTitles']): void {
    const edits = [...this.overlay].map(([key, rating]) => [Math.floor(key / this.itemCount), key % this.itemCount, rating] as const);
    this.base = { ...this.base, itemIds, itemTitles };
    this.overlay = new Map(edits.map(([u, i, rating]) => [this.key(u, i), rating]));
  }

  /**
   * The edited ratings of one user (side 'user': the items they rated) or one item. A row added
   * by addRow has no other ratings, so for it this is all of them.
   */
  editedRatings(side: 'user' | 'item', code: number): { others: number[]; ratings: number[] } {
    const others: number[] = [];
    const ratings: number[] = [];
    for (const [key, rating] of this.overlay) {
      if (rating === null) continue;
      const [u, i] = [Math.floor(key / this.itemCount), key % this.itemCount];
      if ((side === 'user' ? u : i) !== code) continue;
      others.push(side === 'user' ? i : u);
      ratings.push(rating);
    }
    return { others, ratings };
  }

  apply(changes: readonly RatingChange[]): void {
    for (const { user, item, rating } of changes) {
      // A missing cell that was never loaded is no cell at all: dropping it keeps the overlay's
      // order equal to the order patch() appends in (a cell typed again goes to the end).
      if (rating === null && !this.mayBeLoaded(user, item)) this.overlay.delete(this.key(user, item));
      else this.overlay.set(this.key(user, item), rating);
    }
  }

  /**
   * The sets split() would give now, from the sets it gave before `changes` were applied — when
   * every change is to a cell outside the loaded rows (a row added on the sheet), else null.
   * Costs a scan of each set's tail instead of a pass over every rating with a map lookup each:
   * what keeps typing into a new row cheap on big data.
   */
  patch(before: TrainValid, plan: SplitPlan, changes: readonly RatingChange[]): TrainValid | null {
    if (changes.some((c) => this.mayBeLoaded(c.user, c.item))) return null;
    let { train, valid } = before;
    for (const { user, item, rating } of changes) {
      const heldOut = plan.cellPct > 0 && isHeldOut(user, item, plan.seed, plan.cellPct);
      if (heldOut && !valid) throw new Error('patch: the plan holds cells out but the sets have no validation set');
      const set = heldOut ? valid! : train;
      const next = withCell(set, user, item, rating, this.base);
      if (heldOut) valid = next;
      else train = next;
    }
    return { train, valid };
  }

  /** The ratings as loaded, before any edit. */
  get loaded(): RatingsDataset {
    return this.base;
  }

  /** The edits so far, one per cell, in the order the cells were first edited. */
  changes(): RatingChange[] {
    return [...this.overlay].map(([key, rating]) => ({ user: Math.floor(key / this.itemCount), item: key % this.itemCount, rating }));
  }

  /** The current ratings split into train and valid (null when nothing is held out), sharing the id maps. */
  split(plan: SplitPlan): TrainValid {
    const { rowMask, cellPct, seed } = plan;
    const capacity = this.base.ratings.length + this.overlay.size;
    const holdsOut = rowMask !== null || cellPct > 0;
    const train = new Builder(capacity);
    const valid = new Builder(holdsOut ? capacity : 0);
    const byHash = (u: number, i: number) => cellPct > 0 && isHeldOut(u, i, seed, cellPct);
    const { users, items, ratings } = this.base;
    const edited = this.overlay.size > 0;
    /** An edited cell that was loaded keeps its loaded row's place. */
    const editedPlace = new Map<number, boolean>();
    for (let n = 0; n < ratings.length; n++) {
      const u = users[n];
      const i = items[n];
      const held = rowMask ? rowMask[n] === 1 : byHash(u, i);
      if (edited && this.overlay.has(this.key(u, i))) {
        editedPlace.set(this.key(u, i), held);
        continue;
      }
      (held ? valid : train).push(u, i, ratings[n]);
    }
    for (const [key, rating] of this.overlay) {
      if (rating === null) continue;
      const u = Math.floor(key / this.itemCount);
      const i = key % this.itemCount;
      ((editedPlace.get(key) ?? byHash(u, i)) ? valid : train).push(u, i, rating);
    }
    return {
      train: train.build(this.base),
      valid: holdsOut ? valid.build(this.base) : null,
    };
  }

  private key(user: number, item: number): number {
    return user * this.itemCount + item;
  }

  private mayBeLoaded(user: number, item: number): boolean {
    return user < this.loadedUsers && item < this.loadedItems;
  }
}

/**
 * `set` with the cell (user, item) rated `rating` (null: removed), as split() orders it: a cell
 * already there keeps its place, a new one goes last (edits follow the loaded rows in edit order).
 */
function withCell(set: RatingsDataset, user: number, item: number, rating: number | null, like: RatingsDataset): RatingsDataset {
  const { users, items, ratings } = set;
  let at = ratings.length - 1;
  // Edited cells sit at the end: search from there.
  while (at >= 0 && (users[at] !== user || items[at] !== item)) at--;
  const ids = { userIds: like.userIds, itemIds: like.itemIds, itemTitles: like.itemTitles };
  if (at >= 0 && rating !== null) {
    const next = ratings.slice();
    next[at] = rating;
    return { ...ids, users, items, ratings: next };
  }
  if (at >= 0) {
    const without = <T extends Int32Array | Float32Array>(a: T): T => {
      const b = a.slice(0, a.length - 1) as T;
      b.set(a.subarray(at + 1), at);
      return b;
    };
    return { ...ids, users: without(users), items: without(items), ratings: without(ratings) };
  }
  if (rating === null) return { ...set, ...ids };
  const append = <T extends Int32Array | Float32Array>(a: T, x: number): T => {
    const b = new (a.constructor as { new (n: number): T })(a.length + 1);
    b.set(a);
    b[a.length] = x;
    return b;
  };
  return { ...ids, users: append(users, user), items: append(items, item), ratings: append(ratings, rating) };
}

/** Stable per-cell assignment: a 32-bit mix of (user, item, seed) compared with validPct. */
export function isHeldOut(user: number, item: number, seed: number, validPct: number): boolean {
  let h = Math.imul(user ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(item ^ 0xc2b2ae35, 0x27d4eb2f) ^ seed;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 < validPct;
}

/** Appends into typed arrays sized for the worst case, then trims: no per-rating JS objects. */
class Builder {
  private readonly users: Int32Array;
  private readonly items: Int32Array;
  private readonly ratings: Float32Array;
  private count = 0;

  constructor(capacity: number) {
    this.users = new Int32Array(capacity);
    this.items = new Int32Array(capacity);
    this.ratings = new Float32Array(capacity);
  }

  push(u: number, i: number, r: number): void {
    this.users[this.count] = u;
    this.items[this.count] = i;
    this.ratings[this.count] = r;
    this.count++;
  }

  build(like: RatingsDataset): RatingsDataset {
    return {
      users: this.users.slice(0, this.count),
      items: this.items.slice(0, this.count),
      ratings: this.ratings.slice(0, this.count),
      userIds: like.userIds,
      itemIds: like.itemIds,
      itemTitles: like.itemTitles,
    };
  }
}
