/**
 * Parses a block copied from a spreadsheet: rows separated by newlines, fields by tabs (what
 * Excel, LibreOffice and Google Sheets put on the clipboard). A blank field means "missing".
 */
import type { RatingScale } from './contract.ts';
import { checkRating } from './rating-scale.ts';
import { UserError } from './user-error.ts';

export function parsePastedBlock(text: string, scale: RatingScale): (number | null)[][] {
  // Spreadsheets end the copied block with one newline; that is not an extra empty row.
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') throw new UserError('Paste: the clipboard is empty');
  return lines.map((line, r) =>
    line.split('\t').map((field, c) => {
      // A decimal comma (3,5) is what a spreadsheet in many locales copies.
      const trimmed = field.trim().replace(/^([+-]?\d+),(\d+)$/, '$1.$2');
      if (trimmed === '') return null;
      // Number('') and Number('0x10') are both numbers; a rating is a plain decimal.
      const value = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : NaN;
      const where = `Paste line ${r + 1}, column ${c + 1}`;
      if (Number.isNaN(value)) throw new UserError(`${where}: "${trimmed}" is not a rating`);
      return checkRating(value, scale, where);
    }),
  );
}
