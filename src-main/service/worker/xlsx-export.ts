/**
 * "Export .xlsx": the visible sheet in fast.ai's collab_filter layout with live formulas (MMULT
 * predictions, the SQRT(SUMXMY2(…)/COUNT(…)) RMSE), so Excel or LibreOffice recomputes the RMSE
 * from the app's factors. Says when that RMSE cannot be the app's, and why.
 */
import { WriteRefusedError } from '../../io/atomic-write.ts';
import { sheetRmse, writeCollabWorkbook, type SheetExport } from '../../io/xlsx.ts';
import type { XlsxExport } from '../data-contract.ts';
import { visibleCells } from '../visible-block.ts';
import { UserError } from '../user-error.ts';
import type { Loaded } from './loaded-sheet.ts';

/** Writes the workbook atomically; an existing file is replaced only with `overwrite`. */
export async function exportVisibleXlsx(s: Loaded, path: string, overwrite: boolean): Promise<XlsxExport> {
  const { model } = s.config;
  if (model.kind !== 'dot' && model.kind !== 'dotbias') {
    throw new UserError('Export .xlsx lays out a dot-product model (as the dotprod and bias sheets): switch the model to "dot product" or "dot product + biases"');
  }
  const { userRows, itemRows } = s.visible;
  const snap = s.trainer.snapshot(userRows, itemRows);
  const cells = visibleCells(s.sets.train, s.sets.valid, s.visible);
  const sheet: SheetExport = {
    userIds: userRows.map((u) => s.sheet.users[u].id),
    itemIds: itemRows.map((i) => s.sheet.movies[i].id),
    ratings: Float32Array.from(cells.ratings.flat(), (r) => r ?? NaN),
    factors: model.factors,
    userFactors: Float32Array.from(snap.userFactors),
    itemFactors: Float32Array.from(snap.itemFactors),
    ...(model.kind === 'dotbias' ? { userBias: Float32Array.from(snap.userBias), itemBias: Float32Array.from(snap.itemBias) } : {}),
    itemTitles: itemRows.map((i) => s.sheet.movies[i].title),
  };
  try {
    await writeCollabWorkbook(path, sheet, { overwrite });
  } catch (error) {
    if (error instanceof WriteRefusedError) throw error;
    throw new UserError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const rmse = sheetRmse(sheet.ratings, userRows.length, itemRows.length, model.factors, sheet.userFactors, sheet.itemFactors, sheet.userBias, sheet.itemBias);
  return { path, rmse, notice: differences(s, cells.heldOut.flat().some(Boolean)) };
}

/** Why Excel's RMSE cell will not show the app's train RMSE, or null when it will. */
function differences(s: Loaded, heldOutShown: boolean): string | null {
  const reasons: string[] = [];
  const y = s.config.model.yRange;
  if (y) reasons.push(`the app squashes predictions with sigmoid_range(x, ${y[0]}, ${y[1]}); the workbook's formulas use the plain dot product, as Excel's sheet does`);
  if (heldOutShown) reasons.push('the workbook counts the held-out (validation) ratings in its RMSE');
  const shown = s.visible.userRows.length * s.visible.itemRows.length;
  if (shown < s.table.userCount * s.table.itemCount) reasons.push(`the workbook holds the ${s.visible.userRows.length} × ${s.visible.itemRows.length} block shown; the app's RMSE covers all ${s.sets.train.ratings.length} training ratings`);
  return reasons.length ? `Excel's RMSE will differ from the app's: ${reasons.join('; ')}.` : null;
}
