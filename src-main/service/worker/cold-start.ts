/**
 * Cold start without retraining (fastbook ch. 8's bootstrapping question). A row added to the
 * sheet starts from the average taste; every rating typed into it re-solves its factors and bias
 * with the other side held fixed (engine/analysis foldIn: regularised least squares toward the
 * empirical prior of the trained rows) and writes them into the trainer, so its predictions and
 * recommendations change at once. Training (Solve, Step), Reset or a new model ends the cold
 * state: from then on the row learns like every other.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, type FoldInPrior, type Side, empiricalPrior, foldIn } from '../../engine/analysis/index.ts';
import type { Trainer } from '../../engine/train/trainer.ts';
import { isHeldOut, type RatingsTable } from '../ratings-table.ts';
import type { Cells, ColdCells } from './cold-fit.ts';
import type { SplitSettings } from './split-state.ts';

/** What the cold-start card shows for a row added on the sheet: the top 10, whatever was rated. */
export const COLD_START_LIST = { n: 10, minRatings: 0, metric: 'cosine' } as const;

export class ColdStart {
  private readonly rows: Record<Side, Set<number>> = { user: new Set(), item: new Set() };
  private readonly priors: Partial<Record<Side, FoldInPrior>> = {};

  isCold(side: Side, code: number): boolean {
    return this.rows[side].has(code);
  }

  get any(): boolean {
    return this.rows.user.size + this.rows.item.size > 0;
  }

  /**
   * Marks a new row cold. Call before the tables grow: the prior is taken once, from the rows
   * trained so far (a cold row of the average taste would only pull it toward itself).
   */
  add(side: Side, code: number, trained: FactorModel, data: RatingsDataset): void {
    this.priors[side] ??= empiricalPrior(trained, data, side);
    this.rows[side].add(code);
  }

  /**
   * Solves every cold row from its training ratings (held-out ones stay held out) and writes it
   * into the trainer; with no ratings that is the prior's mean, the average taste. Users first,
   * so a new movie rated by a new user is placed against that user's new taste.
   */
  refold(trainer: Trainer, model: FactorModel, table: RatingsTable, split: SplitSettings): void {
    for (const side of ['user', 'item'] as const) {
      const prior = this.priors[side];
      if (!prior) continue;
      for (const code of this.rows[side]) {
        const { others, ratings, heldOut } = rowCells(side, code, table, split);
        const keep = others.map((_, j) => j).filter((j) => !heldOut[j]);
        const taste = foldIn(model, prior, keep.map((j) => others[j]), keep.map((j) => ratings[j]));
        trainer.setRows(`${side}_factors`, [code], taste.factors);
        if (model.userBias) trainer.setRows(`${side}_bias`, [code], [taste.bias]);
      }
    }
  }

  /** Every rated cell of the cold rows (a cell in a cold user and a cold movie once), by set. */
  cells(table: RatingsTable, split: SplitSettings): ColdCells {
    const sets = { train: new CellList(), valid: new CellList() };
    for (const side of ['user', 'item'] as const) {
      for (const code of this.rows[side]) {
        const { others, ratings, heldOut } = rowCells(side, code, table, split);
        others.forEach((other, j) => {
          if (side === 'item' && this.rows.user.has(other)) return;
          const [u, i] = side === 'user' ? [code, other] : [other, code];
          sets[heldOut[j] ? 'valid' : 'train'].push(u, i, ratings[j]);
        });
      }
    }
    return { train: sets.train.cells(), valid: sets.valid.cells() };
  }

  /** A cold row taken off the sheet again (its addition undone). */
  remove(side: Side, code: number): void {
    this.rows[side].delete(code);
  }

  /** The rows are trained (or re-initialised) with everyone else from now on. */
  clear(): void {
    this.rows.user.clear();
    this.rows.item.clear();
    delete this.priors.user;
    delete this.priors.item;
  }
}

/** One row's rated cells, and which of them the per-cell hash holds out (a cold row has no loaded cells). */
function rowCells(side: Side, code: number, table: RatingsTable, split: SplitSettings) {
  const { others, ratings } = table.editedRatings(side, code);
  const heldOut = others.map((other) => {
    const [u, i] = side === 'user' ? [code, other] : [other, code];
    return split.validPct > 0 && isHeldOut(u, i, split.splitSeed, split.validPct);
  });
  return { others, ratings, heldOut };
}

class CellList {
  private readonly users: number[] = [];
  private readonly items: number[] = [];
  private readonly ratings: number[] = [];

  push(u: number, i: number, r: number): void {
    this.users.push(u);
    this.items.push(i);
    this.ratings.push(r);
  }

  cells(): Cells {
    return { users: Int32Array.from(this.users), items: Int32Array.from(this.items), ratings: Float32Array.from(this.ratings) };
  }
}
