/**
 * Everything a sheet can be opened from, read into one shape the training session installs: a
 * sheet file, a ratings file (with the user's column mapping, a titles file, bad rows skipped or
 * not, a second file as the validation split), fast.ai's collab_filter .xlsx with its factors as
 * starting values, or a planted synthetic dataset. Each keeps its origin, so a project can say
 * where its data came from.
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ratingStats, type RatingsDataset } from '../../data/dataset.ts';
import { DataImportError, type ImportOptions, type ImportSummary, readRatingsFile, readTrainValidFiles } from '../../data/import/index.ts';
import { syntheticName } from '../../data/synthetic-spec.ts';
import { generatePlanted, type PlantedSpec } from '../../data/synthetic.ts';
import { excelSolve } from '../../engine/train/recipes.ts';
import type { ParamTensor, TrainConfig } from '../../engine/types.ts';
import type { StoredImportOptions } from '../../io/project.ts';
import { readCollabWorkbook, type SheetKind } from '../../io/xlsx.ts';
import type { ImportReport, RatingScale } from '../contract.ts';
import { readSheetFile, type LoadedSheet } from '../sheet-file.ts';
import { UserError } from '../user-error.ts';
import { readSheetFeatures, type SheetFeatures } from './sheet-features.ts';

/** Where the ratings come from. */
export type SheetSource =
  | { kind: 'sheet-file'; path: string }
  /** Any ratings file the importer reads (MovieLens u.data, ratings.csv, a CSV/TSV). */
  | { kind: 'ratings-file'; path: string }
  /** A synthetic dataset ("New synthetic dataset", benchmarks, the responsiveness measurement). */
  | { kind: 'planted'; name: string; spec: PlantedSpec; scale: RatingScale };

export type DataOrigin =
  | { kind: 'sheet-file'; path: string }
  /** bytes and mtimeMs of the ratings file when it was read: a project tells from them whether it changed. */
  | { kind: 'ratings-file'; path: string; validPath: string | null; options: StoredImportOptions; bytes: number; mtimeMs: number }
  | { kind: 'workbook'; path: string; sheet: SheetKind }
  | { kind: 'generated'; name: string; spec: PlantedSpec };

/** Where training starts when the source says (a workbook's factors, with the Excel recipe). */
export interface StartingPoint {
  config: TrainConfig;
  params: Record<string, ParamTensor>;
}

/** The planted factors of a generated dataset, for "reveal the planted tastes". */
export interface PlantedTruth {
  rank: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

export interface PreparedSheet extends LoadedSheet {
  origin: DataOrigin;
  /** Rows of `dataset` from the validation file of a file split (1), or null without one. */
  fileMask: Uint8Array | null;
  start: StartingPoint | null;
  truth: PlantedTruth | null;
  /** What the import found (null for sources that are not imports); the split and the features' use are told once the model is known. */
  report: Omit<ImportReport, 'split' | 'features'> | null;
  /** Side features (issue 15) read beside the ratings, or kept by a project; absent: none. */
  features?: SheetFeatures;
}

export interface ReadHooks {
  onProgress?: ImportOptions['onProgress'];
  signal?: AbortSignal;
}

export const isWorkbook = (path: string) => /\.xlsx$/i.test(path);

/** Runs a read whose failures (DataImportError: file, line, problem) are messages meant for the user. */
export async function userFacing<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof DataImportError) throw new UserError(error.message);
    throw error;
  }
}

/** The sources the `load` call names (the demo sheet, openRatings, the web host's --ratings). */
export async function readSource(source: SheetSource, hooks: ReadHooks = {}): Promise<PreparedSheet> {
  switch (source.kind) {
    case 'sheet-file':
      return fromSheetFile(source.path);
    case 'ratings-file':
      return isWorkbook(source.path) ? readWorkbook(source.path, 'dotprod') : readRatings({ path: source.path, validPath: null, options: {} }, hooks);
    case 'planted':
      return generate(source.name, { ...source.spec, scale: { ...source.scale } });
    default:
      throw new Error(`Unknown sheet source ${(source as { kind: string }).kind}`);
  }
}

async function fromSheetFile(path: string): Promise<PreparedSheet> {
  return { ...(await readSheetFile(path)), origin: { kind: 'sheet-file', path }, fileMask: null, start: null, truth: null, report: null };
}

export interface RatingsRequest {
  path: string;
  /** The validation file of a file split, or null. */
  validPath: string | null;
  options: StoredImportOptions;
  /** Side-feature files to read beside the ratings (import dialog); absent: none. */
  features?: { item: string | null; user: string | null };
}

/** A ratings file (or a train/valid pair) through the importer; DataImportError escapes as is. */
export async function readRatings(req: RatingsRequest, hooks: ReadHooks = {}): Promise<PreparedSheet> {
  const options: ImportOptions = { ...req.options, onProgress: hooks.onProgress, signal: hooks.signal };
  const { size: bytes, mtimeMs } = await stat(req.path).catch(() => ({ size: 0, mtimeMs: 0 }));
  let data: RatingsDataset;
  let fileMask: Uint8Array | null = null;
  let summary: ImportSummary;
  let extra = { duplicates: 0, skipped: 0, badRowExamples: [] as string[] };
  if (req.validPath) {
    const pair = await readTrainValidFiles(req.path, req.validPath, options);
    data = concat(pair.train, pair.valid);
    fileMask = new Uint8Array(data.ratings.length).fill(1, pair.train.ratings.length);
    summary = pair.summary.train;
    const v = pair.summary.valid;
    extra = { duplicates: v.duplicates, skipped: v.skipped, badRowExamples: v.badRowExamples };
  } else {
    ({ data, summary } = await readRatingsFile(req.path, options));
  }
  const features = req.features ? await readSheetFeatures(req.features, req.options.badRows ?? 'fail') : undefined;
  const name = req.validPath ? `${basename(req.path)} + ${basename(req.validPath)}` : basename(req.path);
  return {
    name,
    scale: inferScale(data),
    users: data.userIds.map((id) => ({ id, label: id })),
    movies: data.itemIds.map((id, i) => ({ id, title: data.itemTitles?.[i] ?? id })),
    dataset: data,
    planted: null,
    origin: { kind: 'ratings-file', path: req.path, validPath: req.validPath, options: req.options, bytes, mtimeMs },
    fileMask,
    start: null,
    truth: null,
    ...(features ? { features } : {}),
    report: {
      name,
      rows: data.ratings.length,
      users: data.userIds.length,
      items: data.itemIds.length,
      duplicates: summary.duplicates + extra.duplicates,
      skipped: summary.skipped + extra.skipped,
      badRowExamples: [...summary.badRowExamples, ...extra.badRowExamples].slice(0, 20),
      formatLabel: summary.format.label,
      titlesFile: summary.titlesFile,
      titled: summary.titled,
      seconds: summary.seconds,
    },
  };
}

/**
 * fast.ai's workbook: the ratings grid, and one sheet's factor blocks as the starting values of
 * the Excel recipe (raw dot product, no weight decay, full batch), so the sheet opens at the
 * workbook's own RMSE (2.8061 dotprod, 2.0180 bias for the original file).
 */
export async function readWorkbook(path: string, sheet: SheetKind): Promise<PreparedSheet> {
  const started = performance.now();
  const wb = await readCollabWorkbook(path);
  const chosen = (sheet === 'bias' ? wb.bias : wb.dotprod) ?? wb.dotprod ?? wb.bias;
  if (!chosen) throw new Error(`${path} has no factor sheet`);
  const { data, factors: k } = wb;
  const users = data.userIds.length;
  const items = data.itemIds.length;
  const params: Record<string, ParamTensor> = {
    user_factors: { shape: [users, k], data: chosen.userFactors },
    item_factors: { shape: [items, k], data: chosen.itemFactors },
  };
  if (chosen.userBias && chosen.itemBias) {
    params['user_bias'] = { shape: [users], data: chosen.userBias };
    params['item_bias'] = { shape: [items], data: chosen.itemBias };
  }
  const recipe = excelSolve(chosen.kind === 'bias' ? 'dotbias' : 'dot');
  const name = `${basename(path, extname(path))} (${chosen.kind})`;
  return {
    name,
    scale: inferScale(data),
    users: data.userIds.map((id) => ({ id, label: id })),
    movies: data.itemIds.map((id) => ({ id, title: id })),
    dataset: data,
    planted: null,
    origin: { kind: 'workbook', path, sheet: chosen.kind },
    fileMask: null,
    start: { config: { ...recipe, model: { ...recipe.model, factors: k } }, params },
    truth: null,
    report: {
      name,
      rows: data.ratings.length,
      users,
      items,
      duplicates: 0,
      skipped: 0,
      badRowExamples: [],
      formatLabel: `Excel workbook, collab_filter layout (${chosen.kind} sheet, ${k} factors)`,
      titlesFile: null,
      titled: 0,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

/** A planted dataset; its name says how it was made, its truth is kept for the reveal. */
export function generate(name: string | null, spec: PlantedSpec): PreparedSheet {
  const started = performance.now();
  const { data, truth } = generatePlanted(spec);
  const title = name ?? syntheticName(spec);
  return {
    name: title,
    scale: spec.scale ? { lo: spec.scale.lo, hi: spec.scale.hi, step: spec.scale.step } : inferScale(data),
    users: data.userIds.map((id) => ({ id, label: id })),
    movies: data.itemIds.map((id) => ({ id, title: id })),
    dataset: data,
    planted: null,
    origin: { kind: 'generated', name: title, spec },
    fileMask: null,
    start: null,
    truth: { rank: spec.rank, userFactors: truth.userFactors, itemFactors: truth.itemFactors },
    report: {
      name: title,
      rows: data.ratings.length,
      users: data.userIds.length,
      items: data.itemIds.length,
      duplicates: 0,
      skipped: 0,
      badRowExamples: [],
      formatLabel: `planted rank-${spec.rank} model, noise σ ${spec.noise}, popularity skew ${spec.popularitySkew ?? 0}`,
      titlesFile: null,
      titled: 0,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

/** The file's own range, in whole stars unless it has half stars (MovieLens 1–5 vs 0.5–5). */
export function inferScale(d: RatingsDataset): RatingScale {
  const { min, max } = ratingStats(d);
  const step = d.ratings.some((r) => r !== Math.round(r)) ? 0.5 : 1;
  // A file of one rating value still needs a scale with room: lo < hi.
  return { lo: min, hi: max > min ? max : min + step, step };
}

/** Train rows then valid rows, one id space (readTrainValidFiles coded both with one map). */
function concat(train: RatingsDataset, valid: RatingsDataset): RatingsDataset {
  const join = <T extends Int32Array | Float32Array | Float64Array>(a: T, b: T, make: (n: number) => T): T => {
    const out = make(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  return {
    ...train,
    users: join(train.users, valid.users, (n) => new Int32Array(n)),
    items: join(train.items, valid.items, (n) => new Int32Array(n)),
    ratings: join(train.ratings, valid.ratings, (n) => new Float32Array(n)),
    timestamps: train.timestamps && valid.timestamps ? join(train.timestamps, valid.timestamps, (n) => new Float64Array(n)) : undefined,
  };
}
