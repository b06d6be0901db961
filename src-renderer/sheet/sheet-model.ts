/**
 * What each cell of the sheet shows, as pure functions of the state (no DOM, no grid), so the
 * rules — observed rating vs prediction, the three views, the colour bins — are tested directly.
 */
import type { AppState, SheetNumbers } from '../../src-main/service/contract.ts';

export type ViewMode = 'ratings' | 'predictions' | 'errors';

export interface CellView {
  text: string;
  /** CSS classes: what the cell is (observed / predicted / error) and its colour bin. */
  classes: string[];
}

/** The grid's column ids: user label, user factors, user bias, one per movie. */
export const LABEL_COL = 'label';
export const userFactorCol = (f: number) => `uf${f}`;
export const USER_BIAS_COL = 'ub';
export const movieCol = (m: number) => `m${m}`;

export function movieIndexOfCol(colId: string): number | null {
  return /^m\d+$/.test(colId) ? Number(colId.slice(1)) : null;
}

/** Errors beyond ±ERROR_RANGE get the darkest colour. */
export const ERROR_RANGE = 2;
/** Factor and bias values beyond ±FACTOR_RANGE get the darkest colour. */
export const FACTOR_RANGE = 1.5;
const SEQ_BINS = 9;
const DIV_BINS = 11;

export const k = (n: SheetNumbers): number =>
  n.snapshot.userRows.length ? n.snapshot.userFactors.length / n.snapshot.userRows.length : 0;

/**
 * The sheet shows at most this many factor rows and columns: the Excel layout is for a handful of
 * factors, and 50 of them (fastbook's ml-100k model) would push the ratings off screen. The
 * formula tooltip still uses all of them.
 */
export const MAX_SHOWN_FACTORS = 8;

export const shownFactors = (n: SheetNumbers): number => Math.min(k(n), MAX_SHOWN_FACTORS);

export const hasBiases = (n: SheetNumbers): boolean => n.snapshot.userBias.length > 0;

export function prediction(n: SheetNumbers, row: number, col: number): number {
  return n.snapshot.predictions[row * n.snapshot.itemRows.length + col];
}

/** The rating-area cell at (row, col) in the given view. */
export function ratingCell(state: AppState, numbers: SheetNumbers, row: number, col: number, mode: ViewMode): CellView {
  const { lo, hi } = state.sheet.scale;
  const rating = state.sheet.ratings[row][col];
  const p = prediction(numbers, row, col);
  const held = rating !== null && state.sheet.heldOut[row][col] ? ['held-out'] : [];
  if (mode === 'errors') {
    if (rating === null) return { text: '', classes: ['missing'] };
    const e = p - rating;
    return { text: signed(e), classes: ['error', divergingBin(e, ERROR_RANGE), ...held] };
  }
  if (rating !== null && mode === 'ratings') {
    return { text: formatRating(rating), classes: ['observed', sequentialBin(rating, lo, hi), ...held] };
  }
  const kind = rating === null ? 'predicted' : 'predicted-observed';
  return { text: p.toFixed(2), classes: [kind, sequentialBin(p, lo, hi), ...held] };
}

/** A factor or bias value (user or movie side): coloured around zero. */
export function parameterCell(value: number | undefined): CellView {
  if (value === undefined || !Number.isFinite(value)) return { text: '', classes: ['param'] };
  return { text: value.toFixed(2), classes: ['param', divergingBin(value, FACTOR_RANGE)] };
}

export function sequentialBin(v: number, lo: number, hi: number): string {
  const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  return `seq-${Math.round(t * (SEQ_BINS - 1))}`;
}

export function divergingBin(v: number, range: number): string {
  const t = Math.min(1, Math.max(-1, v / range));
  return `div-${Math.round(((t + 1) / 2) * (DIV_BINS - 1))}`;
}

export const formatRating = (r: number): string => (Number.isInteger(r) ? String(r) : r.toFixed(1));

export const signed = (x: number): string => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(2);
