/**
 * Splitting one line into fields without allocating: the bounds go into reusable Int32Arrays.
 * Quoted fields follow RFC 4180 within a line (`"a,b"`, `"say ""hi"""`); a quote is not allowed
 * to span lines — in a ratings file that is always a broken quote, and refusing it keeps the
 * line numbers in our messages true.
 */
import { TextDecoder } from 'node:util';

const QUOTE = 0x22;
const SPACE = 0x20;
/** U+00A0 NO-BREAK SPACE in UTF-8 (0xC2 is always a lead byte, so the pair is never part of another character). */
const NBSP_0 = 0xc2;
const NBSP_1 = 0xa0;
const MAX_FIELDS = 256;

/** Bytes of a space (or no-break space) starting at i, else 0. */
const spaceAt = (buf: Uint8Array, i: number, end: number): number =>
  buf[i] === SPACE ? 1 : buf[i] === NBSP_0 && i + 1 < end && buf[i + 1] === NBSP_1 ? 2 : 0;
/** Bytes of a space (or no-break space) ending just before `end`, not reaching before `start`, else 0. */
const spaceBefore = (buf: Uint8Array, start: number, end: number): number =>
  buf[end - 1] === SPACE ? 1 : buf[end - 1] === NBSP_1 && end - 2 >= start && buf[end - 2] === NBSP_0 ? 2 : 0;

/** Past the spaces from i. */
function skipSpaces(buf: Uint8Array, i: number, end: number): number {
  for (let n: number; i < end && (n = spaceAt(buf, i, end)) > 0; ) i += n;
  return i;
}

export class FieldBounds {
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);
  /** 1 where the field was quoted and holds a doubled quote that must be undone when decoded. */
  readonly escaped = new Uint8Array(MAX_FIELDS);
}

/** Result of splitFields when a quoted field has no closing quote on its line. */
export const UNTERMINATED_QUOTE = -1;
/** Result of splitFields when text follows a closing quote (`"ab"c`). */
export const TEXT_AFTER_QUOTE = -2;

/**
 * Splits bytes [start, end) on `delim` (1 or 2 bytes, e.g. "," or "::"). Returns the field count
 * (fields beyond MAX_FIELDS are counted, not stored) or one of the negative codes above. Spaces
 * (and no-break spaces, which web pages and spreadsheets put around pasted numbers) around
 * unquoted fields are trimmed unless the delimiter itself is a space.
 */
export function splitFields(buf: Uint8Array, start: number, end: number, delim: Uint8Array, out: FieldBounds): number {
  const d0 = delim[0];
  const twoByte = delim.length === 2;
  const d1 = twoByte ? delim[1] : 0;
  const trim = d0 !== SPACE;
  let count = 0;
  let i = start;
  for (;;) {
    if (trim) i = skipSpaces(buf, i, end);
    let fieldStart = i;
    let fieldEnd: number;
    let escaped = 0;
    if (i < end && buf[i] === QUOTE) {
      fieldStart = ++i;
      for (;;) {
        if (i >= end) return UNTERMINATED_QUOTE;
        if (buf[i] === QUOTE) {
          if (i + 1 < end && buf[i + 1] === QUOTE) {
            escaped = 1;
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      fieldEnd = i++;
      if (trim) i = skipSpaces(buf, i, end);
      if (i < end && !(buf[i] === d0 && (!twoByte || (i + 1 < end && buf[i + 1] === d1)))) return TEXT_AFTER_QUOTE;
    } else {
      while (i < end && !(buf[i] === d0 && (!twoByte || (i + 1 < end && buf[i + 1] === d1)))) i++;
      fieldEnd = i;
      if (trim) for (let n: number; fieldEnd > fieldStart && (n = spaceBefore(buf, fieldStart, fieldEnd)) > 0; ) fieldEnd -= n;
    }
    if (count < MAX_FIELDS) {
      out.starts[count] = fieldStart;
      out.ends[count] = fieldEnd;
      out.escaped[count] = escaped;
    }
    count++;
    if (i >= end) return count;
    i += twoByte ? 2 : 1; // past the delimiter; a delimiter at the very end makes one more, empty, field
    if (i >= end) {
      if (count < MAX_FIELDS) {
        out.starts[count] = end;
        out.ends[count] = end;
        out.escaped[count] = 0;
      }
      return count + 1;
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of field f, quotes undone. With the default decoder, throws TypeError on invalid
 * UTF-8 (callers report it).
 */
export function fieldText(buf: Uint8Array, out: FieldBounds, f: number, decoder: TextDecoder = utf8): string {
  const s = decoder.decode(buf.subarray(out.starts[f], out.ends[f]));
  return out.escaped[f] ? s.replaceAll('""', '"') : s;
}
