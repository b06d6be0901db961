/**
 * Side features: what a file says about items (genres, year) or users (age, gender, occupation),
 * read into a compact typed table — per feature a kind, a vocabulary and int codes (CSR for
 * multi-valued ones) or float32 numbers with their mean and std — keyed by the file's own ids.
 * features-join.ts maps it onto a ratings dataset's codes. Code 0 of every vocabulary is
 * "(unknown)": an empty cell, and later an entity the file does not list.
 *
 * Feature files are small (ml-25m's movies.csv is 3 MB), so they are read whole, under a cap;
 * every size — file, line, columns, values per cell, vocabulary — is bounded before it is
 * allocated, and every bad row is a DataImportError naming file:line, as the ratings importer's.
 */
import { TextDecoder } from 'node:util';
import { DataImportError, formatImportMessage, showText } from './errors.ts';
import { FieldBounds, fieldText, splitFields, UNTERMINATED_QUOTE } from './fields.ts';
import { detectLayout, type FeatureKind, type FeatureLayout, type FeatureSource, type LayoutOverrides } from './features-layout.ts';
import { readRegularFile, UnreadableFileError } from './regular-file.ts';
import { refuseNonText } from './sniff.ts';
import { isUtf8, splitLines } from './titles.ts';

export type { ColumnChoice, FeatureKind, LayoutOverrides } from './features-layout.ts';

/** Code 0 of every vocabulary. */
export const UNKNOWN = '(unknown)';

export const FEATURE_LIMITS = {
  /** Bytes of a feature file (ml-25m's movies.csv: 3 MB; a million users × 10 columns: ~60 MB). */
  fileBytes: 128 << 20,
  /** A longer line is not a row of side features. */
  lineBytes: 64 << 10,
  /** Distinct values of one categorical or multi-valued feature (ml-25m has 20 genres, 1,000+ tags). */
  vocabulary: 65_536,
  /** Values in one multi-valued cell. */
  valuesPerCell: 64,
  idBytes: 256,
  /** Larger numbers are ids or sums of money in cents, not something to normalise in float32. */
  numberMagnitude: 1e12,
} as const;

/** An auto-detected text column with more distinct values than this and than half its rows is free text or an id. */
const AUTO_MAX_SHARED = 20;

interface FeatureBase {
  name: string;
  /** Rows whose value is unknown (empty cell; after a join, also entities the file lacks). */
  unknown: number;
}
export interface CategoricalFeature extends FeatureBase {
  kind: 'categorical';
  /** vocabulary[0] is UNKNOWN. */
  vocabulary: string[];
  /** One code per row. */
  codes: Int32Array;
}
/** Multi-valued ("Action|Comedy"), stored CSR: row r's codes are codes[offsets[r] … offsets[r+1]); never empty (unknown is [0]). */
export interface MultiFeature extends FeatureBase {
  kind: 'multi';
  vocabulary: string[];
  offsets: Int32Array;
  codes: Int32Array;
}
export interface NumericFeature extends FeatureBase {
  kind: 'numeric';
  /** NaN where unknown. */
  values: Float32Array;
  /** Of the known values: (x − mean) / std is what a model takes, 0 where unknown. */
  mean: number;
  std: number;
}
export type Feature = CategoricalFeature | MultiFeature | NumericFeature;

export interface FeatureTable {
  file: string;
  format: string;
  label: string;
  encoding: 'utf-8' | 'latin1';
  /** The id of each row, in file order. */
  ids: string[];
  features: Feature[];
  /** Columns not read as features, and why. */
  skippedColumns: { column: string; reason: string }[];
  /** Rows dropped (badRows 'skip') and cells read as unknown because they were bad. */
  skippedRows: number;
  badCells: number;
  badRowExamples: string[];
  bytes: number;
  seconds: number;
}

export interface FeatureImportOptions extends LayoutOverrides {
  /** 'fail' (default): stop at the first bad row; 'skip': drop bad rows and read bad cells as unknown. */
  badRows?: 'fail' | 'skip';
  maxBadRowExamples?: number;
}

/** (x − mean) / std of a numeric feature's row, 0 (the mean) where unknown. */
export function normalised(f: NumericFeature, row: number): number {
  const x = f.values[row];
  return Number.isNaN(x) ? 0 : (x - f.mean) / (f.std > 0 ? f.std : 1);
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export async function readFeatureFile(path: string, options: FeatureImportOptions = {}): Promise<FeatureTable> {
  const started = performance.now();
  const bytes = await readCapped(path);
  if (bytes.length === 0) throw new DataImportError('empty', path, null, 'the features file is empty');
  refuseNonText(path, bytes.subarray(0, 64 << 10));
  const encoding = isUtf8(bytes) ? 'utf-8' : 'latin1';
  const reader = new RowReader(path, bytes, new TextDecoder(encoding), options);
  const rows = reader.read();
  const features: Feature[] = [];
  const skippedColumns = [...reader.layout.skipped];
  reader.layout.sources.forEach((source, s) => {
    const choice = source.kind ?? autoKind(rows.cells[s]);
    if (typeof choice !== 'string') skippedColumns.push({ column: source.name, reason: choice.skip });
    else features.push(encode(source, choice, rows.cells[s], rows.lines, reader));
  });
  return {
    file: path, format: reader.layout.format, label: reader.layout.label, encoding, ids: rows.ids, features, skippedColumns,
    skippedRows: reader.skippedRows, badCells: reader.badCells, badRowExamples: reader.examples,
    bytes: bytes.length, seconds: (performance.now() - started) / 1000,
  };
}

async function readCapped(path: string): Promise<Buffer> {
  try {
    return await readRegularFile(path, FEATURE_LIMITS.fileBytes, 'a features file');
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    throw new DataImportError(e.code === 'not-found' ? 'not-found' : 'unreadable', path, null, e.problem);
  }
}

interface Rows {
  ids: string[];
  /** 1-based line of each row. */
  lines: number[];
  /** Per source, per row: the cell's text ('' = none). */
  cells: string[][];
}

/** Lines → ids and raw cells, with the bad-row policy; later steps report bad cells through it too. */
class RowReader {
  readonly layout: FeatureLayout;
  skippedRows = 0;
  badCells = 0;
  readonly examples: string[] = [];
  private readonly lines: [number, number][];
  private readonly bounds = new FieldBounds();
  private readonly firstLine: number;

  constructor(
    readonly file: string,
    private readonly bytes: Buffer,
    private readonly decoder: TextDecoder,
    private readonly options: FeatureImportOptions,
  ) {
    this.lines = splitLines(bytes);
    this.firstLine = this.lines.findIndex(([s, e]) => this.text(s, e).trim() !== '');
    if (this.firstLine < 0) throw new DataImportError('empty', file, null, 'the features file holds only blank lines');
    const [s, e] = this.checkedLine(this.firstLine);
    const first = this.text(s, e);
    const split = (d: string) => {
      const f = this.fields(s, e, Buffer.from(d, 'latin1'));
      return typeof f === 'string' ? [first] : f;
    };
    this.layout = detectLayout(file, first, this.firstLine + 1, split, options);
  }

  read(): Rows {
    const { layout } = this;
    const delim = Buffer.from(layout.delimiter, 'latin1');
    const rows: Rows = { ids: [], lines: [], cells: layout.sources.map(() => []) };
    const lineOfId = new Map<string, number>();
    for (let l = this.firstLine + (layout.hasHeader ? 1 : 0); l < this.lines.length; l++) {
      const [s, e] = this.checkedLine(l);
      const line = l + 1;
      const whole = this.text(s, e);
      if (whole.trim() === '') continue;
      const fields = this.fields(s, e, delim);
      if (typeof fields === 'string') {
        this.bad(line, fields, whole);
        continue;
      }
      if (fields.length !== layout.fieldCount) {
        this.bad(line, `expected ${layout.fieldCount} fields, found ${fields.length}`, whole);
        continue;
      }
      const id = fields[layout.idColumn];
      const idProblem = problemOfId(id);
      if (idProblem) {
        this.bad(line, `the id ${idProblem}`, whole);
        continue;
      }
      const before = lineOfId.get(id);
      if (before !== undefined) {
        this.bad(line, `id "${showText(id)}" is listed again (first on line ${before})`, whole);
        continue;
      }
      lineOfId.set(id, line);
      rows.ids.push(id);
      rows.lines.push(line);
      layout.sources.forEach((source, k) => rows.cells[k].push(source.cell(fields).trim()));
    }
    if (rows.ids.length === 0) {
      if (this.skippedRows > 0) throw new DataImportError('bad-row', this.file, null, `all ${this.skippedRows} rows are bad, e.g. ${this.examples[0]}`);
      throw new DataImportError('header-only', this.file, null, 'the features file has a header but no rows');
    }
    return rows;
  }

  /** A bad row: thrown, or counted and dropped. */
  bad(line: number, problem: string, text?: string): void {
    const shown = text === undefined ? undefined : showText(text);
    if ((this.options.badRows ?? 'fail') === 'fail') throw new DataImportError('bad-row', this.file, line, problem, shown);
    this.skippedRows++;
    this.example(line, problem, shown);
  }

  /** A bad cell of a kept row: thrown, or counted and read as unknown. */
  badCell(line: number, problem: string): void {
    if ((this.options.badRows ?? 'fail') === 'fail') throw new DataImportError('bad-row', this.file, line, problem);
    this.badCells++;
    this.example(line, problem);
  }

  private example(line: number, problem: string, text?: string): void {
    if (this.examples.length < (this.options.maxBadRowExamples ?? 20)) this.examples.push(formatImportMessage(this.file, line, problem, text));
  }

  private checkedLine(l: number): [number, number] {
    const [s, e] = this.lines[l];
    if (e - s > FEATURE_LIMITS.lineBytes) {
      throw new DataImportError('line-too-long', this.file, l + 1, `line longer than ${FEATURE_LIMITS.lineBytes >> 10} KB: not a features file?`);
    }
    return [s, e];
  }

  private text(s: number, e: number): string {
    return this.decoder.decode(this.bytes.subarray(s, e));
  }

  /** The fields of bytes [s, e), or the problem when its quotes are broken. */
  private fields(s: number, e: number, delim: Buffer): string[] | string {
    const n = splitFields(this.bytes, s, e, delim, this.bounds);
    if (n < 0) return n === UNTERMINATED_QUOTE ? 'unterminated quoted field' : 'text after a closing quote';
    // More fields than FieldBounds holds is refused by the field count check; the count is enough.
    return Array.from({ length: n }, (_, f) => (f < 256 ? fieldText(this.bytes, this.bounds, f, this.decoder) : ''));
  }
}

function problemOfId(id: string): string | null {
  if (id === '') return 'is empty';
  if (Buffer.byteLength(id) > FEATURE_LIMITS.idBytes) return `is longer than ${FEATURE_LIMITS.idBytes} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'contains a control character';
  return null;
}

/** A header column's kind from its values, or why it is left out. */
export function autoKind(cells: readonly string[]): FeatureKind | { skip: string } {
  const present = cells.filter((c) => c !== '');
  if (present.length === 0) return { skip: 'no values' };
  if (present.every((c) => NUMBER.test(c))) return 'numeric';
  if (present.some((c) => c.includes('|'))) return 'multi';
  const distinct = new Set(present).size;
  if (distinct > AUTO_MAX_SHARED && distinct > present.length / 2) {
    return { skip: `${distinct} distinct values in ${present.length} rows: free text or an id, not something rows share (map it as categorical to use it)` };
  }
  return 'categorical';
}

function encode(source: FeatureSource, kind: FeatureKind, cells: string[], lines: number[], rows: RowReader): Feature {
  switch (kind) {
    case 'numeric': return encodeNumeric(source.name, cells, lines, rows);
    case 'categorical': return encodeCategorical(source, cells, lines, rows.file);
    case 'multi': return encodeMulti(source, cells, lines, rows);
  }
}

/** Codes by first appearance, 0 = UNKNOWN, refusing a vocabulary past the cap at the line that crosses it. */
class Vocabulary {
  readonly values = [UNKNOWN];
  private readonly codes = new Map<string, number>([[UNKNOWN, 0]]);
  constructor(private readonly file: string, private readonly name: string, known: readonly string[] = []) {
    for (const v of known) this.code(v, 0);
  }

  code(value: string, line: number): number {
    let c = this.codes.get(value);
    if (c === undefined) {
      if (this.values.length > FEATURE_LIMITS.vocabulary) {
        throw new DataImportError('bad-option', this.file, line, `"${this.name}" has more than ${FEATURE_LIMITS.vocabulary.toLocaleString('en-US')} distinct values: too many for a categorical feature (leave the column out)`);
      }
      c = this.values.length;
      this.codes.set(value, c);
      this.values.push(value);
    }
    return c;
  }
}

function encodeCategorical({ name, vocabulary: known }: FeatureSource, cells: string[], lines: number[], file: string): CategoricalFeature {
  const vocabulary = new Vocabulary(file, name, known);
  const codes = new Int32Array(cells.length);
  let unknown = 0;
  cells.forEach((c, r) => {
    codes[r] = c === '' ? 0 : vocabulary.code(c, lines[r]);
    if (codes[r] === 0) unknown++;
  });
  return { name, kind: 'categorical', vocabulary: vocabulary.values, codes, unknown };
}

function encodeMulti({ name, vocabulary: known }: FeatureSource, cells: string[], lines: number[], rows: RowReader): MultiFeature {
  const vocabulary = new Vocabulary(rows.file, name, known);
  const offsets = new Int32Array(cells.length + 1);
  const codes: number[] = [];
  let unknown = 0;
  cells.forEach((c, r) => {
    let values = [...new Set(c.split('|').map((v) => v.trim()).filter((v) => v !== '' && v !== UNKNOWN))];
    if (values.length > FEATURE_LIMITS.valuesPerCell) {
      rows.badCell(lines[r], `"${name}" lists ${values.length} values: at most ${FEATURE_LIMITS.valuesPerCell} are read per row`);
      values = [];
    }
    if (values.length === 0) {
      codes.push(0);
      unknown++;
    } else for (const v of values) codes.push(vocabulary.code(v, lines[r]));
    offsets[r + 1] = codes.length;
  });
  return { name, kind: 'multi', vocabulary: vocabulary.values, offsets, codes: Int32Array.from(codes), unknown };
}

function encodeNumeric(name: string, cells: string[], lines: number[], rows: RowReader): NumericFeature {
  const values = new Float32Array(cells.length).fill(NaN);
  cells.forEach((c, r) => {
    if (c === '') return;
    const x = NUMBER.test(c) ? Number(c) : NaN;
    if (Number.isNaN(x)) rows.badCell(lines[r], `"${name}" is "${showText(c)}", not a number (map the column as categorical if it is a label)`);
    else if (!(Math.abs(x) <= FEATURE_LIMITS.numberMagnitude)) rows.badCell(lines[r], `"${name}" is ${showText(c)}: beyond ±10^12, too large for a numeric feature`);
    else values[r] = x;
  });
  return { name, kind: 'numeric', values, ...meanStd(values) };
}

/** Mean and (population) std of the known values, and how many are unknown. */
export function meanStd(values: Float32Array): { mean: number; std: number; unknown: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const x of values) {
    if (Number.isNaN(x)) continue;
    n++;
    sum += x;
    sq += x * x;
  }
  const mean = n ? sum / n : 0;
  return { mean, std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0, unknown: values.length - n };
}
