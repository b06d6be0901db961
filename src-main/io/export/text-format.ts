/**
 * How numbers and labels are written in the text exports (CSV, TSV, JSON, Projector TSV), in one
 * place so every format agrees.
 */

/**
 * Shortest decimal that reads back as the same float32: 0.1f prints as 0.1, not
 * 0.10000000149011612. A float32 needs at most 9 significant digits; most trained values need
 * 7–9, so the search starts at 6 (toPrecision pads shorter ones, and Number() strips the zeros).
 */
export function formatFloat32(x: number): string {
  if (Object.is(x, -0)) return '-0'; // String(-0) is "0"; keep the sign the value has
  for (let digits = 6; digits < 9; digits++) {
    const s = Number(x.toPrecision(digits));
    if (Math.fround(s) === x) return String(s);
  }
  return String(Number(x.toPrecision(9)));
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge spaces. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * A TSV field. Tab-separated values have no quoting (IANA text/tab-separated-values, and the
 * Embedding Projector splits on tabs), so tabs and line breaks inside a label become spaces.
 */
export function tsvField(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ');
}

/** Rows of fields as text, one line each, with a final newline. */
export function joinLines(rows: Iterable<readonly string[]>, separator: ',' | '\t'): string {
  const lines: string[] = [];
  for (const row of rows) lines.push(row.join(separator));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
