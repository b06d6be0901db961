/**
 * Excel interop with fast.ai's collab_filter.xlsx layout, in both directions.
 *
 * Layout (U users, I items, k factors; k = 5 in the original, columns shift for other k):
 *   row 1: "movieId" in the id column (G when k = 5), item ids to its right (H…)
 *   rows 2…U+1: user id, then the ratings grid (blank = missing)
 *   dotprod: item factors rows U+4…U+3+k under the grid; a header row; then per user: factors in
 *            B…, id, and predictions =IF(r="",0,MMULT(userFactors,itemFactors)); RMSE two rows below
 *            the last user, under the last item: =SQRT(SUMXMY2(grid,predictions)/COUNT(grid))
 *   bias:    item bias row U+4, item factors below it, then per user: bias in A, factors in B…,
 *            and predictions adding both biases.
 * Reading recomputes each sheet's RMSE from the factors (the file's cached cell is reported beside
 * it); writing puts live formulas so Excel or LibreOffice recomputes the app's RMSE.
 */
import ExcelJS from 'exceljs';
import type { RatingsDataset } from '../data/dataset.ts';
import { DataImportError } from '../data/import/errors.ts';
import { ratingValueProblem } from '../data/rating-value.ts';
import { readRegularFile, UnreadableFileError } from '../data/import/regular-file.ts';
import { checkZipBounds, ZipBoundsError } from './zip-bounds.ts';
import { biasedDot } from '../engine/analysis/factor-model.ts';
import { addError, noErrors, rmseOf } from '../engine/metrics.ts';
import { type WriteOptions, writeFileAtomic } from './atomic-write.ts';

/**
 * Limits on a workbook read. The app's own exports are at most 100 × 100 (MAX_CROSSTAB): 0.24 MB,
 * 1.4 MB inflated. exceljs holds about 7 bytes per inflated byte (measured: a 300 × 300 export,
 * 12.7 MB inflated, reads in 1.4 s at +125 MB; 600 × 600, 51 MB, in 4 s at +350 MB), so 32 MB
 * inflated, 20 times the largest export, bounds a read to a few seconds and about 250 MB.
 */
const WORKBOOK_LIMITS = { maxFileBytes: 32 * 2 ** 20, maxInflatedBytes: 32 * 2 ** 20, maxEntries: 10_000 };

export type SheetKind = 'dotprod' | 'bias';

export interface FactorSheet {
  kind: SheetKind;
  /** U × k, row-major, in sheet row order. */
  userFactors: Float32Array;
  /** I × k, row-major (item-major), in sheet column order. */
  itemFactors: Float32Array;
  /** Present on the bias sheet. */
  userBias?: Float32Array;
  itemBias?: Float32Array;
  /** RMSE over the observed cells, recomputed in float64 from the sheet's own values. */
  rmse: number;
  /** The RMSE cell's cached value in the file (null when it holds none). */
  rmseCell: number | null;
}

export interface CollabWorkbook {
  /** The observed ratings; user (item) codes follow the sheet's row (column) order. */
  data: RatingsDataset;
  factors: number;
  dotprod: FactorSheet | null;
  bias: FactorSheet | null;
}

/** What `writeCollabWorkbook` lays out: the visible sheet and the model's factors for it. */
export interface SheetExport {
  userIds: string[];
  itemIds: string[];
  /** users × items, row-major; NaN = blank (missing). */
  ratings: Float32Array;
  factors: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  /** Both or neither: with them the sheet is laid out as `bias`, without as `dotprod`. */
  userBias?: Float32Array;
  itemBias?: Float32Array;
  /** Titles per item, written to a `movies` sheet (the grid keeps ids, as the original does). */
  itemTitles?: (string | undefined)[];
}

/** Cell positions for a sheet of U users × I items with k factors (1-based rows and columns). */
export function layoutFor(kind: SheetKind, users: number, items: number, k: number) {
  const idCol = k + 2;
  const gridCol = idCol + 1;
  const itemBiasRow = users + 4; // bias sheet only
  const itemFactorRow = kind === 'bias' ? itemBiasRow + 1 : users + 4;
  const headerRow = itemFactorRow + k; // "userId" and the item ids above the predictions
  const userRow = headerRow + 1;
  return {
    idCol,
    gridCol,
    gridRow: 2,
    itemBiasRow,
    itemFactorRow,
    headerRow,
    userRow,
    userFactorCol: 2,
    userBiasCol: 1,
    rmseRow: userRow + users + 1,
    rmseCol: gridCol + items - 1,
  };
}

export async function readCollabWorkbook(path: string): Promise<CollabWorkbook> {
  const wb = new ExcelJS.Workbook();
  const zip = await readRegularFile(path, WORKBOOK_LIMITS.maxFileBytes, 'a workbook').catch((e: unknown) => {
    if (e instanceof UnreadableFileError) throw new DataImportError(e.code === 'not-found' ? 'not-found' : 'unreadable', path, null, e.problem);
    throw e;
  });
  try {
    checkZipBounds(zip, WORKBOOK_LIMITS);
  } catch (e) {
    if (e instanceof ZipBoundsError) throw new DataImportError('workbook', path, null, `not a readable .xlsx workbook: ${e.message}`);
    throw e;
  }
  try {
    // exceljs types its input as an ArrayBuffer-like `Buffer` of its own; a Node Buffer is what it reads.
    await wb.xlsx.load(zip as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataImportError(code === 'ENOENT' ? 'not-found' : 'workbook', path, null, code === 'ENOENT' ? 'no such file' : `not a readable .xlsx workbook (${firstLine(e)})`);
  }
  const dot = wb.getWorksheet('dotprod');
  const bias = wb.getWorksheet('bias');
  const first = dot ?? bias;
  if (!first) throw new DataImportError('workbook', path, null, 'has no sheet named "dotprod" or "bias" (the collab_filter.xlsx layout)');
  const grid = readGrid(path, first);
  return {
    data: grid.data,
    factors: grid.k,
    dotprod: dot ? readFactors(path, dot, 'dotprod', grid) : null,
    bias: bias ? readFactors(path, bias, 'bias', grid) : null,
  };
}

interface Grid {
  data: RatingsDataset;
  k: number;
  /** users × items, NaN = blank, float64 as in the file. */
  values: Float64Array;
}

function readGrid(path: string, ws: ExcelJS.Worksheet): Grid {
  const where = `${path} [${ws.name}]`;
  let idCol = 0;
  for (let c = 1; c <= Math.min(ws.columnCount, 64); c++) {
    if (String(ws.getCell(1, c).text).trim().toLowerCase() === 'movieid') {
      idCol = c;
      break;
    }
  }
  if (idCol < 3) throw new DataImportError('workbook', where, 1, 'no "movieId" label in row 1 to the right of the factor columns (the collab_filter.xlsx layout)');
  const k = idCol - 2;
  const itemIds: string[] = [];
  for (let c = idCol + 1; ws.getCell(1, c).text.trim() !== ''; c++) itemIds.push(ws.getCell(1, c).text.trim());
  const userIds: string[] = [];
  for (let r = 2; ws.getCell(r, idCol).text.trim() !== ''; r++) userIds.push(ws.getCell(r, idCol).text.trim());
  if (itemIds.length === 0 || userIds.length === 0) throw new DataImportError('workbook', where, 1, 'the ratings grid has no movie ids in row 1 or no user ids below "movieId"');
  const values = new Float64Array(userIds.length * itemIds.length).fill(NaN);
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < userIds.length; u++) {
    for (let i = 0; i < itemIds.length; i++) {
      const cell = ws.getCell(2 + u, idCol + 1 + i);
      if (cell.value === null || cell.value === undefined || cell.text.trim() === '') continue;
      const v = numberIn(cell);
      if (v === null) throw new DataImportError('workbook', where, null, `rating cell ${cell.address} is not a number`, cell.text.slice(0, 40));
      const tooLarge = ratingValueProblem(v);
      if (tooLarge) throw new DataImportError('workbook', where, null, `rating cell ${cell.address}: ${v} ${tooLarge}`, cell.text.slice(0, 40));
      values[u * itemIds.length + i] = v;
      users.push(u);
      items.push(i);
      ratings.push(v);
    }
  }
  if (ratings.length === 0) throw new DataImportError('workbook', where, null, 'the ratings grid is empty');
  return {
    data: { users: Int32Array.from(users), items: Int32Array.from(items), ratings: Float32Array.from(ratings), userIds, itemIds },
    k,
    values,
  };
}

function readFactors(path: string, ws: ExcelJS.Worksheet, kind: SheetKind, grid: Grid): FactorSheet {
  const where = `${path} [${ws.name}]`;
  const U = grid.data.userIds.length;
  const I = grid.data.itemIds.length;
  const k = grid.k;
  const at = layoutFor(kind, U, I, k);
  const num = (r: number, c: number): number => {
    const cell = ws.getCell(r, c);
    const v = numberIn(cell);
    if (v === null) throw new DataImportError('workbook', where, null, `expected a number in ${cell.address} (${kind} layout)`, cell.text.slice(0, 40));
    return v;
  };
  const userFactors = new Float64Array(U * k);
  const itemFactors = new Float64Array(I * k);
  for (let u = 0; u < U; u++) for (let f = 0; f < k; f++) userFactors[u * k + f] = num(at.userRow + u, at.userFactorCol + f);
  for (let i = 0; i < I; i++) for (let f = 0; f < k; f++) itemFactors[i * k + f] = num(at.itemFactorRow + f, at.gridCol + i);
  const userBias = kind === 'bias' ? Float64Array.from({ length: U }, (_, u) => num(at.userRow + u, at.userBiasCol)) : undefined;
  const itemBias = kind === 'bias' ? Float64Array.from({ length: I }, (_, i) => num(at.itemBiasRow, at.gridCol + i)) : undefined;
  return {
    kind,
    userFactors: Float32Array.from(userFactors),
    itemFactors: Float32Array.from(itemFactors),
    ...(userBias && itemBias ? { userBias: Float32Array.from(userBias), itemBias: Float32Array.from(itemBias) } : {}),
    rmse: sheetRmse(grid.values, U, I, k, userFactors, itemFactors, userBias, itemBias),
    rmseCell: numberIn(ws.getCell(at.rmseRow, at.rmseCol)),
  };
}

/** The sheet's RMSE formula, evaluated: observed cells only, in float64. */
export function sheetRmse(
  ratings: ArrayLike<number>,
  users: number,
  items: number,
  k: number,
  userFactors: ArrayLike<number>,
  itemFactors: ArrayLike<number>,
  userBias?: ArrayLike<number>,
  itemBias?: ArrayLike<number>,
): number {
  const sums = noErrors();
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      const r = ratings[u * items + i];
      if (!Number.isNaN(r)) addError(sums, sheetPrediction(k, userFactors, itemFactors, userBias, itemBias, u, i), r);
    }
  }
  return rmseOf(sums);
}

/** A prediction cell's formula, evaluated: the dot product, plus both biases on the bias sheet. */
function sheetPrediction(
  k: number, userFactors: ArrayLike<number>, itemFactors: ArrayLike<number>,
  userBias: ArrayLike<number> | undefined, itemBias: ArrayLike<number> | undefined, u: number, i: number,
): number {
  return biasedDot(userFactors, u * k, itemFactors, i * k, k, (userBias?.[u] ?? 0) + (itemBias?.[i] ?? 0));
}

/** Lays out the sheet and writes the workbook atomically; an existing file is replaced only with `overwrite`. */
export async function writeCollabWorkbook(path: string, sheet: SheetExport, options: WriteOptions = {}): Promise<void> {
  const U = sheet.userIds.length;
  const I = sheet.itemIds.length;
  const k = sheet.factors;
  const kind: SheetKind = sheet.userBias && sheet.itemBias ? 'bias' : 'dotprod';
  const at = layoutFor(kind, U, I, k);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CollabSheet';
  wb.calcProperties.fullCalcOnLoad = true;
  const ws = wb.addWorksheet(kind);
  const col = (c: number) => ws.getColumn(c).letter;
  const idValue = (id: string) => (/^-?\d+(\.\d+)?$/.test(id) ? Number(id) : id);

  ws.getCell(1, at.idCol).value = 'movieId';
  sheet.itemIds.forEach((id, i) => (ws.getCell(1, at.gridCol + i).value = idValue(id)));
  for (let u = 0; u < U; u++) {
    ws.getCell(2 + u, at.idCol).value = idValue(sheet.userIds[u]);
    for (let i = 0; i < I; i++) {
      const r = sheet.ratings[u * I + i];
      if (!Number.isNaN(r)) ws.getCell(2 + u, at.gridCol + i).value = r;
    }
  }
  if (kind === 'bias') sheet.itemBias!.forEach((b, i) => (ws.getCell(at.itemBiasRow, at.gridCol + i).value = b));
  for (let f = 0; f < k; f++) for (let i = 0; i < I; i++) ws.getCell(at.itemFactorRow + f, at.gridCol + i).value = sheet.itemFactors[i * k + f];
  ws.getCell(at.headerRow - 1, at.idCol).value = 'movieId';
  ws.getCell(at.headerRow, at.idCol - 1).value = 'userId';
  sheet.itemIds.forEach((id, i) => (ws.getCell(at.headerRow, at.gridCol + i).value = idValue(id)));

  const lastItem = col(at.gridCol + I - 1);
  const firstFactor = col(at.userFactorCol);
  const lastFactor = col(at.userFactorCol + k - 1);
  for (let u = 0; u < U; u++) {
    const row = at.userRow + u;
    ws.getCell(row, at.idCol).value = idValue(sheet.userIds[u]);
    if (kind === 'bias') ws.getCell(row, at.userBiasCol).value = sheet.userBias![u];
    for (let f = 0; f < k; f++) ws.getCell(row, at.userFactorCol + f).value = sheet.userFactors[u * k + f];
    for (let i = 0; i < I; i++) {
      const c = col(at.gridCol + i);
      const ratingCell = `${c}${2 + u}`;
      const dot = `MMULT($${firstFactor}${row}:$${lastFactor}${row},${c}$${at.itemFactorRow}:${c}$${at.itemFactorRow + k - 1})`;
      const formula = kind === 'bias' ? `IF(${ratingCell}="",0,${dot}+${c}$${at.itemBiasRow}+$A${row})` : `IF(${ratingCell}="",0,${dot})`;
      const cell = ws.getCell(row, at.gridCol + i);
      // An array formula (as Excel's Ctrl+Shift+Enter): MMULT returns a 1×1 array, which every
      // spreadsheet then reads as a number, old Excel and LibreOffice included.
      cell.value = { formula, result: prediction(sheet, u, i), shareType: 'array', ref: cell.address } as ExcelJS.CellFormulaValue;
    }
  }
  const grid = `${col(at.gridCol)}2:${lastItem}${U + 1}`;
  const predictions = `${col(at.gridCol)}${at.userRow}:${lastItem}${at.userRow + U - 1}`;
  ws.getCell(at.rmseRow, at.rmseCol).value = {
    formula: `SQRT(SUMXMY2(${grid},${predictions})/COUNT(${grid}))`,
    result: sheetRmse(sheet.ratings, U, I, k, sheet.userFactors, sheet.itemFactors, sheet.userBias, sheet.itemBias),
  };
  ws.getCell(at.rmseRow, at.rmseCol - 1).value = 'RMSE';

  if (sheet.itemTitles?.some((t) => t !== undefined)) {
    const movies = wb.addWorksheet('movies');
    movies.addRow(['movieId', 'title']);
    sheet.itemIds.forEach((id, i) => movies.addRow([idValue(id), sheet.itemTitles?.[i] ?? '']));
  }
  // Built in memory (the visible block: at most 100 × 100 cells), then written the one safe way.
  await writeFileAtomic(path, [new Uint8Array(await wb.xlsx.writeBuffer())], options);
}

/** A prediction cell's cached result: 0 where the rating is blank, as its IF(…) says. */
function prediction(s: SheetExport, u: number, i: number): number {
  if (Number.isNaN(s.ratings[u * s.itemIds.length + i])) return 0;
  return sheetPrediction(s.factors, s.userFactors, s.itemFactors, s.userBias, s.itemBias, u, i);
}

/** A cell's number: a literal, or a formula's cached result. */
function numberIn(cell: ExcelJS.Cell): number | null {
  const v = cell.value;
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'result' in v && typeof v.result === 'number') return v.result;
  return null;
}

const firstLine = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0].slice(0, 80);
