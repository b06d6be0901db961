import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, type Side, checkFactorModel, sideBias, sideFactors, sideRowCount } from '../../engine/analysis/factor-model.ts';
import { checkModelFitsData } from '../../engine/analysis/labels.ts';
import { rowStats } from '../../engine/analysis/rating-stats.ts';

/** One side's parameters with the labels people know them by: what every export format writes. */
export interface SideTable {
  side: Side;
  k: number;
  /** Original ids, in row order. */
  ids: readonly string[];
  /** Item titles ('' where a title is missing); null when the dataset has none (and for users). */
  titles: string[] | null;
  /** null for the plain dot model. */
  bias: Float32Array | null;
  /** rows × k, row-major. */
  factors: Float32Array;
  /** Ratings per row in the dataset. */
  count: Int32Array;
}

/**
 * Both sides' tables, after checking the model is whole, belongs to this dataset and holds only
 * finite numbers (a diverged model would otherwise export NaN, which JSON cannot even hold).
 */
export function sideTables(model: FactorModel, data: RatingsDataset): Record<Side, SideTable> {
  checkFactorModel(model);
  checkModelFitsData(model, data);
  const table = (side: Side): SideTable => {
    const ids = side === 'user' ? data.userIds : data.itemIds;
    const factors = sideFactors(model, side);
    const bias = sideBias(model, side);
    checkFinite(`${side}_factors`, factors, model.k, ids);
    if (bias) checkFinite(`${side}_bias`, bias, 1, ids);
    const titles = side === 'item' && data.itemTitles ? Array.from({ length: sideRowCount(model, side) }, (_, i) => data.itemTitles![i] ?? '') : null;
    return { side, k: model.k, ids, titles, bias, factors, count: rowStats(data, side).count };
  };
  return { user: table('user'), item: table('item') };
}

function checkFinite(name: string, values: Float32Array, width: number, ids: readonly string[]): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / width);
      throw new Error(`cannot export: ${name} of row ${row} (id ${ids[row]}) is ${values[i]} — the model diverged; retrain or reload it`);
    }
  }
}

export const rowCount = (t: SideTable): number => t.ids.length;
export const rowFactors = (t: SideTable, row: number): Float32Array => t.factors.subarray(row * t.k, (row + 1) * t.k);
