/**
 * The training worker's data calls: imports (with progress and cancel), synthetic datasets, the
 * crosstab window and Find, projects and the Excel export. They run beside the big arrays and
 * hand the main thread only the visible block.
 */
import { basename } from 'node:path';
import { findItems, findUsers } from '../../data/crosstab.ts';
import { DataImportError, type ImportProgress } from '../../data/import/index.ts';
import { plantedSpecFor } from '../../data/synthetic-spec.ts';
import type { StoredImportOptions } from '../../io/project.ts';
import type { ValidArgs } from '../contract.ts';
import type { BadRowStop, FindMatch, ImportProgressEvent, ImportReport, SplitChoice, XlsxExport } from '../data-contract.ts';
import { UserError } from '../user-error.ts';
import { openProjectFile, saveProjectFile, type ProjectReply, type SaveRequest } from './project-io.ts';
import { generate, isWorkbook, readRatings, readWorkbook, userFacing, type PreparedSheet } from './sheet-sources.ts';
import type { ViewResult } from './loaded-sheet.ts';
import type { LoadResult, TrainingSession } from './training-session.ts';
import { exportVisibleXlsx } from './xlsx-export.ts';

export type ImportRequest = ValidArgs<'importRatings'> & { crosstab: number };

export type SynthesizeRequest = ValidArgs<'newSynthetic'> & { crosstab: number };

/** What an import left: the new sheet, or why there is none (the current sheet stays). */
export type ImportReply = { kind: 'loaded'; load: LoadResult; report: ImportReport } | BadRowStop | { kind: 'cancelled' };

export interface ViewRequest {
  size: number;
  /** A user (movie) id to pin first; null clears the pins; absent keeps them. */
  user?: string | null;
  item?: string | null;
}

/** Thrown at a checkpoint after Cancel; the import answers { kind: 'cancelled' }. */
export class ImportCancelled extends Error {
  override name = 'ImportCancelled';
}

/** Synthetic data spans a year of timestamps, so "split by time" works on it too. */
const SYNTHETIC_TIMESPAN = { start: 1_600_000_000, end: 1_600_000_000 + 365 * 86_400 };

export class DataCalls {
  constructor(
    private readonly session: TrainingSession,
    private readonly events: { importProgress(progress: ImportProgressEvent): void },
  ) {}

  saveProject(req: SaveRequest): Promise<string> {
    return userFacing(() => saveProjectFile(this.session, req));
  }

  openProject(path: string, eager = false): Promise<ProjectReply> {
    return userFacing(() => openProjectFile(this.session, path, this.progress(basename(path)), eager));
  }

  exportXlsx(path: string, overwrite: boolean): Promise<XlsxExport> {
    return userFacing(() => exportVisibleXlsx(this.session.current(), path, overwrite));
  }

  async importRatings(req: ImportRequest): Promise<ImportReply> {
    const file = req.split.method === 'files' ? `${basename(req.path)} + ${basename(req.split.validPath)}` : basename(req.path);
    return this.loading(file, (hooks) =>
      isWorkbook(req.path)
        ? readWorkbook(req.path, req.workbookSheet ?? 'dotprod')
        : readRatings({ path: req.path, validPath: req.split.method === 'files' ? req.split.validPath : null, options: storedOptions(req), features: featurePaths(req) }, hooks),
      req.split,
      req.crosstab,
    );
  }

  async synthesize(req: SynthesizeRequest): Promise<ImportReply> {
    const spec = { ...plantedSpecFor(req.spec), timestamps: SYNTHETIC_TIMESPAN };
    return this.loading('synthetic dataset', async () => generate(null, spec), req.split, req.crosstab);
  }

  /**
   * Reads a sheet and installs it, reporting progress, polling Cancel, and turning the ways an
   * import ends without a sheet (a bad row, Cancel) into answers rather than failures.
   */
  private async loading(
    file: string,
    read: (hooks: { onProgress: (p: ImportProgress) => void; signal: AbortSignal }) => Promise<PreparedSheet>,
    split: SplitChoice,
    crosstab: number,
  ): Promise<ImportReply> {
    const abort = new AbortController();
    const report = this.progress(file);
    let rows = 0;
    const checkpoint = (next: string) => {
      if (this.session.stopRequested()) throw new ImportCancelled('import cancelled');
      report('preparing', { bytesRead: 1, totalBytes: 1, rows }, next);
    };
    try {
      const sheet = await read({
        signal: abort.signal,
        onProgress: (p) => {
          if (this.session.stopRequested()) abort.abort();
          report('reading', p);
        },
      });
      rows = sheet.dataset.ratings.length;
      const load = await this.session.install({
        sheet,
        split: { method: split.method, validPct: 'validPct' in split ? split.validPct : 0, seed: 'seed' in split ? split.seed : 42 },
        config: null,
        view: { size: crosstab, pinUsers: [], pinItems: [] },
        checkpoint,
      });
      return { kind: 'loaded', load, report: { ...sheet.report!, split: load.split.report, features: this.session.featureReports() } };
    } catch (error) {
      if (error instanceof ImportCancelled || (error instanceof DataImportError && error.code === 'cancelled')) return { kind: 'cancelled' };
      const stop = badRowStop(error);
      if (stop) return stop;
      if (error instanceof DataImportError) throw new UserError(error.message);
      throw error;
    }
  }

  private progress(file: string) {
    const started = performance.now();
    return (stage: 'reading' | 'preparing', p: ImportProgress, step: string | null = null) =>
      this.events.importProgress({ stage, step, file, ...p, elapsedSeconds: (performance.now() - started) / 1000 });
  }

  view(req: ViewRequest): ViewResult {
    const s = this.session.current();
    const pin = (id: string | null | undefined, ids: string[], pinned: number[], what: string): number[] => {
      if (id === undefined) return pinned;
      if (id === null) return [];
      const code = ids.indexOf(id);
      if (code < 0) throw new UserError(`There is no ${what} "${id}" in this dataset`);
      return [code, ...pinned.filter((c) => c !== code)];
    };
    return this.session.setView({
      size: req.size,
      pinUsers: pin(req.user, s.table.loaded.userIds, [...s.view.pinUsers], 'user'),
      pinItems: pin(req.item, s.table.loaded.itemIds, [...s.view.pinItems], 'movie'),
    });
  }

  find(query: string): FindMatch[] {
    const s = this.session.current();
    // The table's ids include rows added on the sheet since the load.
    const d = s.table.loaded;
    const users = findUsers(d, query).map((m) => ({ kind: 'user' as const, id: m.id, label: s.sheet.users[m.code].label, ratings: s.counts.user[m.code] }));
    const items = findItems(d, query, 20, s.counts).map((m) => ({ kind: 'item' as const, id: m.id, label: s.sheet.movies[m.code].title, ratings: s.counts.item[m.code] }));
    return [...users, ...items];
  }
}

/** The import options a project stores to read the file again the same way. */
function storedOptions(req: ImportRequest): StoredImportOptions {
  return {
    ...(req.format ?? {}),
    badRows: req.badRows,
    ...(req.titles === null ? { titles: false } : req.titles !== undefined ? { titles: req.titles } : {}),
  };
}

/** The side-feature files the import names, or undefined for none. */
function featurePaths(req: ImportRequest): { item: string | null; user: string | null } | undefined {
  const item = req.itemFeatures ?? null;
  const user = req.userFeatures ?? null;
  return item || user ? { item, user } : undefined;
}

/** A malformed row the user may choose to skip (not "all rows are bad", which has no line). */
function badRowStop(error: unknown): BadRowStop | null {
  if (!(error instanceof DataImportError) || error.code !== 'bad-row' || error.line === null) return null;
  return { kind: 'bad-row', message: error.message, file: error.file, line: error.line, problem: error.problem, text: error.text ?? null };
}
