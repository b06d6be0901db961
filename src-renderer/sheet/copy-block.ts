/**
 * What Ctrl+C / Cmd+C puts on the clipboard from the sheet: a block of cells as tab-separated
 * text, the format Excel, LibreOffice and Google Sheets copy and paste between each other (and
 * the one the sheet's own paste reads, src-main/service/paste.ts). Pure, so the format is tested
 * without a grid or a clipboard.
 */

/** A rating cell: user row × movie column, as the sheet's rating area numbers them. */
export interface RatingCell {
  row: number;
  col: number;
}

/** A rectangle of rating cells, both ends included. */
export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** The rectangle spanned by two corners, in whichever order they were picked (shift+click upward works). */
export function rangeBetween(a: RatingCell, b: RatingCell): CellRange {
  return { top: Math.min(a.row, b.row), bottom: Math.max(a.row, b.row), left: Math.min(a.col, b.col), right: Math.max(a.col, b.col) };
}

export const cellCount = (r: CellRange): number => (r.bottom - r.top + 1) * (r.right - r.left + 1);

export function inRange(range: CellRange | null, row: number, col: number): boolean {
  return range !== null && row >= range.top && row <= range.bottom && col >= range.left && col <= range.right;
}

/**
 * The ratings inside the range, one text field each. A rating copies as its value (3.25, not the
 * 3.3 the cell shows), and a blank copies as an empty field even where the sheet shows a
 * prediction: the copy is the data, as Excel copies values, so pasting it back into CollabSheet
 * (or into another sheet and back) gives the same ratings, and a prediction never turns into a
 * rating by a round trip. The range is clipped to the sheet.
 */
export function ratingsBlock(ratings: readonly (readonly (number | null)[])[], range: CellRange): string[][] {
  const rows = ratings.slice(Math.max(0, range.top), range.bottom + 1);
  return rows.map((r) => r.slice(Math.max(0, range.left), range.right + 1).map((v) => (v === null ? '' : String(v))));
}

/**
 * Rows joined by CRLF (what Excel puts on the clipboard; LibreOffice and the sheet's own paste
 * read it too), fields by tabs, no newline after the last row (so one copied cell pastes into a
 * text field as just its value). A field holding a tab, a newline or a quote is quoted the way
 * Excel quotes it, so a user label such as `Ana "A." Lee` stays one cell.
 */
export function toTsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(tsvField).join('\t')).join('\r\n');
}

function tsvField(text: string): string {
  return /[\t\r\n"]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
