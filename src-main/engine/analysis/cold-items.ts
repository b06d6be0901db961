/**
 * The validation ratings of cold items (issue 15 "Must show"): items with at most
 * COLD_ITEM_MAX_RATINGS training ratings, unseen ones included — where an item's embedding has
 * learned little and side features should carry the prediction. The CLI reports their RMSE as
 * cold_valid_rmse on every train run, so with- and without-features runs compare on them.
 */
import { type RatingsDataset, itemCount, selectRows } from '../../data/dataset.ts';

/** An item with this many training ratings or fewer is cold. */
export const COLD_ITEM_MAX_RATINGS = 5;

/** The rows of `valid` whose item has at most `max` ratings in `train` (the two share id maps). */
export const coldValid = (train: RatingsDataset, valid: RatingsDataset, max = COLD_ITEM_MAX_RATINGS): RatingsDataset =>
  selectRows(valid, coldRows(train, valid, max));

/** The indices of coldValid's rows in `valid`: to pick the cold ratings' predictions out of all of valid's. */
export function coldRows(train: RatingsDataset, valid: RatingsDataset, max = COLD_ITEM_MAX_RATINGS): number[] {
  const counts = new Int32Array(Math.max(itemCount(train), itemCount(valid)));
  for (let n = 0; n < train.items.length; n++) counts[train.items[n]]++;
  const rows: number[] = [];
  for (let n = 0; n < valid.items.length; n++) if (counts[valid.items[n]] <= max) rows.push(n);
  return rows;
}
