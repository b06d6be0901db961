/**
 * Recognising a ratings file from its first bytes: refusing what is not text (binary, zip,
 * UTF-16, invalid UTF-8) with a message saying what it is, then finding the delimiter, whether the
 * first line is a header, and which columns hold user, item, rating and timestamp.
 */
import { parseDecimal } from './bytes.ts';
import { DataImportError, showText } from './errors.ts';
import { FieldBounds, fieldText, splitFields } from './fields.ts';

export type Delimiter = ',' | '\t' | '::' | ';' | '|' | ' ';
export type FormatKind = 'movielens-100k' | 'movielens-dat' | 'movielens-csv' | 'delimited';

/** Column indices (0-based) of the fields a ratings row needs. */
export interface ColumnMapping {
  user: number;
  item: number;
  rating: number;
  timestamp: number | null;
}

/** A column named by its header text or by its 0-based index. */
export type ColumnRef = string | number;

export interface FormatOverrides {
  delimiter?: Delimiter;
  hasHeader?: boolean;
  columns?: { user: ColumnRef; item: ColumnRef; rating: ColumnRef; timestamp?: ColumnRef | null };
}

export interface DetectedFormat {
  kind: FormatKind;
  /** For people: "MovieLens u.data (tab-separated, no header)". */
  label: string;
  delimiter: Delimiter;
  hasHeader: boolean;
  /** Header names, or null without a header. */
  header: string[] | null;
  fieldCount: number;
  columns: ColumnMapping;
}

const CANDIDATES: Delimiter[] = ['::', '\t', ',', ';', '|', ' '];
const SAMPLE_LINES = 50;

const NAMES: Record<keyof ColumnMapping, string[]> = {
  user: ['user', 'userid', 'users', 'uid', 'username', 'customer', 'customerid', 'reviewer', 'reviewerid', 'rater', 'raterid', 'member', 'memberid', 'u'],
  item: ['item', 'itemid', 'items', 'iid', 'movie', 'movieid', 'movies', 'film', 'filmid', 'product', 'productid', 'asin', 'book', 'bookid', 'isbn', 'track', 'trackid', 'song', 'songid', 'artist', 'artistid', 'game', 'gameid', 'anime', 'animeid', 'recipe', 'recipeid', 'business', 'businessid', 'i'],
  rating: ['rating', 'ratings', 'score', 'stars', 'star', 'value', 'rate', 'grade', 'overall', 'r'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime', 'unixtime', 'unixreviewtime'],
};
const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** What the first lines say before any column is chosen: enough for a preview. */
export interface Layout {
  delimiter: Delimiter;
  hasHeader: boolean;
  header: string[] | null;
  fieldCount: number;
  /** 1-based line number of the first non-blank line (the header, when there is one). */
  firstLine: number;
  firstText: string;
  bomLength: number;
  bytesPerLine: number;
  /** Data rows of the sample, split into fields. */
  rows: string[][];
}

export function sniffLayout(file: string, sample: Buffer, sampleIsWholeFile: boolean, overrides: FormatOverrides = {}): Layout {
  const bomLength = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
  refuseNonText(file, sample);
  const lines = sampleLines(file, sample, bomLength, sampleIsWholeFile);
  const nonBlank = lines.filter((l) => l.text.trim() !== '');
  if (nonBlank.length === 0) throw new DataImportError('empty', file, null, sample.length === 0 ? 'the file is empty' : 'the file holds only blank lines');

  const delimiter = overrides.delimiter ?? chooseDelimiter(nonBlank.map((l) => l.bytes));
  const delimBytes = Buffer.from(delimiter, 'latin1');
  const bounds = new FieldBounds();
  const rows = nonBlank.map((l) => {
    const n = splitFields(l.bytes, 0, l.bytes.length, delimBytes, bounds);
    return n < 0 ? [l.text] : Array.from({ length: Math.min(n, 256) }, (_, f) => fieldText(l.bytes, bounds, f));
  });
  const hasHeader = overrides.hasHeader ?? looksLikeHeader(rows[0], rows[1]);
  if (hasHeader && rows.length === 1 && sampleIsWholeFile) {
    throw new DataImportError('header-only', file, nonBlank[0].line, 'the file has a header but no rating rows', showText(nonBlank[0].text));
  }
  const sampleBytes = lines.reduce((sum, l) => sum + l.bytes.length + 1, 0);
  return {
    delimiter,
    hasHeader,
    header: hasHeader ? rows[0] : null,
    fieldCount: rows[0].length,
    firstLine: nonBlank[0].line,
    firstText: nonBlank[0].text,
    bomLength,
    bytesPerLine: lines.length ? sampleBytes / lines.length : 32,
    rows: hasHeader ? rows.slice(1) : rows,
  };
}

/** The format of a layout once user, item and rating columns are found (or given). */
export function mapColumns(file: string, layout: Layout, overrides: FormatOverrides = {}): DetectedFormat {
  const { delimiter, hasHeader, header, fieldCount } = layout;
  const columns = header
    ? mapByHeader(file, layout.firstLine, header, overrides.columns)
    : mapByPosition(file, layout.firstLine, layout.firstText, fieldCount, overrides.columns);
  const kind = formatKind(delimiter, header, fieldCount);
  return { kind, label: describe(kind, delimiter, hasHeader), delimiter, hasHeader, header, fieldCount, columns };
}

export function refuseNonText(file: string, sample: Buffer): void {
  const magic = sample.subarray(0, 4).toString('latin1');
  if (magic.startsWith('PK\x03\x04')) {
    throw new DataImportError('binary', file, null, 'this is a zip archive (or an .xlsx workbook): extract the ratings file first, or open a workbook with "Open Excel workbook"');
  }
  if (magic.startsWith('\x1f\x8b')) throw new DataImportError('binary', file, null, 'this is a gzip-compressed file: decompress it first');
  if (magic.startsWith('\xff\xfe') || magic.startsWith('\xfe\xff')) {
    throw new DataImportError('encoding', file, null, 'the file is UTF-16 text: save it as UTF-8 (or CSV UTF-8) and import again');
  }
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i];
    if (c === 0) throw new DataImportError('binary', file, lineOf(sample, i), 'the file is binary, not text (it contains NUL bytes)');
    if (c < 0x09 || (c > 0x0d && c < 0x20)) control++;
  }
  if (control > 8 && control > sample.length / 100) throw new DataImportError('binary', file, null, 'the file is binary, not text (many control characters)');
}

const lineOf = (buf: Uint8Array, offset: number) => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
  return line;
};

interface SampleLine {
  bytes: Buffer;
  text: string;
  line: number;
}

/** The sample's complete lines (the last, cut one dropped unless the sample is the whole file). */
function sampleLines(file: string, sample: Buffer, bomLength: number, wholeFile: boolean): SampleLine[] {
  const cr = sample.indexOf(0x0d);
  if (sample.indexOf(0x0a) === -1 && cr !== -1 && cr < sample.length - 1) {
    throw new DataImportError('encoding', file, 1, 'lines end with a bare carriage return (old Mac format): convert line endings to LF or CRLF');
  }
  let end = sample.length;
  if (!wholeFile) {
    end = sample.lastIndexOf(0x0a) + 1;
    if (end === 0) throw new DataImportError('line-too-long', file, 1, 'the first line is longer than the sample read: not a ratings file?');
  }
  const lines: SampleLine[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = bomLength;
  let line = 0;
  while (start < end && lines.length < SAMPLE_LINES) {
    let nl = sample.indexOf(0x0a, start);
    if (nl === -1 || nl > end) nl = end;
    let stop = nl;
    if (stop > start && sample[stop - 1] === 0x0d) stop--;
    const bytes = sample.subarray(start, stop);
    line++;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new DataImportError('encoding', file, line, 'not valid UTF-8 text (latin-1 or another encoding?): save the file as UTF-8', showText(bytes.toString('latin1')));
    }
    lines.push({ bytes, text, line });
    start = nl + 1;
  }
  return lines;
}

/**
 * The first candidate that splits every sampled line into the same number (≥ 2) of fields; failing
 * that, the one giving most lines ≥ 3 fields (the field-count check then names the odd line).
 */
function chooseDelimiter(lines: Buffer[]): Delimiter {
  const bounds = new FieldBounds();
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of CANDIDATES) {
    const delim = Buffer.from(d, 'latin1');
    const counts = lines.map((l) => splitFields(l, 0, l.length, delim, bounds));
    if (counts[0] >= 2 && counts.every((c) => c === counts[0])) return d;
    const score = counts.filter((c) => c >= 3).length;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

const isNumber = (s: string) => !Number.isNaN(parseDecimal(Buffer.from(s, 'latin1'), 0, s.length));

/** A header names a known column, or has no numbers where the next line has them. */
function looksLikeHeader(first: string[], second: string[] | undefined): boolean {
  const known = new Set(Object.values(NAMES).flat());
  if (first.some((f) => known.has(normalise(f)) && !isNumber(f))) return true;
  if (!second) return false;
  return first.every((f) => !isNumber(f)) && second.some(isNumber);
}

function resolveRef(file: string, line: number, header: string[] | null, ref: ColumnRef, role: string): number {
  if (typeof ref === 'number') {
    const count = header?.length ?? Infinity;
    if (!Number.isInteger(ref) || ref < 0 || ref >= count) throw new DataImportError('missing-column', file, line, `${role} column ${ref} does not exist`);
    return ref;
  }
  const i = header ? header.findIndex((h) => h === ref || normalise(h) === normalise(ref)) : -1;
  if (i < 0) throw new DataImportError('missing-column', file, line, `no column named "${ref}" for ${role}`, showText(header?.join(', ') ?? ''));
  return i;
}

function mapByHeader(file: string, line: number, header: string[], explicit: FormatOverrides['columns']): ColumnMapping {
  if (explicit) {
    const timestamp = explicit.timestamp == null ? null : resolveRef(file, line, header, explicit.timestamp, 'timestamp');
    return {
      user: resolveRef(file, line, header, explicit.user, 'user'),
      item: resolveRef(file, line, header, explicit.item, 'item'),
      rating: resolveRef(file, line, header, explicit.rating, 'rating'),
      timestamp,
    };
  }
  const names = header.map(normalise);
  const find = (role: keyof ColumnMapping) => names.findIndex((n) => NAMES[role].includes(n));
  const mapping = { user: find('user'), item: find('item'), rating: find('rating') };
  for (const role of ['user', 'item', 'rating'] as const) {
    if (mapping[role] < 0) {
      throw new DataImportError('missing-column', file, line, `the header names no ${role} column: map the columns explicitly`, showText(header.join(', ')));
    }
  }
  const timestamp = find('timestamp');
  return { ...mapping, timestamp: timestamp < 0 ? null : timestamp };
}

function mapByPosition(file: string, line: number, text: string, fieldCount: number, explicit: FormatOverrides['columns']): ColumnMapping {
  if (explicit) {
    const ref = (r: ColumnRef, role: string) => {
      if (typeof r === 'string') throw new DataImportError('missing-column', file, line, `the file has no header, so the ${role} column must be a number, not "${r}"`);
      return resolveRef(file, line, Array.from({ length: fieldCount }, String), r, role);
    };
    return {
      user: ref(explicit.user, 'user'),
      item: ref(explicit.item, 'item'),
      rating: ref(explicit.rating, 'rating'),
      timestamp: explicit.timestamp == null ? null : ref(explicit.timestamp, 'timestamp'),
    };
  }
  if (fieldCount < 3) {
    throw new DataImportError('missing-column', file, line, `expected at least 3 fields (user, item, rating), found ${fieldCount}`, showText(text));
  }
  return { user: 0, item: 1, rating: 2, timestamp: fieldCount >= 4 ? 3 : null };
}

function formatKind(delimiter: Delimiter, header: string[] | null, fieldCount: number): FormatKind {
  if (!header && fieldCount === 4 && delimiter === '\t') return 'movielens-100k';
  if (!header && fieldCount === 4 && delimiter === '::') return 'movielens-dat';
  if (header && delimiter === ',' && header.join(',') === 'userId,movieId,rating,timestamp') return 'movielens-csv';
  return 'delimited';
}

const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', '\t': 'tab', '::': '"::"', ';': 'semicolon', '|': 'pipe', ' ': 'space' };

function describe(kind: FormatKind, delimiter: Delimiter, hasHeader: boolean): string {
  switch (kind) {
    case 'movielens-100k':
      return 'MovieLens u.data (tab-separated, no header)';
    case 'movielens-dat':
      return 'MovieLens ratings.dat ("::"-separated)';
    case 'movielens-csv':
      return 'MovieLens ratings.csv (userId,movieId,rating,timestamp)';
    case 'delimited':
      return `${DELIMITER_NAMES[delimiter]}-separated, ${hasHeader ? 'with' : 'no'} header`;
  }
}
