/** Plain-text tables for terminals: fixed-width rows, so epochs can be printed as they finish. */

export interface Column {
  header: string;
  width: number;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

export function formatRow(columns: readonly Column[], cells: readonly string[]): string {
  return columns
    .map((c, i) => {
      const cell = cells[i] ?? '';
      return c.align === 'right' ? cell.padStart(c.width) : cell.padEnd(c.width);
    })
    .join('  ')
    .trimEnd();
}

export function formatHeader(columns: readonly Column[]): string {
  const head = formatRow(columns, columns.map((c) => c.header));
  const rule = formatRow(columns, columns.map((c) => '-'.repeat(c.width)));
  return `${head}\n${rule}`;
}

/** A whole table, each column as wide as its widest cell. */
export function formatTable(headers: readonly string[], rows: readonly string[][], rightAligned: readonly number[] = []): string {
  const columns: Column[] = headers.map((header, i) => ({
    header,
    // A fold, not Math.max(...rows): a spread of 200k+ rows overflows the call stack.
    width: rows.reduce((widest, r) => Math.max(widest, (r[i] ?? '').length), header.length),
    align: rightAligned.includes(i) ? 'right' : 'left',
  }));
  return [formatHeader(columns), ...rows.map((r) => formatRow(columns, r))].join('\n');
}

/** A metric for a table cell: fixed decimals, or a dash when there is none. */
export const fixed = (x: number | null | undefined, digits = 4): string =>
  x == null || !Number.isFinite(x) ? '-' : x.toFixed(digits);
