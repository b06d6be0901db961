/**
 * The data commands (data-contract.ts): the import preview, imports and synthetic data, the
 * crosstab and Find, projects with autosave and recovery, Excel. A new sheet replaces the open
 * one only when it has fully loaded.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { previewFile } from '../../data/import/index.ts';
import { demoSheetPath } from '../../io/resources.ts';
import { readCollabWorkbook } from '../../io/xlsx.ts';
import type { AppState, CommandHandlers, SessionSettings } from '../contract.ts';
import type { DataCommandResults, FormatChoice, ImportOutcome, ImportPreview, SplitChoice } from '../data-contract.ts';
import { UserError } from '../user-error.ts';
import type { Autosaver } from './autosave.ts';
import type { Checkpoint } from './channel.ts';
import { DEFAULT_CROSSTAB, REAL_DATA_SPLIT, type SheetHost } from './open-sheet.ts';
import type { ImportReply, ViewRequest } from './data-calls.ts';
import { isWriteExists, unlessExists } from './write-outcome.ts';
import { userFacing } from './sheet-sources.ts';
import type { LoadResult } from './training-session.ts';
import { documentsFolder, RecentFiles } from './recent-files.ts';

export function dataCommands(app: SheetHost, autosaver: Autosaver, recoveryDir: string | undefined): Pick<CommandHandlers, keyof DataCommandResults | 'openRatings'> {
  const { session } = app;
  const calls = app.data;
  const crosstabNow = () => session.current().view.size ?? DEFAULT_CROSSTAB;

  /** Runs an import-like call in the sheet's queue; Cancel (the stop flag) ends it. */
  const loadInto = (split: SplitChoice, replay: Omit<ReplayCheckpoint, 'kind'>, call: () => Promise<ImportReply>): Promise<ImportOutcome> =>
    app.exclusive(async () => {
      app.stopFlag.clear();
      const reply = await call();
      if (reply.kind !== 'loaded') return reply;
      const state = app.opened(reply.load, settingsFor(split, reply.load));
      app.checkpoint({ kind: 'replay', ...replay });
      return { kind: 'imported', state, report: reply.report };
    });

  const viewChange = (view: ViewRequest) => app.exclusive(async () => app.viewChanged(calls.view(view)));

  const openProjectAt = (path: string, as: ProjectAs) => openProjectFile(app, path, as);
  const recent = new RecentFiles(recoveryDir);

  /** Opens a sheet file, workbook or ratings file as it is. */
  const openRatings = (a: { path: string }) =>
    app.exclusive(async () => {
      const sheetFile = /\.json$/i.test(a.path);
      // A new sheet gets the defaults for its size, not the old sheet's config or pacing; a
      // ratings file gets the benchmarks' validation split, a workbook none (Excel has none).
      const split = sheetFile || /\.xlsx$/i.test(a.path) ? { validPct: 0, splitSeed: 42 } : REAL_DATA_SPLIT;
      const source = sheetFile ? ({ kind: 'sheet-file', path: a.path } as const) : ({ kind: 'ratings-file', path: a.path } as const);
      const state = app.opened(await session.load({ source, split, config: null, crosstab: crosstabNow() }), split);
      app.checkpoint({ kind: 'replay', command: 'openRatings', args: a, label: basename(a.path) });
      return state;
    });

  return {
    openRatings: async (a) => {
      const state = await openRatings(a);
      if (a.path !== demoSheetPath()) await recent.add(a.path, 'opened'); // the demo has its own menu item
      return state;
    },
    openDemo: () => openRatings({ path: demoSheetPath() }),
    recentFiles: async () => ({ files: await recent.list(), documentsFolder: documentsFolder() }),
    previewImport: (a) => preview(a.path, a.format ?? {}),
    importRatings: async (a) => {
      const outcome = await loadInto(a.split, { command: 'importRatings', args: a, label: basename(a.path) }, () => calls.importRatings({ ...a, crosstab: a.crosstab ?? crosstabNow() }));
      if (outcome.kind === 'imported') await recent.add(a.path, 'import');
      return outcome;
    },
    cancelImport: async () => {
      app.stopFlag.raise();
      return null;
    },
    newSynthetic: (a) => loadInto(a.split, { command: 'newSynthetic', args: a, label: 'the synthetic dataset' }, () => calls.synthesize({ ...a, crosstab: a.crosstab ?? crosstabNow() })),
    setCrosstab: (a) => viewChange({ size: a.size }),
    pinInSheet: (a) => viewChange({ size: crosstabNow(), user: a.user, item: a.item }),
    findInSheet: (a) => app.exclusive(async () => calls.find(a.query)),
    openProject: async (a) => {
      const state = await app.exclusive(() => openProjectAt(a.path, { projectPath: a.path, unsaved: false }));
      await recent.add(a.path, 'project');
      return state;
    },
    saveProject: (a) =>
      app.exclusive(async () => {
        const path = extname(a.path) ? a.path : `${a.path}.collabsheet`;
        const { history, settings, runs } = app.openSheet;
        // The project's own file was the user's choice already (opened, or saved as): Save replaces it.
        const overwrite = confirmed(a, path) || path === app.openSheet.path;
        const saved = await unlessExists(path, () => calls.saveProject({ target: { kind: 'file', path, overwrite }, meta: { history, settings, runs } }));
        if (isWriteExists(saved)) return saved;
        await autosaver.discardOwn();
        await recent.add(path, 'project');
        return app.saved(path);
      }),
    exportXlsx: (a) =>
      app.exclusive(() => {
        const path = extname(a.path) ? a.path : `${a.path}.xlsx`;
        return unlessExists(path, () => calls.exportXlsx(path, confirmed(a, path)));
      }),
    listRecoverable: () => autosaver.offers(),
    restoreRecoverable: (a) =>
      app.exclusive(async () => {
        const offer = (await autosaver.offers()).find((o) => o.path === autosaver.checkOffered(a.path));
        if (!offer) throw new UserError(`${a.path} is no longer there to restore`);
        // Restored work is still unsaved: it becomes this session's autosave before the old copy goes.
        const state = await openProjectAt(offer.path, { projectPath: offer.projectPath, unsaved: true });
        await autosaver.write();
        await autosaver.discard(offer.path);
        return state;
      }),
    discardRecoverable: async (a) => {
      await autosaver.discard(a.path);
      return null;
    },
  };
}

type ProjectAs = { projectPath: string | null; unsaved: boolean };
type ReplayCheckpoint = Extract<Checkpoint, { kind: 'replay' }>;

/**
 * Opens a project file (or an autosave: `as` says which project it stands for) in place of the
 * open sheet; the sheet can be rebuilt from that file from now on.
 */
export async function openProjectFile(app: SheetHost, path: string, as: ProjectAs): Promise<AppState> {
  // An autosave is replaced at the next autosave, or deleted once restored: its runs' factors are read now.
  const reply = await app.data.openProject(path, path !== as.projectPath);
  const state = app.opened(reply.load, reply.meta.settings, { history: reply.meta.history, path: as.projectPath, unsaved: as.unsaved, runs: reply.meta.runs });
  reply.notices.forEach((text) => app.notify('warning', text));
  app.checkpoint({ kind: 'project', path, ...as, label: as.projectPath ? basename(as.projectPath) : basename(path) });
  return state;
}

/**
 * The user's yes covers the path they saw: not the file the default extension leads to ("sheet"
 * confirmed in a dialog is no yes to replacing "sheet.collabsheet").
 */
function confirmed(args: { path: string; overwrite?: boolean | undefined }, path: string): boolean {
  return args.overwrite === true && path === args.path;
}

/** The settings a freshly imported sheet starts with: its split as the settings panel shows it. */
function settingsFor(split: SplitChoice, load: LoadResult): Omit<SessionSettings, 'epochsPerSecond'> {
  if (split.method === 'random') return { validPct: split.validPct, splitSeed: split.seed };
  if (split.method === 'time') return { validPct: split.validPct, splitSeed: 42 };
  // A file split holds out what the second file has: shown as its share (the panel's field is in %).
  const { trainRows, validRows } = load.data.split;
  return { validPct: Math.min(0.5, Math.round((100 * validRows) / Math.max(1, trainRows + validRows)) / 100), splitSeed: 42 };
}

function preview(path: string, format: FormatChoice): Promise<ImportPreview> {
  return userFacing(async () => {
    if (/\.xlsx$/i.test(path)) {
      const wb = await readCollabWorkbook(path);
      return {
        kind: 'workbook',
        file: path,
        users: wb.data.userIds.length,
        items: wb.data.itemIds.length,
        ratings: wb.data.ratings.length,
        factors: wb.factors,
        sheets: [wb.dotprod, wb.bias].flatMap((s) => (s ? [{ kind: s.kind, rmse: s.rmse }] : [])),
      };
    }
    const p = await previewFile(path, format);
    return { kind: 'ratings', ...p, delimiter: p.delimiter, folds: movielensFolds(path), featureFiles: movielensFeatureFiles(path) };
  });
}

/** The item and user files MovieLens ships beside its ratings (100k: u.item, u.user; 1M: movies.dat, users.dat; later: movies.csv). */
function movielensFeatureFiles(path: string): { item: string | null; user: string | null } {
  const dir = dirname(path);
  const first = (names: string[]) => names.map((n) => join(dir, n)).find((p) => existsSync(p)) ?? null;
  return { item: first(['u.item', 'movies.dat', 'movies.csv']), user: first(['u.user', 'users.dat']) };
}

/** MovieLens 100k ships five train/test splits beside u.data: u1.base + u1.test … u5. */
function movielensFolds(path: string): { name: string; base: string; test: string }[] {
  const dir = dirname(path);
  if (!/^u(\d|a|b)?\.(data|base|test)$/.test(basename(path))) return [];
  return ['u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub']
    .map((name) => ({ name, base: join(dir, `${name}.base`), test: join(dir, `${name}.test`) }))
    .filter((f) => existsSync(f.base) && existsSync(f.test));
}
