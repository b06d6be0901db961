/**
 * The contract's data commands: importing ratings (preview, column mapping, bad rows, progress,
 * cancel), splits, the crosstab view of big data with Find, synthetic datasets, projects with
 * autosave and recovery, and Excel. contract.ts merges these into its commands and events; like
 * it, the renderer may only `import type` from here.
 */
import { z } from 'zod';
import type { AppState, StatePatch } from './contract.ts';
import type { SplitSummary } from '../data/split.ts';
import { numberIn, SYNTHETIC_LIMITS, wholeIn } from '../data/synthetic-spec.ts';
import { filePathSchema as path, overwriteSchema as overwrite } from './file-path.ts';
const seed = z.number().int().nonnegative().max(2 ** 32 - 1);
const fraction = z.number().min(0).max(0.5);
const columnRef = z.union([z.string().min(1).max(200), z.number().int().nonnegative().max(255)]);

/** What the user chose in the preview; anything left out is detected from the file. */
export const formatChoiceSchema = z.strictObject({
  delimiter: z.enum([',', '\t', '::', ';', '|', ' ']).optional(),
  hasHeader: z.boolean().optional(),
  columns: z
    .strictObject({ user: columnRef, item: columnRef, rating: columnRef, timestamp: columnRef.nullable().optional() })
    .optional(),
});
export type FormatChoice = z.infer<typeof formatChoiceSchema>;

/**
 * How ratings are held out for validation. random: ARCHITECTURE.md §3's seeded shuffle (the CLI's
 * and the benchmarks' split); time: each user's latest share; files: a second file (MovieLens
 * u1.test beside u1.base).
 */
export const splitChoiceSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('random'), validPct: fraction, seed }),
  z.strictObject({ method: z.literal('time'), validPct: fraction }),
  z.strictObject({ method: z.literal('files'), validPath: path }),
]);
export type SplitChoice = z.infer<typeof splitChoiceSchema>;

export const MAX_CROSSTAB = 100;
const crosstabSize = z.number().int().min(2).max(MAX_CROSSTAB);

export const syntheticSpecSchema = z
  .strictObject({
    users: wholeIn(SYNTHETIC_LIMITS.users),
    items: wholeIn(SYNTHETIC_LIMITS.items),
    /** Exactly one of ratings and density. */
    ratings: wholeIn(SYNTHETIC_LIMITS.ratings).optional(),
    density: z.number().positive().max(1).optional(),
    rank: wholeIn(SYNTHETIC_LIMITS.rank),
    noise: numberIn(SYNTHETIC_LIMITS.noise),
    popularitySkew: numberIn(SYNTHETIC_LIMITS.popularitySkew),
    seed,
  })
  .refine((s) => (s.ratings === undefined) !== (s.density === undefined), 'give either a number of ratings or a density');
export type SyntheticSpec = z.infer<typeof syntheticSpecSchema>;

export const dataCommandArgs = {
  /**
   * The import dialog's preview: the detected format, the first rows and a suggested column
   * mapping (pass the user's choices back to preview again), or what an .xlsx workbook holds.
   */
  previewImport: z.strictObject({ path, format: formatChoiceSchema.optional() }),
  /**
   * Imports a ratings file (or a collab_filter .xlsx) into a new sheet. The current sheet stays
   * until the import succeeds; a bad row stops it with file:line unless badRows is 'skip'.
   */
  importRatings: z.strictObject({
    path,
    format: formatChoiceSchema.optional(),
    /** A titles file; null: none; absent: the one MovieLens ships beside the ratings, if any. */
    titles: path.nullable().optional(),
    badRows: z.enum(['fail', 'skip']),
    split: splitChoiceSchema,
    crosstab: crosstabSize.optional(),
    /** For an .xlsx: which sheet's factors are the starting values (default dotprod). */
    workbookSheet: z.enum(['dotprod', 'bias']).optional(),
    /** Side features (issue 15): u.item, movies.csv/.dat or a CSV/TSV keyed by movie id; null/absent: none. */
    itemFeatures: path.nullable().optional(),
    /** u.user, users.dat or a CSV/TSV keyed by user id; null/absent: none. */
    userFeatures: path.nullable().optional(),
  }),
  /** Stops a running import or synthetic generation; the current sheet stays. */
  cancelImport: z.strictObject({}),
  /** A dataset from a planted low-rank model, loaded like an import. */
  newSynthetic: z.strictObject({ spec: syntheticSpecSchema, split: splitChoiceSchema, crosstab: crosstabSize.optional() }),
  /** Shows the N most active users × N most rated movies (keeping what Find pinned). */
  setCrosstab: z.strictObject({ size: crosstabSize }),
  /** Users by id, movies by id or title (most rated first). */
  findInSheet: z.strictObject({ query: z.string().min(1).max(200) }),
  /** Brings a user (row) and/or movie (column) into view, first in the sheet; null unpins. */
  pinInSheet: z.strictObject({ user: z.string().max(4096).nullable().optional(), item: z.string().max(4096).nullable().optional() }),
  /** Opens a .collabsheet project: data, settings, factors, optimizer state and history. */
  openProject: z.strictObject({ path }),
  /**
   * Saves the project (atomically) to path; later autosaves shadow this file. Another existing
   * file is replaced only with overwrite (the project's own file always is).
   */
  saveProject: z.strictObject({ path, overwrite }),
  /** The visible sheet as fast.ai's collab_filter layout, with live MMULT and RMSE formulas. */
  exportXlsx: z.strictObject({ path, overwrite }),
  /** Autosaves left behind by a session that did not end cleanly. */
  listRecoverable: z.strictObject({}),
  restoreRecoverable: z.strictObject({ path }),
  discardRecoverable: z.strictObject({ path }),
  /** File > Open demo sheet: the built-in demo sheet in place of the open one. */
  openDemo: z.strictObject({}),
  /** File > Open recent, and the folder save and export suggest (the user's documents). */
  recentFiles: z.strictObject({}),
} as const;

// ---------------------------------------------------------------------------------------------
// Results

/**
 * The format the importer detected (data/import's DetectedFormat, restated here because the
 * renderer may not reach the importer's Node-only modules even for types).
 */
export interface DetectedFormat {
  kind: 'movielens-100k' | 'movielens-dat' | 'movielens-csv' | 'delimited';
  label: string;
  delimiter: string;
  hasHeader: boolean;
  header: string[] | null;
  fieldCount: number;
  /** 0-based column indices. */
  columns: { user: number; item: number; rating: number; timestamp: number | null };
}

export interface RatingsPreview {
  kind: 'ratings';
  file: string;
  bytes: number;
  estimatedRows: number;
  delimiter: string;
  hasHeader: boolean;
  header: string[] | null;
  fieldCount: number;
  /** The first data rows, split into fields. */
  rows: string[][];
  /** The format with its column mapping, or null when no mapping was found (then `problem` says why). */
  format: DetectedFormat | null;
  problem: string | null;
  /** The titles file read by default (MovieLens' u.item, movies.csv…), if any. */
  titlesFile: string | null;
  /** MovieLens' own splits found beside the file (u1.base + u1.test …). */
  folds: { name: string; base: string; test: string }[];
  /** Side-feature files MovieLens ships beside the ratings (u.item / movies.*, u.user / users.dat), suggested in the dialog. */
  featureFiles: { item: string | null; user: string | null };
}

export interface WorkbookPreview {
  kind: 'workbook';
  file: string;
  users: number;
  items: number;
  ratings: number;
  factors: number;
  /** The sheets with factor blocks and the RMSE of their starting values. */
  sheets: { kind: 'dotprod' | 'bias'; rmse: number }[];
}

export type ImportPreview = RatingsPreview | WorkbookPreview;

/** How the validation set came out: with users or movies it alone has (they are predicted from biases / the mean). */
export interface SplitReport extends SplitSummary {
  method: SplitChoice['method'] | 'none';
}

export interface ImportReport {
  name: string;
  /** Ratings kept (after skipped rows and replaced duplicates). */
  rows: number;
  users: number;
  items: number;
  /** Earlier ratings of a (user, movie) pair that a later line replaced (the last one is kept). */
  duplicates: number;
  /** Bad rows skipped, and the first few of them as file:line messages. */
  skipped: number;
  badRowExamples: string[];
  formatLabel: string;
  titlesFile: string | null;
  titled: number;
  seconds: number;
  split: SplitReport;
  /** The side-feature files read beside the ratings (issue 15), item file first. */
  features: FeatureReport[];
}

/** One side-feature file as the import read it and matched it to the ratings' ids. */
export interface FeatureReport {
  side: 'item' | 'user';
  file: string;
  formatLabel: string;
  /** Movies (users) of the ratings; those the file lists; those it does not (their features unknown). */
  count: number;
  matched: number;
  unmatched: number;
  /** Rows of the file for ids the ratings do not have (ignored). */
  extra: number;
  /** values: the vocabulary's size (null for numbers); unknown: rows without a value after the join. */
  features: { name: string; kind: 'categorical' | 'multi' | 'numeric'; values: number | null; unknown: number }[];
  /** Columns not read as features, each with why. */
  skippedColumns: string[];
  /** Bad rows dropped and bad cells read as unknown (badRows 'skip'), and the first few as file:line messages. */
  skippedRows: number;
  badCells: number;
  badRowExamples: string[];
  /** "1,682 of 1,682 movies have genres, 1,682 of 1,682 movies have year; 0 unknown". */
  summary: string;
  /** Whether the sheet's model uses them, in words. */
  usedByModel: string;
}

/** A feature of the sheet, as the settings (used or not) and the + Movie / + User forms (its values) show it. */
export interface SheetFeatureInfo {
  side: 'item' | 'user';
  /** `item:genres`: how SessionSettings.unusedFeatures names it. */
  key: string;
  name: string;
  kind: 'categorical' | 'multi' | 'numeric';
  file: string;
  /** Its values without "(unknown)" (the first 200); none for numbers. */
  values: string[];
  used: boolean;
}

/** A malformed row with badRows 'fail': where, what, and the choice to skip such rows. */
export interface BadRowStop {
  kind: 'bad-row';
  /** One line: `<file>:<line>: <problem> (<text>)`. */
  message: string;
  file: string;
  line: number | null;
  problem: string;
  text: string | null;
}

export type ImportOutcome = { kind: 'imported'; state: AppState; report: ImportReport } | BadRowStop | { kind: 'cancelled' };

export interface FindMatch {
  kind: 'user' | 'item';
  id: string;
  /** A movie's title (the id for users and untitled movies). */
  label: string;
  /** How many ratings it has in the whole dataset. */
  ratings: number;
}

export interface XlsxExport {
  path: string;
  /** The RMSE the workbook's formula computes over the exported cells. */
  rmse: number;
  /** Why the workbook's RMSE may differ from the app's (sigmoid_range, a split, a partial view), or null. */
  notice: string | null;
}

/**
 * A write not done because its target exists (a file, or files in the export folder): the
 * renderer asks "Replace it?" and sends the same command again with this path and overwrite:
 * true. An answer, not a failure, as an import's bad row is.
 */
export interface WriteExists {
  refused: 'exists';
  /** The command's target in full (a relative path resolved). */
  path: string;
  /** The files that would be replaced. */
  existing: string[];
  message: string;
}

export interface RecoveryOffer {
  path: string;
  /** The project it shadows, or null for work never saved. */
  projectPath: string | null;
  name: string;
  savedAt: string;
}

/** A file opened, imported or saved lately. */
export interface RecentFile {
  path: string;
  /** project: a .collabsheet; opened: a sheet file or ratings opened as they are; import: read through the import dialog. */
  kind: 'project' | 'opened' | 'import';
  /** False when the file has been moved or deleted since. */
  found: boolean;
}

export interface RecentFiles {
  files: RecentFile[];
  documentsFolder: string;
}

export interface DataCommandResults {
  previewImport: ImportPreview;
  importRatings: ImportOutcome;
  cancelImport: null;
  newSynthetic: ImportOutcome;
  setCrosstab: StatePatch;
  findInSheet: FindMatch[];
  pinInSheet: StatePatch;
  openProject: AppState;
  saveProject: StatePatch | WriteExists;
  exportXlsx: XlsxExport | WriteExists;
  listRecoverable: RecoveryOffer[];
  restoreRecoverable: AppState;
  discardRecoverable: null;
  openDemo: AppState;
  recentFiles: RecentFiles;
}

// ---------------------------------------------------------------------------------------------
// State and events

/** Where the sheet's data came from and how it is viewed and split (SheetLayout.data). */
export interface SheetDataInfo {
  source: 'sheet' | 'ratings-file' | 'workbook' | 'synthetic';
  /** The file read (the train file of a file split), or null. */
  path: string | null;
  hasTimestamps: boolean;
  /** The validation file of a file split, or null. */
  validPath: string | null;
  split: SplitReport;
  crosstab: number;
  pinned: { users: string[]; items: string[] };
  /** The side features the data has (issue 15); empty without feature files. */
  features: SheetFeatureInfo[];
}

/** The project file the state belongs to (null until saved or opened) and whether it changed since. */
export interface ProjectStatus {
  path: string | null;
  unsaved: boolean;
}

export interface ImportProgressEvent {
  /** reading: parsing the file; preparing: dedupe, split, model setup. */
  stage: 'reading' | 'preparing';
  /** What the preparing stage is doing now ("splitting train and validation"…), else null. */
  step: string | null;
  file: string;
  bytesRead: number;
  totalBytes: number;
  rows: number;
  elapsedSeconds: number;
}

export interface DataEventPayloads {
  /** An import or generation moved (about every 4 MB read, and once per later stage). */
  importProgress: ImportProgressEvent;
}
