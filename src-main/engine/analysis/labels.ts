import { type RatingsDataset, itemCount, userCount } from '../../data/dataset.ts';
import { type FactorModel, type Side, itemRowCount, userRowCount } from './factor-model.ts';

/** What a person recognises a row by: its original id and, for items with a titles file, the title. */
export interface RowLabel {
  /** Dense code (row of the factor table). */
  row: number;
  id: string;
  title?: string;
}

export function rowLabel(d: RatingsDataset, side: Side, row: number): RowLabel {
  if (side === 'user') return { row, id: d.userIds[row] };
  const title = d.itemTitles?.[row];
  return title === undefined ? { row, id: d.itemIds[row] } : { row, id: d.itemIds[row], title };
}

/** The dataset must be the one the model was trained on (same id maps), or labels would lie. */
export function checkModelFitsData(model: FactorModel, d: RatingsDataset): void {
  const pairs = [['user', userRowCount(model), userCount(d)], ['item', itemRowCount(model), itemCount(d)]] as const;
  for (const [side, inModel, inData] of pairs) {
    if (inModel !== inData) {
      throw new Error(`the model has ${inModel} ${side} rows but the dataset has ${inData} ${side}s: they do not belong together`);
    }
  }
}
