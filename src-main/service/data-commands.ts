/**
 * The data commands (data-contract.ts) on the main side: the preview reads a few KB here; the
 * imports, the crosstab, projects and Excel go to the training worker, which holds the arrays. A
 * new sheet replaces the current one only when it has fully loaded.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { DataImportError, previewFile } from '../data/import/index.ts';
import { readCollabWorkbook } from '../io/xlsx.ts';
import type { EventMessage, SessionSettings, ValidArgs } from './contract.ts';
import type { DataCommandResults, FormatChoice, ImportOutcome, ImportPreview, SplitChoice } from './data-contract.ts';
import type { Autosaver } from './autosave.ts';
import { App, DEFAULT_CROSSTAB, type ServiceOptions } from './service.ts';
import { UserError } from './user-error.ts';
import type { TrainingClient } from './worker-client.ts';
import type { ImportReply } from './worker/data-protocol.ts';
import type { LoadResult } from './worker/protocol.ts';

export interface DataContext {
  client: TrainingClient;
  emit: (e: EventMessage) => void;
  options: ServiceOptions;
  autosaver: Autosaver;
  current(): App;
  install(next: App): App;
}

type Handlers = { [C in keyof DataCommandResults]: (a: ValidArgs<C>) => Promise<DataCommandResults[C]> };

export function dataCommands(ctx: DataContext): Handlers {
  const { client, emit, autosaver } = ctx;
  const crosstabNow = () => ctx.current().state().sheet.data.crosstab ?? DEFAULT_CROSSTAB;
  const notify = (text: string) => emit({ event: 'message', payload: { level: 'warning', text } });

  /** Runs an import-like worker call in the sheet's queue; Cancel (the stop flag) ends it. */
  const loadInto = (split: SplitChoice, call: () => Promise<ImportReply>): Promise<ImportOutcome> =>
    ctx.current().exclusive(async () => {
      client.clearStop();
      const reply = await call();
      if (reply.kind !== 'loaded') return reply;
      const next = ctx.install(App.loaded(client, emit, reply.load, settingsFor(split, reply.load)));
      return { kind: 'imported', state: next.shown(), report: reply.report };
    });

  const viewChange = (view: { size: number; user?: string | null; item?: string | null }) =>
    ctx.current().exclusive(async () => ctx.current().setView(await client.call('view', view)));

  /** Opens a project file (or an autosave) in place of the current sheet. */
  const openProjectAt = async (path: string, as: { projectPath: string | null; unsaved: boolean }) => {
    const reply = await client.call('openProject', path);
    const next = ctx.install(App.loaded(client, emit, reply.load, reply.meta.settings, { history: reply.meta.history, projectPath: as.projectPath }));
    next.markSaved(as.projectPath, as.unsaved);
    reply.notices.forEach(notify);
    return next;
  };

  return {
    previewImport: (a) => preview(a.path, a.format ?? {}),
    importRatings: (a) => loadInto(a.split, () => client.call('importRatings', { ...a, crosstab: a.crosstab ?? crosstabNow() })),
    cancelImport: async () => {
      client.requestStop();
      return null;
    },
    newSynthetic: (a) => loadInto(a.split, () => client.call('synthesize', { ...a, crosstab: a.crosstab ?? crosstabNow() })),
    setCrosstab: (a) => viewChange({ size: a.size }),
    pinInSheet: (a) => viewChange({ size: crosstabNow(), user: a.user, item: a.item }),
    findInSheet: (a) => ctx.current().exclusive(() => client.call('find', a.query)),
    openProject: (a) => ctx.current().exclusive(async () => (await openProjectAt(a.path, { projectPath: a.path, unsaved: false })).shown()),
    saveProject: (a) =>
      ctx.current().exclusive(async () => {
        const app = ctx.current();
        const path = extname(a.path) ? a.path : `${a.path}.collabsheet`;
        const { history, settings } = app.state();
        await client.call('saveProject', { target: { kind: 'file', path }, meta: { history, settings } });
        app.markSaved(path);
        await autosaver.discardOwn();
        return app.shown();
      }),
    exportXlsx: (a) => ctx.current().exclusive(() => client.call('exportXlsx', extname(a.path) ? a.path : `${a.path}.xlsx`)),
    listRecoverable: () => autosaver.offers(),
    restoreRecoverable: (a) =>
      ctx.current().exclusive(async () => {
        const offer = (await autosaver.offers()).find((o) => o.path === autosaver.checkOffered(a.path));
        if (!offer) throw new UserError(`${a.path} is no longer there to restore`);
        // Restored work is still unsaved: it becomes this session's autosave before the old copy goes.
        const next = await openProjectAt(offer.path, { projectPath: offer.projectPath, unsaved: true });
        await autosaver.saveNow();
        await autosaver.discard(offer.path);
        return next.shown();
      }),
    discardRecoverable: async (a) => {
      await autosaver.discard(a.path);
      return null;
    },
  };
}

/** The settings a freshly imported sheet starts with: its split as the settings panel shows it. */
function settingsFor(split: SplitChoice, load: LoadResult): Omit<SessionSettings, 'epochsPerSecond'> {
  if (split.method === 'random') return { validPct: split.validPct, splitSeed: split.seed };
  if (split.method === 'time') return { validPct: split.validPct, splitSeed: 42 };
  // A file split holds out what the second file has: shown as its share (the panel's field is in %).
  const { trainRows, validRows } = load.data.split;
  return { validPct: Math.min(0.5, Math.round((100 * validRows) / Math.max(1, trainRows + validRows)) / 100), splitSeed: 42 };
}

async function preview(path: string, format: FormatChoice): Promise<ImportPreview> {
  try {
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
    return { kind: 'ratings', ...p, delimiter: p.delimiter, folds: movielensFolds(path) };
  } catch (error) {
    if (error instanceof DataImportError) throw new UserError(error.message);
    throw error;
  }
}

/** MovieLens 100k ships five train/test splits beside u.data: u1.base + u1.test … u5. */
function movielensFolds(path: string): { name: string; base: string; test: string }[] {
  const dir = dirname(path);
  if (!/^u(\d|a|b)?\.(data|base|test)$/.test(basename(path))) return [];
  return ['u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub']
    .map((name) => ({ name, base: join(dir, `${name}.base`), test: join(dir, `${name}.test`) }))
    .filter((f) => existsSync(f.base) && existsSync(f.test));
}
