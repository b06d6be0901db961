/**
 * The hot loop: one file line → one row of typed arrays, no objects per row. Every check a row can
 * fail is made before its ids are coded, so a skipped row leaves no trace (no user without
 * ratings).
 */
import { parseCanonicalId, parseDecimal } from './bytes.ts';
import { DataImportError, formatImportMessage, showText } from './errors.ts';
import { FieldBounds, splitFields, UNTERMINATED_QUOTE } from './fields.ts';
import { type Growable, growableFloat32, growableFloat64, growableInt32 } from './growable.ts';
import { IdCoder } from './id-coder.ts';
import type { DetectedFormat } from './sniff.ts';

export type BadRowPolicy = 'fail' | 'skip';

export interface RowRules {
  badRows: BadRowPolicy;
  /** Messages kept for the summary when skipping. */
  maxBadRowExamples: number;
  /** Ratings outside [min, max] are bad rows. */
  scale?: { min: number; max: number };
  keepTimestamps: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class RatingsParser {
  readonly users: Growable<Int32Array>;
  readonly items: Growable<Int32Array>;
  readonly ratings: Growable<Float32Array>;
  readonly timestamps: Growable<Float64Array> | null;
  readonly userCoder = new IdCoder();
  readonly itemCoder = new IdCoder();
  skipped = 0;
  readonly badRowExamples: string[] = [];

  private readonly bounds = new FieldBounds();
  private readonly delim: Buffer;
  private headerPending: boolean;
  private readonly timestampColumn: number;

  constructor(
    private readonly file: string,
    private readonly format: DetectedFormat,
    private readonly rules: RowRules,
    expectedRows: number,
  ) {
    this.delim = Buffer.from(format.delimiter, 'latin1');
    this.headerPending = format.hasHeader;
    this.timestampColumn = rules.keepTimestamps && format.columns.timestamp !== null ? format.columns.timestamp : -1;
    this.users = growableInt32(expectedRows);
    this.items = growableInt32(expectedRows);
    this.ratings = growableFloat32(expectedRows);
    this.timestamps = this.timestampColumn >= 0 ? growableFloat64(expectedRows) : null;
  }

  get rows(): number {
    return this.ratings.length;
  }

  /** Bound so it can be handed to scanLines as is. */
  readonly onLine = (buf: Buffer, start: number, end: number, line: number): void => {
    while (start < end && buf[start] === 0x20) start++;
    if (start === end) return; // blank lines carry nothing; skipping them is not an error
    if (this.headerPending) {
      this.headerPending = false;
      return;
    }
    const b = this.bounds;
    const n = splitFields(buf, start, end, this.delim, b);
    if (n < 0) return this.bad(buf, start, end, line, n === UNTERMINATED_QUOTE ? 'unterminated quoted field' : 'text after a closing quote');
    const { fieldCount, columns } = this.format;
    if (n !== fieldCount) return this.bad(buf, start, end, line, `expected ${fieldCount} fields, found ${n}`);

    const rs = b.starts[columns.rating];
    const re = b.ends[columns.rating];
    const rating = parseDecimal(buf, rs, re);
    if (Number.isNaN(rating)) return this.bad(buf, start, end, line, rs === re ? 'missing rating' : `rating "${showText(buf.toString('latin1', rs, re))}" is not a number`);
    const scale = this.rules.scale;
    if (scale && (rating < scale.min || rating > scale.max)) return this.bad(buf, start, end, line, `rating ${rating} is outside the scale ${scale.min}–${scale.max}`);

    let timestamp = 0;
    if (this.timestampColumn >= 0) {
      timestamp = parseTimestamp(buf, b.starts[this.timestampColumn], b.ends[this.timestampColumn]);
      if (Number.isNaN(timestamp)) return this.bad(buf, start, end, line, 'timestamp is neither a number nor a date');
    }

    const us = b.starts[columns.user];
    const ue = b.ends[columns.user];
    const is = b.starts[columns.item];
    const ie = b.ends[columns.item];
    const userNumber = parseCanonicalId(buf, us, ue);
    const itemNumber = parseCanonicalId(buf, is, ie);
    const userProblem = userNumber < 0 ? textIdProblem(buf, us, ue) : null;
    if (userProblem) return this.bad(buf, start, end, line, `user id ${userProblem}`);
    const itemProblem = itemNumber < 0 ? textIdProblem(buf, is, ie) : null;
    if (itemProblem) return this.bad(buf, start, end, line, `item id ${itemProblem}`);

    this.users.push(userNumber >= 0 ? this.userCoder.codeOfInteger(userNumber) : this.codeText(this.userCoder, buf, columns.user));
    this.items.push(itemNumber >= 0 ? this.itemCoder.codeOfInteger(itemNumber) : this.codeText(this.itemCoder, buf, columns.item));
    this.ratings.push(rating);
    this.timestamps?.push(timestamp);
  };

  private codeText(coder: IdCoder, buf: Buffer, f: number): number {
    const s = this.bounds.starts[f];
    const e = this.bounds.ends[f];
    const escaped = this.bounds.escaped[f] === 1;
    return coder.codeOfText(buf.toString('latin1', s, e), () => {
      const text = utf8.decode(buf.subarray(s, e)); // validated by textIdProblem
      return escaped ? text.replaceAll('""', '"') : text;
    });
  }

  private bad(buf: Buffer, start: number, end: number, line: number, problem: string): void {
    const text = showText(buf.toString('utf8', start, end));
    if (this.rules.badRows === 'fail') throw new DataImportError('bad-row', this.file, line, problem, text);
    this.skipped++;
    if (this.badRowExamples.length < this.rules.maxBadRowExamples) this.badRowExamples.push(formatImportMessage(this.file, line, problem, text));
  }
}

/** Why bytes [s, e) cannot be an id, or null when they can. */
function textIdProblem(buf: Buffer, s: number, e: number): string | null {
  if (s === e) return 'is empty';
  for (let i = s; i < e; i++) {
    if (buf[i] >= 0x80) {
      try {
        utf8.decode(buf.subarray(s, e));
        return null;
      } catch {
        return 'is not valid UTF-8 (save the file as UTF-8)';
      }
    }
    if (buf[i] < 0x20) return 'contains a control character';
  }
  return null;
}

/** Seconds since the epoch: a number as is, or an ISO-like date ("2005-09-06 10:00:00"). */
function parseTimestamp(buf: Buffer, s: number, e: number): number {
  const n = parseDecimal(buf, s, e);
  if (!Number.isNaN(n) || s === e) return n;
  const ms = Date.parse(buf.toString('latin1', s, e));
  return Number.isNaN(ms) ? NaN : ms / 1000;
}
