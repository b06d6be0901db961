/**
 * The dataset on the sheet as the session holds it (ratings table, split, sets, trainer, the
 * crosstab's visible block), and what the sheet shows of it: the visible block's users, movies and cells, the
 * totals, the planted tastes.
 */
import type { RatingCounts } from '../../data/crosstab.ts';
import type { ModelFeatures } from '../../engine/models/index.ts';
import type { Trainer } from '../../engine/train/trainer.ts';
import type { TrainConfig } from '../../engine/types.ts';
import type { PlantedTastes, SheetMovie, SheetNumbers, SheetUser } from '../contract.ts';
import type { SheetDataInfo, SplitReport } from '../data-contract.ts';
import type { RatingsTable, TrainValid } from '../ratings-table.ts';
import { visibleCells, type VisibleBlock, type VisibleCells, type VisibleBlockRequest } from '../visible-block.ts';
import { featureInfo, featureLabels } from './sheet-features.ts';
import type { PreparedSheet } from './sheet-sources.ts';
import type { SplitState } from './split-state.ts';

export interface Loaded {
  sheet: PreparedSheet;
  table: RatingsTable;
  /** Ratings per user and item of the loaded data: the crosstab's ranking (edits do not re-rank). */
  counts: RatingCounts;
  split: SplitState;
  /** The current train and valid sets (the trainer's data). */
  sets: TrainValid;
  report: SplitReport;
  view: VisibleBlockRequest;
  visible: VisibleBlock;
  config: TrainConfig;
  trainer: Trainer;
  /** Side features the settings leave out, and the tables the trainer takes (undefined: none, or a factor model). */
  unusedFeatures: string[];
  features: ModelFeatures | undefined;
}

export interface SplitResult {
  heldOut: boolean[][];
  totals: { users: number; movies: number; ratings: number; validRatings: number };
  report: SplitReport;
  numbers: SheetNumbers;
}

/** What the sheet shows of the dataset: the crosstab's visible block, its cells and their numbers. */
export interface ViewResult {
  users: SheetUser[];
  movies: SheetMovie[];
  /** The dense codes behind the sheet's rows and columns (edits are sent as codes). */
  visible: VisibleBlock;
  ratings: (number | null)[][];
  planted: PlantedTastes | null;
  data: SheetDataInfo;
  split: SplitResult;
}

export function viewOf(s: Loaded, cells: VisibleCells, numbers: SheetNumbers): ViewResult {
  const { sheet, visible } = s;
  return {
    users: visible.userRows.map((u) => sheet.users[u]),
    movies: moviesShown(s),
    visible: { userRows: [...visible.userRows], itemRows: [...visible.itemRows] },
    ratings: cells.ratings,
    planted: plantedInVisibleBlock(sheet, visible),
    data: dataInfo(s),
    split: { heldOut: cells.heldOut, totals: totalsOf(s), report: s.report, numbers },
  };
}

/**
 * The visible block's cells, computed again only when the sets or the visible block changed: every command
 * reads them (an edit's "before", the state), and at 25M ratings a pass costs tens of ms.
 * Shared, so never mutated.
 */
export class VisibleCellsCache {
  private cached: { key: readonly unknown[]; cells: VisibleCells } | null = null;

  of(s: Loaded): VisibleCells {
    const key = [s.sets.train, s.sets.valid, s.visible, s.visible.userRows.length, s.visible.itemRows.length];
    const cached = this.cached;
    if (cached && key.every((k, i) => k === cached.key[i])) return cached.cells;
    const cells = visibleCells(s.sets.train, s.sets.valid, s.visible);
    this.cached = { key, cells };
    return cells;
  }
}

function totalsOf(s: Loaded): SplitResult['totals'] {
  const validCount = s.sets.valid?.ratings.length ?? 0;
  return { users: s.table.userCount, movies: s.table.itemCount, ratings: s.sets.train.ratings.length + validCount, validRatings: validCount };
}

function dataInfo(s: Loaded): SheetDataInfo {
  const origin = s.sheet.origin;
  const source = origin.kind === 'sheet-file' ? 'sheet' : origin.kind === 'generated' ? 'synthetic' : origin.kind;
  return {
    source,
    path: 'path' in origin ? origin.path : null,
    hasTimestamps: s.sheet.dataset.timestamps !== undefined,
    validPath: origin.kind === 'ratings-file' ? origin.validPath : null,
    split: s.report,
    crosstab: s.view.size,
    pinned: {
      users: s.view.pinUsers.filter((u) => s.visible.userRows.includes(u)).map((u) => s.sheet.users[u].id),
      items: s.view.pinItems.filter((i) => s.visible.itemRows.includes(i)).map((i) => s.sheet.movies[i].id),
    },
    features: s.sheet.features ? featureInfo(s.sheet.features, s.unusedFeatures) : [],
  };
}

/** The visible movies, each with its side features in words when the data has them (the header's hover). */
function moviesShown(s: Loaded): SheetMovie[] {
  const movies = s.visible.itemRows.map((i) => s.sheet.movies[i]);
  const table = s.sheet.features?.item ?? null;
  if (!table) return movies;
  const labels = featureLabels(table, movies.map((m) => m.id));
  return movies.map((m, k) => (labels[k] ? { ...m, features: labels[k] } : m));
}

/**
 * The planted tastes of the visible users and movies: a sheet file's own, or a generator's truth.
 * Rows added on the sheet have none: the weights cover the visible block's leading rows that do, so
 * weights[r] stays row r's (added rows come last, so that is every planted row on show).
 */
function plantedInVisibleBlock(sheet: PreparedSheet, visible: VisibleBlock): PlantedTastes | null {
  const leading = (codes: number[], planted: number) => codes.slice(0, firstMissing(codes, planted));
  if (sheet.planted) {
    const { tastes, userWeights, movieWeights } = sheet.planted;
    return {
      tastes,
      userWeights: leading(visible.userRows, userWeights.length).map((u) => userWeights[u]),
      movieWeights: leading(visible.itemRows, movieWeights.length).map((i) => movieWeights[i]),
    };
  }
  const truth = sheet.truth;
  if (!truth) return null;
  const rows = (table: Float32Array, codes: number[]) =>
    leading(codes, table.length / truth.rank).map((c) => Array.from(table.subarray(c * truth.rank, (c + 1) * truth.rank)));
  return {
    tastes: Array.from({ length: truth.rank }, (_, t) => `taste ${t + 1}`),
    userWeights: rows(truth.userFactors, visible.userRows),
    movieWeights: rows(truth.itemFactors, visible.itemRows),
  };
}

/** Index of the first code without a planted row (codes ≥ `planted`), or the length. */
function firstMissing(codes: number[], planted: number): number {
  const at = codes.findIndex((c) => c >= planted);
  return at < 0 ? codes.length : at;
}

/**
 * Rating counts for exactly the rows the table has: rows added since the load have none, and a
 * row removed again (its addition undone) must not stay a candidate for the visible block.
 */
export function countsFor(counts: RatingCounts, table: RatingsTable): RatingCounts {
  const grow = (a: Int32Array, n: number) => {
    if (a.length > n) return a.slice(0, n);
    if (a.length === n) return a;
    const b = new Int32Array(n);
    b.set(a);
    return b;
  };
  return { user: grow(counts.user, table.userCount), item: grow(counts.item, table.itemCount) };
}
