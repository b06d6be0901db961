/**
 * Splitting one line into fields without allocating: the bounds go into reusable Int32Arrays.
 * Quoted fields follow RFC 4180 within a line (`"a,b"`, `"say ""hi"""`); a quote is not allowed
 * to span lines — in a ratings file that is always a broken quote, and refusing it keeps the
 * line numbers in our messages true.
 */
import { TextDecoder } from 'node:util';

const QUOTE = 0x22;
const SPACE = 0x20;
const MAX_FIELDS = 256;

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
 * around unquoted fields are trimmed unless the delimiter itself is a space.
 */
export function splitFields(buf: Uint8Array, start: number, end: number, delim: Uint8Array, out: FieldBounds): number {
  const d0 = delim[0];
  const twoByte = delim.length === 2;
  const d1 = twoByte ? delim[1] : 0;
  const trim = d0 !== SPACE;
  let count = 0;
  let i = start;
  for (;;) {
    if (trim) while (i < end && buf[i] === SPACE) i++;
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
      if (trim) while (i < end && buf[i] === SPACE) i++;
      if (i < end && !(buf[i] === d0 && (!twoByte || (i + 1 < end && buf[i + 1] === d1)))) return TEXT_AFTER_QUOTE;
    } else {
      while (i < end && !(buf[i] === d0 && (!twoByte || (i + 1 < end && buf[i + 1] === d1)))) i++;
      fieldEnd = i;
      if (trim) while (fieldEnd > fieldStart && buf[fieldEnd - 1] === SPACE) fieldEnd--;
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
