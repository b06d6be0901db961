/**
 * Reading ratings files into a RatingsDataset: the one entry point the CLI, the app's import
 * screen and the benchmarks share. Formats are recognised from the bytes (see sniff.ts); every
 * failure is a DataImportError whose message is one line naming file, line and problem.
 */
import type { FileHandle } from 'node:fs/promises';
import { type RatingsDataset, ratingStats } from '../dataset.ts';
import type { ColumnArena } from './columns.ts';
import { dropDuplicatePairs, type RatingColumns } from './dedupe.ts';
import { DataImportError } from './errors.ts';
import { openRegularFile, UnreadableFileError } from './regular-file.ts';
import { IdCoder } from './id-coder.ts';
import { scanChunks } from './line-reader.ts';
import { type BadRowPolicy, RatingsParser } from './ratings-parser.ts';
import { type Delimiter, type DetectedFormat, type FormatOverrides, mapColumns, sniffLayout } from './sniff.ts';
import { attachTitles, findTitlesFileBeside, readTitlesFile } from './titles.ts';

export { DataImportError, type ImportErrorCode } from './errors.ts';
export type { BadRowPolicy } from './ratings-parser.ts';
export type { ColumnArena } from './columns.ts';
export { attachTitles, findTitlesFileBeside, type ItemTitles, readTitlesFile } from './titles.ts';
export type { ColumnMapping, ColumnRef, Delimiter, DetectedFormat, FormatKind, FormatOverrides } from './sniff.ts';

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface ImportOptions extends FormatOverrides {
  /** 'fail' (default): stop at the first bad row; 'skip': count bad rows and go on. */
  badRows?: BadRowPolicy;
  /** How many skipped-row messages the summary keeps (default 20). */
  maxBadRowExamples?: number;
  /** Ratings outside [min, max] are bad rows. Default: any number within ±1,000,000 (data/rating-value.ts). */
  scale?: { min: number; max: number };
  /** Keep the timestamp column when there is one (default true; the time split needs it). */
  timestamps?: boolean;
  /**
   * A titles file (u.item, movies.dat, movies.csv, or a CSV with id and title columns); default:
   * the one MovieLens ships beside the ratings file, if present; false: none.
   */
  titles?: string | false;
  /**
   * Allocate the users/items/ratings (and timestamps) columns over SharedArrayBuffers, so worker
   * threads can read them in place (the fused trainer does); default false.
   */
  sharedMemory?: boolean;
  /**
   * Allocate the columns in this arena's memory instead (the fused engine's: engine/fused/arena.ts),
   * where its kernel blocks them in place; overrides sharedMemory.
   */
  arena?: ColumnArena;
  /** Called about every 4 MB read. */
  onProgress?: (p: ImportProgress) => void;
  /** Aborting makes the import reject with a DataImportError of code 'cancelled'. */
  signal?: AbortSignal;
}

export interface ImportSummary {
  file: string;
  /** Rows kept (after bad rows and duplicates were dropped). */
  rows: number;
  users: number;
  items: number;
  /** Earlier ratings of a (user, item) pair that a later line replaced. */
  duplicates: number;
  /** Bad rows skipped (always 0 with badRows 'fail'). */
  skipped: number;
  /** Up to maxBadRowExamples one-line messages about skipped rows. */
  badRowExamples: string[];
  /** How the file was read: its kind, delimiter, header and column mapping. */
  format: DetectedFormat;
  ratingMin: number;
  ratingMax: number;
  ratingMean: number;
  hasTimestamps: boolean;
  /** The titles file read, and how many items it gave a title. */
  titlesFile: string | null;
  titled: number;
  bytes: number;
  seconds: number;
}

export interface ImportResult {
  data: RatingsDataset;
  summary: ImportSummary;
}

const SAMPLE_BYTES = 64 << 10;
const PREVIEW_ROWS = 20;

export interface FilePreview {
  file: string;
  bytes: number;
  /** Rough row count from the sample's mean line length (for "about 25M rows"). */
  estimatedRows: number;
  delimiter: Delimiter;
  hasHeader: boolean;
  header: string[] | null;
  fieldCount: number;
  /** The first data rows, split into fields. */
  rows: string[][];
  /** The format with its suggested column mapping, or null when no mapping could be found… */
  format: DetectedFormat | null;
  /** …and then why, as a one-line message (the user maps columns and previews again). */
  problem: string | null;
  /** The titles file that would be read by default. */
  titlesFile: string | null;
}

/**
 * The import dialog's preview: detected layout, the first rows and a suggested column mapping.
 * Pass the user's choices (delimiter, header, columns) back in to preview again, then the same
 * options to readRatingsFile. Rejects with DataImportError only when the file cannot be read as
 * text at all (missing, empty, binary, wrong encoding).
 */
export async function previewFile(path: string, overrides: FormatOverrides = {}): Promise<FilePreview> {
  const fh = await openForReading(path);
  try {
    const { size } = await fh.stat();
    const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    await fh.read(sample, 0, sample.length, 0);
    const layout = sniffLayout(path, sample, size <= SAMPLE_BYTES, overrides);
    let format: DetectedFormat | null = null;
    let problem: string | null = null;
    try {
      format = mapColumns(path, layout, overrides);
    } catch (e) {
      if (!(e instanceof DataImportError)) throw e;
      problem = e.message;
    }
    return {
      file: path,
      bytes: size,
      estimatedRows: Math.round(size / layout.bytesPerLine) - (layout.hasHeader ? 1 : 0),
      delimiter: layout.delimiter,
      hasHeader: layout.hasHeader,
      header: layout.header,
      fieldCount: layout.fieldCount,
      rows: layout.rows.slice(0, PREVIEW_ROWS),
      format,
      problem,
      titlesFile: findTitlesFileBeside(path),
    };
  } finally {
    await fh.close();
  }
}

export async function readRatingsFile(path: string, options: ImportOptions = {}): Promise<ImportResult> {
  const started = performance.now();
  const coders = { user: new IdCoder(), item: new IdCoder() };
  const parsed = await parseFile(path, options, coders);
  const data: RatingsDataset = { ...parsed.columns, userIds: coders.user.ids(), itemIds: coders.item.ids() };
  const titles = await titlesFor(path, data, options);
  return { data, summary: summarize(parsed, data, titles, started) };
}

export interface TrainValidResult {
  /** Both share one id space: a code means the same user (item) in train and in valid. */
  train: RatingsDataset;
  valid: RatingsDataset;
  summary: { train: ImportSummary; valid: ImportSummary };
}

/**
 * A split given as two files (MovieLens u1.base + u1.test, or train.csv + valid.csv), coded with
 * one id map so the model trained on one can be scored on the other. Duplicates are resolved
 * within each file; a pair present in both files stays in both, as the files say.
 */
export async function readTrainValidFiles(trainPath: string, validPath: string, options: ImportOptions = {}): Promise<TrainValidResult> {
  const started = performance.now();
  const coders = { user: new IdCoder(), item: new IdCoder() };
  const trainParsed = await parseFile(trainPath, options, coders);
  const validParsed = await parseFile(validPath, options, coders);
  const userIds = coders.user.ids();
  const itemIds = coders.item.ids();
  const train: RatingsDataset = { ...trainParsed.columns, userIds, itemIds };
  const valid: RatingsDataset = { ...validParsed.columns, userIds, itemIds };
  const titles = await titlesFor(trainPath, train, options);
  if (train.itemTitles) valid.itemTitles = train.itemTitles;
  if (train.itemGenres) valid.itemGenres = train.itemGenres;
  return {
    train,
    valid,
    summary: { train: summarize(trainParsed, train, titles, started), valid: summarize(validParsed, valid, titles, started) },
  };
}

interface ParsedFile {
  path: string;
  size: number;
  format: DetectedFormat;
  columns: RatingColumns;
  duplicates: number;
  skipped: number;
  badRowExamples: string[];
}

async function parseFile(path: string, options: ImportOptions, coders: { user: IdCoder; item: IdCoder }): Promise<ParsedFile> {
  const fh = await openForReading(path);
  let stopPrefault = () => {};
  try {
    const { size } = await fh.stat();
    const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    await fh.read(sample, 0, sample.length, 0);
    const layout = sniffLayout(path, sample, size <= SAMPLE_BYTES, options);
    const format = mapColumns(path, layout, options);
    const rules = {
      badRows: options.badRows ?? 'fail',
      maxBadRowExamples: options.maxBadRowExamples ?? 20,
      scale: options.scale,
      keepTimestamps: options.timestamps ?? true,
    };
    const memory = options.arena ?? (options.sharedMemory ? 'shared' : 'plain');
    const parser = new RatingsParser(path, format, rules, await estimateRows(fh, size, layout.bytesPerLine), coders, memory);
    stopPrefault = () => parser.columns.stopPrefault();
    await scanChunks(
      path,
      fh,
      {
        start: layout.bomLength,
        buffer: parser.readBuffer,
        signal: options.signal,
        onChunk: (bytesRead) => options.onProgress?.({ bytesRead, totalBytes: size, rows: parser.rows }),
      },
      parser.parseLines,
    );
    if (parser.rows === 0) {
      const problem = parser.skipped > 0 ? `all ${parser.skipped} rows are bad, e.g. ${parser.badRowExamples[0]}` : 'the file has a header but no rating rows';
      throw new DataImportError(parser.skipped > 0 ? 'bad-row' : 'header-only', path, null, problem);
    }
    const { data: columns, duplicates } = dropDuplicatePairs(parser.columns.finish(), coders.user.size, coders.item.size);
    options.onProgress?.({ bytesRead: size, totalBytes: size, rows: columns.ratings.length });
    return { path, size, format, columns, duplicates, skipped: parser.skipped, badRowExamples: parser.badRowExamples };
  } finally {
    stopPrefault();
    await fh.close();
  }
}

async function titlesFor(path: string, data: RatingsDataset, options: ImportOptions): Promise<{ file: string | null; titled: number }> {
  const file = options.titles === false ? null : (options.titles ?? findTitlesFileBeside(path));
  return { file, titled: file ? attachTitles(data, await readTitlesFile(file)) : 0 };
}

function summarize(p: ParsedFile, data: RatingsDataset, titles: { file: string | null; titled: number }, started: number): ImportSummary {
  const stats = ratingStats(data);
  return {
    file: p.path,
    rows: data.ratings.length,
    users: data.userIds.length,
    items: data.itemIds.length,
    duplicates: p.duplicates,
    skipped: p.skipped,
    badRowExamples: p.badRowExamples,
    format: p.format,
    ratingMin: stats.min,
    ratingMax: stats.max,
    ratingMean: stats.mean,
    hasTimestamps: data.timestamps !== undefined,
    titlesFile: titles.file,
    titled: titles.titled,
    bytes: p.size,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Rows to allocate for: the file size over the mean line length of three samples (start, middle,
 * end — ids grow longer down a sorted file), plus 3%. A close estimate means no growth copies.
 */
async function estimateRows(fh: FileHandle, size: number, bytesPerLineAtStart: number): Promise<number> {
  let bytes = 0;
  let lines = 0;
  const probe = Buffer.alloc(SAMPLE_BYTES);
  for (const at of [size / 2, size - SAMPLE_BYTES]) {
    if (at <= SAMPLE_BYTES) continue;
    const { bytesRead } = await fh.read(probe, 0, SAMPLE_BYTES, Math.floor(at));
    const first = probe.indexOf(0x0a);
    const last = probe.subarray(0, bytesRead).lastIndexOf(0x0a);
    for (let i = first; i >= 0 && i < last; i = probe.indexOf(0x0a, i + 1)) lines++;
    bytes += last - first;
  }
  const perLine = lines > 0 ? (bytes / lines + bytesPerLineAtStart) / 2 : bytesPerLineAtStart;
  return Math.ceil((size / perLine) * 1.03) + 1024;
}

/** Only a regular file is read (a FIFO would hang the import, /dev/zero never end). */
async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await openRegularFile(path);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new DataImportError(e.code === 'not-found' ? 'not-found' : 'unreadable', path, null, e.problem);
    throw e;
  }
}
