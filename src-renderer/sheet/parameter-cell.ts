/**
 * The factor and bias cells as the user edits them (issue 16 item 3: typing a number into a
 * factor cell sets that parameter, as in the workbook): which parameter a cell is, the text its
 * editor opens with, and how typed text becomes a number. Pure, tested without a grid.
 */
import { USER_BIAS_COL, movieIndexOfCol } from './sheet-model.ts';

/** A row of the grid: a user, a movie factor row or the movie bias row (pinned on top). */
export type SheetRow =
  | { kind: 'user'; id: string; row: number }
  | { kind: 'movie-factor'; id: string; factor: number }
  | { kind: 'movie-bias'; id: string };

/** A learned parameter on the sheet: a user's (row = sheet row) or movie's (row = sheet column) factor or bias. */
export interface ParameterCell {
  side: 'user' | 'item';
  row: number;
  factor: number | 'bias';
}

/** The parameter a cell shows, or null for a rating, a label or the RMSE corner. */
export function parameterOf(data: SheetRow | undefined, colId: string): ParameterCell | null {
  if (!data) return null;
  const movie = movieIndexOfCol(colId);
  if (data.kind === 'user') {
    if (colId === USER_BIAS_COL) return { side: 'user', row: data.row, factor: 'bias' };
    const f = /^uf(\d+)$/.exec(colId);
    return f ? { side: 'user', row: data.row, factor: Number(f[1]) } : null;
  }
  if (movie === null) return null;
  return { side: 'item', row: movie, factor: data.kind === 'movie-bias' ? 'bias' : data.factor };
}

/**
 * What F2 opens a parameter with: the value to 6 significant digits (the cell shows 2 decimals),
 * so that committing it unchanged changes nothing a user could see.
 */
export function parameterEditText(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(Number(value.toPrecision(6)));
}

/** A number as people type one: 0.5, .5, -1, +2, 1e-3, or with a decimal comma (0,5). Null otherwise. */
export function parseTypedNumber(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** How a message names the parameter: "user 3's factor 2", "Die Hard (1988)'s bias". */
export function parameterName(p: ParameterCell, label: string): string {
  return `${label}'s ${p.factor === 'bias' ? 'bias' : `factor ${p.factor + 1}`}`;
}

/** The value typed into a parameter cell, or what to tell the user. */
export function typedParameter(p: ParameterCell, text: string, label: string): { value: number } | { error: string } {
  const value = parseTypedNumber(text);
  if (value !== null) return { value };
  const what = parameterName(p, label);
  return { error: text.trim() === '' ? `${what} cannot be blank: type a number, e.g. 0.5` : `"${text.trim()}" is not a number: type a value for ${what}, e.g. 0.5 or -1.2` };
}
