/**
 * The checks every trainer makes before it allocates (the pair models' and AutoRec's alike):
 * the settings within their limits, training data present, and codes inside the tables.
 */
import { type RatingsDataset, itemCount, userCount } from '../../data/dataset.ts';
import { CONFIG_LIMITS, type TrainConfig } from '../types.ts';
import type { TableRows } from './params.ts';

export function validateConfig(c: TrainConfig): void {
  const bad = (what: string) => {
    throw new Error(`invalid training settings: ${what}`);
  };
  if (!Number.isInteger(c.epochs) || c.epochs < 1) bad(`epochs must be a positive integer, got ${c.epochs}`);
  if (c.batchSize !== 'full' && !(Number.isInteger(c.batchSize) && c.batchSize >= 1)) bad(`batch size must be a positive integer or 'full', got ${c.batchSize}`);
  if (!(Number.isFinite(c.optim.lr) && c.optim.lr > 0)) bad(`learning rate must be a positive number, got ${c.optim.lr}`);
  if (!(Number.isFinite(c.optim.wd) && c.optim.wd >= 0)) bad(`weight decay must be ≥ 0, got ${c.optim.wd}`);
  if (c.optim.optimizer === 'lbfgs' && c.batchSize !== 'full') bad(`L-BFGS is a full-batch method: set the batch size to 'full'`);
  if (!Number.isInteger(c.earlyStopPatience) || c.earlyStopPatience < 0) bad(`early-stop patience must be an integer ≥ 0, got ${c.earlyStopPatience}`);
  // The sizes that decide what is allocated, bounded before anything is (CONFIG_LIMITS).
  const { factors, layers, layerSize } = CONFIG_LIMITS;
  const within = (n: number, l: { min: number; max: number }) => Number.isInteger(n) && n >= l.min && n <= l.max;
  if (!within(c.model.factors, factors)) bad(`factors must be an integer from ${factors.min} to ${factors.max}, got ${c.model.factors}`);
  if (c.model.layers.length > layers.max) bad(`at most ${layers.max} hidden layers, got ${c.model.layers.length}`);
  const big = c.model.layers.find((n) => !within(n, layerSize));
  if (big !== undefined) bad(`each hidden layer has ${layerSize.min} to ${layerSize.max} units, got ${big}`);
}

export function checkData(train: RatingsDataset): void {
  if (train.ratings.length === 0) throw new Error('there are no training ratings');
}

/** Table rows: every user and item code either set can name. */
export function tableRows(train: RatingsDataset, valid: RatingsDataset | null): TableRows {
  return {
    users: Math.max(userCount(train), valid ? userCount(valid) : 0),
    items: Math.max(itemCount(train), valid ? itemCount(valid) : 0),
  };
}

export function checkCodes(codes: Int32Array, rows: number, what: string): void {
  for (let i = 0; i < codes.length; i++) {
    if (!(codes[i] >= 0 && codes[i] < rows)) throw new Error(`${what} code ${codes[i]} is outside 0..${rows - 1}`);
  }
}
