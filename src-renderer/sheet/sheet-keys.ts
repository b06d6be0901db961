/**
 * Where Home, End, Ctrl+Home and Ctrl+End go on the sheet, as in Excel with its panes frozen
 * (the parameter rows above and the parameter columns left are the sheet's frozen panes): Home
 * goes to the row's first rating column, and from there to the row's first cell; End to the row's
 * last column; Ctrl+Home to the first rating cell, Ctrl+End to the last. ag-grid's own Home/End
 * jump to the grid's corners and it has no Ctrl+Home (issue 16 item 3). Pure, so it is tested
 * without a grid.
 */

/** A cell of the grid: a pinned parameter row (top) or a user row, and a column id. */
export interface GridCell {
  rowIndex: number;
  pinned: boolean;
  colId: string;
}

export interface SheetShape {
  /** Every column id left to right: the label, the parameter columns, then the movies. */
  columns: readonly string[];
  /** Index in `columns` of the first movie (rating) column. */
  firstRatingColumn: number;
  /** User rows (the scrolling ones). */
  users: number;
}

export type JumpKey = 'Home' | 'End';

export function jumpTarget(key: JumpKey, ctrl: boolean, from: GridCell, shape: SheetShape): GridCell | null {
  const { columns, firstRatingColumn, users } = shape;
  if (columns.length === 0) return null;
  const last = columns[columns.length - 1];
  const firstRating = columns[Math.min(firstRatingColumn, columns.length - 1)];
  if (ctrl) {
    if (users === 0) return null;
    return key === 'Home' ? { rowIndex: 0, pinned: false, colId: firstRating } : { rowIndex: users - 1, pinned: false, colId: last };
  }
  if (key === 'End') return { ...from, colId: last };
  // A second Home, from the first rating column (or left of it), reaches the row's first cell.
  const at = columns.indexOf(from.colId);
  return { ...from, colId: at > firstRatingColumn ? firstRating : columns[0] };
}
