/**
 * The app's state as a `.collabsheet` project and back. The data goes in as io/project.ts allows:
 * embedded when small, a reference to the ratings file when big (re-read on open, with a notice
 * if it changed), the spec of a synthetic dataset (the generator is deterministic). The user's
 * edits, the split, the crosstab view and the settings ride along as the app's own state; the
 * factors and the optimizer's moments as raw float32 blobs.
 */
import { mkdir, stat } from 'node:fs/promises';
import type { ImportProgress } from '../../data/import/index.ts';
import { WriteRefusedError } from '../../io/atomic-write.ts';
import type { EpochMetrics, TrainConfig } from '../../engine/types.ts';
import { autosave, type CollabProject, openProject, openProjectRuns, type OpenedProject, ProjectFileError, type ProjectSource, saveProject } from '../../io/project.ts';
import { trainConfigSchema, type SessionSettings } from '../contract.ts';
import type { RatingChange, RatingsTable } from '../ratings-table.ts';
import { RunStore } from '../runs/run-store.ts';
import { UserError } from '../user-error.ts';
import { type AppProjectState, checkStateFitsData, parseAppState } from './project-state.ts';
import { generate, type PreparedSheet, readRatings } from './sheet-sources.ts';
import type { LoadResult, TrainingSession } from './training-session.ts';

/** What the app keeps beside the session: its part of a project. */
export interface ProjectMeta {
  history: EpochMetrics[];
  settings: SessionSettings;
  runs: RunStore;
}

export type SaveTarget =
  /** overwrite: the user confirmed replacing an existing file (or it is the project's own). */
  | { kind: 'file'; path: string; overwrite: boolean }
  /** The recovery copy of `projectPath` (null: an untitled project of this session). */
  | { kind: 'autosave'; recoveryDir: string; projectPath: string | null; sessionId: string };

export interface SaveRequest {
  target: SaveTarget;
  meta: ProjectMeta;
}

export interface ProjectReply {
  load: LoadResult;
  meta: ProjectMeta;
  /** Things the user should know (the ratings file changed since the save…). */
  notices: string[];
}

/** Up to this many ratings the data is stored in the project (12 bytes a rating); beyond, a reference. */
export const EMBED_LIMIT = 1_000_000;

export async function saveProjectFile(session: TrainingSession, req: SaveRequest): Promise<string> {
  const project: CollabProject = { ...toProject(session, req), runs: await req.meta.runs.stored() };
  const target = req.target;
  try {
    let written: string;
    if (target.kind === 'file') {
      await saveProject(target.path, project, { overwrite: target.overwrite });
      written = target.path;
    } else {
      await mkdir(target.recoveryDir, { recursive: true });
      written = await autosave(target.recoveryDir, target.projectPath, target.sessionId, project);
    }
    // Runs whose factors were left in a file read them from the file just written from now on.
    req.meta.runs.relink(await openProjectRuns(written));
    return written;
  } catch (error) {
    if (error instanceof WriteRefusedError) throw error; // says what it is already; "exists" is asked about
    const where = target.kind === 'file' ? target.path : target.recoveryDir;
    throw new UserError(`Cannot save ${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function toProject(session: TrainingSession, req: SaveRequest): CollabProject {
  const s = session.current();
  const { sheet } = s;
  const d = s.table.loaded;
  const small = d.ratings.length <= EMBED_LIMIT;
  const state: AppProjectState = {
    format: 'collabsheet-app',
    version: 1,
    settings: req.meta.settings,
    scale: sheet.scale,
    origin: sheet.origin,
    labels: small ? { users: sheet.users, movies: sheet.movies } : null,
    planted: sheet.planted,
    fileMask: small ? sheet.fileMask : null,
    split: { method: s.split.method, validPct: s.split.validPct, seed: s.split.seed },
    view: { size: s.view.size, pinUsers: s.view.pinUsers.map((u) => d.userIds[u]), pinItems: s.view.pinItems.map((i) => d.itemIds[i]) },
    edits: s.table.changes().map((c) => [d.userIds[c.user], d.itemIds[c.item], c.rating]),
    epochs: session.epochCount,
    trainedBy: session.trainedBy,
  };
  // The side features go in parsed (project-features.ts says why), with the rows given to added movies and users.
  const features = sheet.features && (sheet.features.item || sheet.features.user) ? { features: sheet.features } : {};
  return { name: sheet.name, source: sourceOf(sheet, s.table, small), config: s.config, model: s.trainer.exportParams(), history: req.meta.history, state, ...features };
}

/** The data as stored: embedded with the ids of rows added on the sheet, a file reference, or a generator spec. */
function sourceOf(sheet: PreparedSheet, table: RatingsTable, small: boolean): ProjectSource {
  const o = sheet.origin;
  if (o.kind === 'generated') return { kind: 'generated', spec: o.spec };
  if (o.kind === 'ratings-file' && !small) {
    return { kind: 'file', path: o.path, bytes: o.bytes, mtimeMs: o.mtimeMs, importOptions: o.options, ...(o.validPath ? { validPath: o.validPath } : {}) };
  }
  return { kind: 'embedded', dataset: table.loaded };
}

/** `eager`: read the runs' parameters now (an autosave, which is replaced or deleted soon), not when a run is opened. */
export async function openProjectFile(
  session: TrainingSession,
  path: string,
  progress: (stage: 'reading', p: ImportProgress) => void,
  eager = false,
): Promise<ProjectReply> {
  let project: OpenedProject;
  try {
    project = await openProject(path);
  } catch (error) {
    if (error instanceof ProjectFileError) throw new UserError(error.message);
    throw error;
  }
  const state = parseAppState(path, project.state);
  const notices: string[] = [];
  // A format-1 project has no features: it opens without them.
  const sheet = { ...(await sheetOf(project, state, path, notices, progress)), ...(project.features ? { features: project.features } : {}) };
  checkStateFitsData(path, state, sheet, project.source.kind === 'embedded');
  const d = sheet.dataset;
  const userCode = codes(d.userIds);
  const itemCode = codes(d.itemIds);
  const edits: RatingChange[] = [];
  for (const [user, item, rating] of state.edits) {
    const u = userCode.get(user);
    const i = itemCode.get(item);
    if (u !== undefined && i !== undefined) edits.push({ user: u, item: i, rating });
  }
  if (edits.length < state.edits.length) notices.push(`${state.edits.length - edits.length} edited cells name users or movies the ratings file no longer has; they were dropped`);
  const config = trainConfigSchema.safeParse(project.config);
  if (project.config && !config.success) notices.push('The saved training settings were not valid here; the defaults are used');
  const pins = (ids: string[], map: Map<string, number>) => ids.flatMap((id) => (map.has(id) ? [map.get(id)!] : []));
  let load = await session.install({
    sheet,
    split: state.split,
    config: config.success ? (config.data as TrainConfig) : null,
    view: { size: state.view.size, pinUsers: pins(state.view.pinUsers, userCode), pinItems: pins(state.view.pinItems, itemCode) },
    edits,
    unusedFeatures: state.settings.unusedFeatures ?? [],
  });
  let restored = false;
  if (project.model) {
    try {
      session.restoreParams(project.model, state.epochs, state.trainedBy ?? null);
      restored = true;
    } catch (error) {
      // The import may have written some tables before it stopped: start afresh, as the notice says.
      const { config: now } = session.current();
      await session.reset(now.seed, now.model.init);
      notices.push(`The saved factors do not fit this data (${(error as Error).message}); training starts from fresh factors`);
    }
    load = { ...load, ...session.viewResult() };
  }
  // The chart's history belongs to the saved factors: without them it describes another model.
  const runs = await RunStore.fromProject(project.runs, notices, eager);
  return { load, meta: { history: restored ? project.history : [], settings: state.settings, runs }, notices };
}

async function sheetOf(
  project: OpenedProject,
  state: AppProjectState,
  path: string,
  notices: string[],
  progress: (stage: 'reading', p: ImportProgress) => void,
): Promise<PreparedSheet> {
  const source = project.source;
  if (source.kind === 'generated') {
    const sheet = generate(project.name, source.spec);
    return { ...sheet, scale: state.scale };
  }
  if (source.kind === 'file') {
    const now = await stat(source.path).catch(() => null);
    if (!now) throw new UserError(`${path}: its ratings file ${source.path} is missing (the project stores a reference to big data): put the file back and open the project again`);
    if (now.size !== source.bytes || Math.abs(now.mtimeMs - source.mtimeMs) > 1) {
      notices.push(`${source.path} changed since the project was saved: the sheet shows the file as it is now`);
    }
    return readRatings({ path: source.path, validPath: source.validPath ?? null, options: source.importOptions }, { onProgress: (p) => progress('reading', p) });
  }
  const d = source.dataset;
  return {
    name: project.name,
    scale: state.scale,
    users: state.labels?.users ?? d.userIds.map((id) => ({ id, label: id })),
    movies: state.labels?.movies ?? d.itemIds.map((id, i) => ({ id, title: d.itemTitles?.[i] ?? id })),
    dataset: d,
    planted: state.planted,
    origin: state.origin,
    fileMask: state.fileMask,
    start: null,
    truth: null,
    report: null,
  };
}

function codes(ids: string[]): Map<string, number> {
  return new Map(ids.map((id, code) => [id, code]));
}
