/**
 * How the sheet's ratings are split into train and validation: the method the user chose, the
 * mask it gives the loaded rows (computed once per choice: a 25M shuffle is not free), and the
 * report the import dialog and the settings panel show.
 */
import { randomValidMask, splitSummary, timeValidMask } from '../../data/split.ts';
import type { SplitReport } from '../data-contract.ts';
import type { SplitPlan, TrainValid } from '../ratings-table.ts';
import { UserError } from '../user-error.ts';
import type { PreparedSheet } from './sheet-sources.ts';

/** The settings panel's split: a share held out at random, and the seed that picks it. */
export interface SplitSettings {
  validPct: number;
  splitSeed: number;
}

export interface SplitState {
  method: 'random' | 'time' | 'files';
  validPct: number;
  seed: number;
  plan: SplitPlan;
}

/** A split that holds nothing out: every current rating. */
export const EVERY_RATING: SplitPlan = { rowMask: null, cellPct: 0, seed: 0 };

export function splitState(sheet: PreparedSheet, choice: Pick<SplitState, 'method' | 'validPct' | 'seed'>): SplitState {
  const { method, validPct, seed } = choice;
  const d = sheet.dataset;
  switch (method) {
    case 'files':
      if (!sheet.fileMask) throw new UserError('This dataset was not loaded with a validation file');
      return { method, validPct: 0, seed, plan: { rowMask: sheet.fileMask, cellPct: 0, seed } };
    case 'time':
      if (!d.timestamps) throw new UserError('A split by time needs a timestamp column, and this data has none: map one in the import, or split at random');
      // Edits are the newest ratings of all, but not anyone's "next" rating: they train.
      return { method, validPct, seed, plan: { rowMask: validPct > 0 ? timeValidMask(d, validPct) : null, cellPct: 0, seed } };
    case 'random':
      return { method, validPct, seed, plan: { rowMask: validPct > 0 ? randomValidMask(d.ratings.length, validPct, seed) : null, cellPct: validPct, seed } };
  }
}

/** What the split gave: rows each side, and the users and items the validation set has cold. */
export function splitReport(method: SplitState['method'], sets: TrainValid): SplitReport {
  if (!sets.valid || sets.valid.ratings.length === 0) {
    return { method: 'none', trainRows: sets.train.ratings.length, validRows: 0, coldUsers: 0, coldItems: 0, coldUserRatings: 0, coldItemRatings: 0 };
  }
  return { method, ...splitSummary({ train: sets.train, valid: sets.valid }) };
}
