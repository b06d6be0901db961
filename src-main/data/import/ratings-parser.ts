/**
 * The hot loop: one file line → one row of typed arrays, no objects per row. Every check a row can
 * fail is made before its ids are coded, so a skipped row leaves no trace (no user without
 * ratings).
 */
import { parseCanonicalId, parseDecimal } from './bytes.ts';
import { DataImportError, formatImportMessage, showText } from './errors.ts';
import { FieldBounds, splitFields, UNTERMINATED_QUOTE } from './fields.ts';
import { LineKernel } from './wasm/line-kernel.ts';
import { type ColumnMemory, RatingColumnsBuilder } from './columns.ts';
import { IdCoder } from './id-coder.ts';
import { MAX_LINE_BYTES } from './line-reader.ts';
import { MAX_RATING_MAGNITUDE, ratingValueProblem } from '../rating-value.ts';
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
/** Longer "ids" are a misread column (a review text, a URL list), not ids. */
const MAX_ID_BYTES = 256;

export class RatingsParser {
  readonly columns: RatingColumnsBuilder;
  readonly userCoder: IdCoder;
  readonly itemCoder: IdCoder;
  skipped = 0;
  readonly badRowExamples: string[] = [];

  private readonly bounds = new FieldBounds();
  private readonly kernel: LineKernel;
  private readonly delim: Buffer;
  private headerPending: boolean;
  private readonly timestampColumn: number;

  constructor(
    private readonly file: string,
    private readonly format: DetectedFormat,
    private readonly rules: RowRules,
    expectedRows: number,
    /** Shared when several files must use one id space (a train file and its valid file). */
    coders: { user: IdCoder; item: IdCoder },
    /** Where the columns live: plain ArrayBuffers, or SharedArrayBuffers for worker threads. */
    allocate: ColumnMemory = 'plain',
  ) {
    this.userCoder = coders.user;
    this.itemCoder = coders.item;
    this.delim = Buffer.from(format.delimiter, 'latin1');
    this.headerPending = format.hasHeader;
    this.timestampColumn = rules.keepTimestamps && format.columns.timestamp !== null ? format.columns.timestamp : -1;
    this.columns = new RatingColumnsBuilder(expectedRows, this.timestampColumn >= 0, allocate);
    const scale = rules.scale;
    this.kernel = new LineKernel({
      fieldCount: format.fieldCount,
      user: format.columns.user,
      item: format.columns.item,
      rating: format.columns.rating,
      timestamp: this.timestampColumn,
      delimiter: this.delim,
      // Too large a rating leaves the fast path too, to be refused with its text by the general one.
      lo: Math.max(scale ? scale.min : -Infinity, -MAX_RATING_MAGNITUDE),
      hi: Math.min(scale ? scale.max : Infinity, MAX_RATING_MAGNITUDE),
    });
  }

  /** The buffer scanChunks must read the file into (the line kernel's own memory). */
  get readBuffer(): Buffer {
    return this.kernel.buffer;
  }

  get rows(): number {
    return this.columns.length;
  }

  /**
   * Parses the whole lines in [start, end) of `readBuffer` (bound, for scanChunks). The common
   * line — plain numbers, canonical integer ids, a one- or two-byte delimiter — is parsed by the
   * WebAssembly line kernel (wasm/line-kernel.wat) in one pass over its bytes; any other line
   * (header, blank, quoted, text ids, errors) goes through the general `onLine`, which gives the
   * same result, only slower. The kernel yields raw integer ids; coding them here keeps one
   * IdCoder, so codes follow first appearance whichever path read a line.
   */
  readonly parseLines = (buf: Buffer, start: number, end: number, linesBefore: number): number => {
    if (buf.buffer !== this.kernel.buffer.buffer) throw new Error('RatingsParser.parseLines reads only its own readBuffer');
    const out = this.columns;
    const k = this.kernel;
    const { users: rawUsers, items: rawItems, ratings: rawRatings, timestamps: rawTimestamps } = k;
    const userCoder = this.userCoder;
    const itemCoder = this.itemCoder;
    let line = linesBefore;
    let i = start;
    while (i < end) {
      if (this.headerPending) {
        i = this.slowLine(buf, i, end, ++line);
        continue;
      }
      // The kernel fills at most the room left; the columns grow only when it is none. (Reserving
      // for a chunk's shortest possible rows grew well-estimated columns near the end of every
      // file: a copy, and in an arena a region left behind.)
      if (out.length === out.capacity) out.reserve(k.capacity);
      const cap = Math.min(k.capacity, out.capacity - out.length);
      const rows = k.parse(i, end, cap);
      const n = out.length;
      userCoder.codeIntegers(rawUsers, rows, out.users, n);
      itemCoder.codeIntegers(rawItems, rows, out.items, n);
      out.ratings.set(rawRatings.subarray(0, rows), n);
      out.timestamps?.set(rawTimestamps.subarray(0, rows), n);
      out.length = n + rows;
      line += rows;
      i = k.stop;
      if (i < end && rows < cap) i = this.slowLine(buf, i, end, ++line);
    }
    return line - linesBefore;
  };

  /** Hands the line starting at `lineStart` to onLine; returns where the next line starts. */
  private slowLine(buf: Buffer, lineStart: number, end: number, line: number): number {
    let nl = buf.indexOf(0x0a, lineStart);
    if (nl === -1 || nl >= end) nl = end;
    this.onLine(buf, lineStart, nl > lineStart && buf[nl - 1] === 0x0d ? nl - 1 : nl, line);
    return nl + 1;
  }

  /** The general path for one line (without its line break). */
  readonly onLine = (buf: Buffer, start: number, end: number, line: number): void => {
    while (start < end && buf[start] === 0x20) start++;
    if (start === end) return; // blank lines carry nothing; skipping them is not an error
    if (end - start > MAX_LINE_BYTES) {
      throw new DataImportError('line-too-long', this.file, line, `line longer than ${MAX_LINE_BYTES >> 20} MB: not a ratings file?`);
    }
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
    if (Number.isNaN(rating)) return this.bad(buf, start, end, line, rs === re ? 'missing rating' : `rating "${showText(buf.toString('utf8', rs, re))}" is not a number`);
    const tooLarge = ratingValueProblem(rating);
    if (tooLarge) return this.bad(buf, start, end, line, `rating ${showText(buf.toString('utf8', rs, re))} ${tooLarge}`);
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

    this.columns.push(
      userNumber >= 0 ? this.userCoder.codeOfInteger(userNumber) : this.codeText(this.userCoder, buf, columns.user),
      itemNumber >= 0 ? this.itemCoder.codeOfInteger(itemNumber) : this.codeText(this.itemCoder, buf, columns.item),
      rating,
      timestamp,
    );
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
  if (e - s > MAX_ID_BYTES) return `is longer than ${MAX_ID_BYTES} bytes`;
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
