/**
 * The app: the sheet's state, the commands that change it, and the events that report it. No
 * electron, ws or http here — it runs the same under Electron, the web host and the tests. The
 * big arrays and the trainer live in the training worker; this side keeps only what the sheet
 * shows (the visible block, its numbers, the chart's history, the undo stack).
 */
import type {
  AppState,
  ColdStartAnswer,
  CommandResults,
  EventMessage,
  RunOutcome,
  Service,
  SessionSettings,
  SheetLayout,
  SheetNumbers,
  TrainConfig,
  ValidArgs,
  EpochMetrics,
} from './contract.ts';
import { Autosaver } from './autosave.ts';
import { dataCommands } from './data-commands.ts';
import { EditHistory, type CellChange, type Edit } from './edit-history.ts';
import { insightHandlers, type InsightHost } from './insight-commands.ts';
import { parsePastedBlock } from './paste.ts';
import { checkRating } from './rating-scale.ts';
import { UserError } from './user-error.ts';
import { TrainingClient, type WorkerEvent, type WorkerFactory } from './worker-client.ts';
import type { LoadResult, SheetSource, SplitResult, ViewResult, WorkerCalls } from './worker/protocol.ts';
import type { SheetWindow } from './visible-block.ts';

export interface ServiceOptions {
  source: SheetSource;
  /** Most users (rows) and movies (columns) the sheet shows; default 15 × 15 like the Excel sheet. */
  crosstab?: number;
  /** null/absent: the default for the sheet's size. */
  config?: TrainConfig | null;
  settings?: Partial<SessionSettings>;
  /** Where autosaves go (and crashed sessions' are found); absent: no autosave. */
  recoveryDir?: string;
  /** How long after a change the autosave runs (default 60 s); a finished Solve autosaves at once. */
  autosaveMs?: number;
}

export const DEFAULT_CROSSTAB = 15;
/** Real data gets a validation split from the start: ARCHITECTURE.md §3's 10 %, seed 42. */
export const REAL_DATA_SPLIT = { validPct: 0.1, splitSeed: 42 };

/** Small sheets animate: 30 epochs/s lets a student watch the factors settle (and the sheet repaint at 30 Hz). */
const SMALL_SHEET_EPOCHS_PER_SECOND = 30;
const SMALL_SHEET_RATINGS = 10_000;

export interface DisposableService extends Service {
  dispose(): Promise<void>;
}

export async function createService(createWorker: WorkerFactory, options: ServiceOptions): Promise<DisposableService> {
  const listeners = new Set<(e: EventMessage) => void>();
  const emit = (e: EventMessage) => listeners.forEach((l) => l(e));
  let app: App | null = null;
  const client = new TrainingClient(
    createWorker,
    (e) => app?.onWorkerEvent(e),
    (text) => emit({ event: 'message', payload: { level: 'error', text } }),
  );
  try {
    app = await App.open(client, options, emit);
  } catch (error) {
    await client.dispose();
    throw error;
  }
  let current = app;
  /** A new sheet replaces the current one only once it has fully loaded. */
  const install = (next: App) => {
    app = current = next;
    return next;
  };
  const autosaver = new Autosaver(client, () => current, options);
  listeners.add((e) => autosaver.onEvent(e));
  const handlers: { [C in keyof CommandResults]: (a: ValidArgs<C>) => Promise<CommandResults[C]> } = {
    ...insightHandlers(() => current),
    getState: async () => current.state(),
    setRating: (a) => current.setRating(a.row, a.col, a.rating),
    clearRating: (a) => current.setCells([{ row: a.row, col: a.col, rating: null }]),
    paste: (a) => current.paste(a.row, a.col, a.text),
    undo: () => current.undoRedo('undo'),
    redo: () => current.undoRedo('redo'),
    setConfig: (a) => current.setConfig(a.config),
    setSettings: (a) => current.setSettings(a.settings),
    solve: () => current.run(Number.MAX_SAFE_INTEGER),
    step: () => current.run(1),
    stop: async () => current.stop(),
    reset: (a) => current.reset(a.seed, a.init),
    openRatings: (a) =>
      current.exclusive(async () => {
        const sheetFile = /\.json$/i.test(a.path);
        const source: SheetSource = sheetFile ? { kind: 'sheet-file', path: a.path } : { kind: 'ratings-file', path: a.path };
        // A new sheet gets the defaults for its size, not the old sheet's config or pacing; a
        // ratings file gets the benchmarks' validation split, a workbook none (Excel has none).
        const settings = sheetFile || /\.xlsx$/i.test(a.path) ? undefined : REAL_DATA_SPLIT;
        const crosstab = current.state().sheet.data.crosstab;
        return install(await App.open(client, { ...options, source, config: null, settings, crosstab }, emit)).shown();
      }),
    ...dataCommands({ client, emit, options, autosaver, current: () => current, install }),
  };
  return {
    ...handlers,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      await autosaver.dispose();
      listeners.clear();
      await client.dispose();
    },
  };
}

export class App implements InsightHost {
  private readonly edits = new EditHistory();
  private training = false;
  /** Changed since it was opened or last saved (what autosave and "unsaved" mean). */
  private dirty = false;
  /** Commands that change state run one at a time, so an edit's "before" is what undo restores. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: TrainingClient,
    private readonly emit: (e: EventMessage) => void,
    private visible: SheetWindow,
    private sheet: SheetLayout,
    private numbers: SheetNumbers,
    private config: TrainConfig,
    private settings: SessionSettings,
    private history: EpochMetrics[],
    /** The .collabsheet file this state was opened from or saved to. */
    private projectPath: string | null,
  ) {}

  static async open(client: TrainingClient, o: ServiceOptions, emit: (e: EventMessage) => void): Promise<App> {
    const split = { validPct: o.settings?.validPct ?? 0, splitSeed: o.settings?.splitSeed ?? 42 };
    const loaded = await client.call('load', { source: o.source, split, config: o.config ?? null, crosstab: o.crosstab ?? DEFAULT_CROSSTAB });
    return App.loaded(client, emit, loaded, { ...split, epochsPerSecond: o.settings?.epochsPerSecond });
  }

  /** A sheet the worker has loaded; settings not given get the defaults for its size. */
  static loaded(
    client: TrainingClient,
    emit: (e: EventMessage) => void,
    loaded: LoadResult,
    settings: Omit<SessionSettings, 'epochsPerSecond'> & { epochsPerSecond?: number },
    saved: { history: EpochMetrics[]; projectPath: string | null } = { history: [], projectPath: null },
  ): App {
    const small = loaded.split.totals.ratings <= SMALL_SHEET_RATINGS;
    const sheet: SheetLayout = {
      name: loaded.name,
      scale: loaded.scale,
      users: loaded.users,
      movies: loaded.movies,
      ratings: loaded.ratings,
      heldOut: loaded.split.heldOut,
      totals: loaded.split.totals,
      planted: loaded.planted,
      data: loaded.data,
    };
    const paced = { ...settings, epochsPerSecond: settings.epochsPerSecond ?? (small ? SMALL_SHEET_EPOCHS_PER_SECOND : 0) };
    return new App(client, emit, loaded.visible, sheet, loaded.split.numbers, loaded.config, paced, saved.history, saved.projectPath);
  }

  state(): AppState {
    return {
      sheet: this.sheet,
      numbers: this.numbers,
      config: this.config,
      settings: this.settings,
      history: this.history,
      status: this.training ? 'training' : 'idle',
      canUndo: this.edits.canUndo,
      canRedo: this.edits.canRedo,
      project: { path: this.projectPath, unsaved: this.dirty },
    };
  }

  get unsaved(): boolean {
    return this.dirty;
  }

  get isTraining(): boolean {
    return this.training;
  }

  get project(): string | null {
    return this.projectPath;
  }

  /** Saved to (or restored as the unsaved state of) `path`. */
  markSaved(path: string | null, unsaved = false): void {
    this.projectPath = path;
    this.dirty = unsaved;
  }

  onWorkerEvent(e: WorkerEvent): void {
    if (e.type === 'progress') return this.emit({ event: 'progress', payload: e.progress });
    if (e.type === 'import-progress') return this.emit({ event: 'importProgress', payload: e.progress });
    this.dirty = true;
    this.history.push(...e.metrics);
    this.numbers = e.numbers;
    this.emit({ event: 'epoch', payload: { metrics: e.metrics, numbers: e.numbers } });
  }

  async setRating(row: number, col: number, rating: number): Promise<AppState> {
    this.checkCell(row, col);
    checkRating(rating, this.sheet.scale, `${this.cellName(row, col)}`);
    return this.setCells([{ row, col, rating }]);
  }

  setCells(cells: { row: number; col: number; rating: number | null }[]): Promise<AppState> {
    return this.exclusive(async () => {
      for (const { row, col } of cells) this.checkCell(row, col);
      const edit = cells
        .map(({ row, col, rating }) => ({
          user: this.visible.userRows[row],
          item: this.visible.itemRows[col],
          before: this.sheet.ratings[row][col],
          after: rating,
        }))
        .filter((c) => c.before !== c.after);
      if (edit.length === 0) return this.state();
      const cold = await this.apply(edit);
      this.edits.record(edit);
      return this.changed(cold);
    });
  }

  async paste(row: number, col: number, text: string): Promise<AppState> {
    this.checkCell(row, col);
    const block = parsePastedBlock(text, this.sheet.scale);
    const rows = block.length;
    const cols = Math.max(...block.map((r) => r.length));
    if (row + rows > this.sheet.users.length || col + cols > this.sheet.movies.length) {
      throw new UserError(
        `Paste: a ${rows} × ${cols} block at ${this.cellName(row, col)} does not fit the ` +
          `${this.sheet.users.length} × ${this.sheet.movies.length} sheet`,
      );
    }
    return this.setCells(block.flatMap((values, r) => values.map((rating, c) => ({ row: row + r, col: col + c, rating }))));
  }

  undoRedo(which: 'undo' | 'redo'): Promise<AppState> {
    return this.exclusive(async () => {
      const edit = which === 'undo' ? this.edits.undo() : this.edits.redo();
      if (!edit) throw new UserError(which === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
      return this.changed(await this.apply(edit));
    });
  }

  setConfig(config: TrainConfig): Promise<AppState> {
    return this.exclusive(async () => {
      const reinitialised = config.model.kind !== this.config.model.kind || config.model.factors !== this.config.model.factors;
      this.numbers = await this.client.call('configure', config);
      this.config = config;
      if (reinitialised) this.history = [];
      return this.changed();
    });
  }

  setSettings(settings: SessionSettings): Promise<AppState> {
    return this.exclusive(async () => {
      if (settings.validPct !== this.settings.validPct || settings.splitSeed !== this.settings.splitSeed) {
        this.takeSplit(await this.client.call('split', { validPct: settings.validPct, splitSeed: settings.splitSeed }));
      }
      this.settings = settings;
      return this.changed();
    });
  }

  reset(seed: number, init: TrainConfig['model']['init']): Promise<AppState> {
    return this.exclusive(async () => {
      this.numbers = await this.client.call('reset', { seed, init });
      this.config = { ...this.config, seed, model: { ...this.config.model, init } };
      this.history = [];
      return this.changed();
    });
  }

  async run(maxEpochs: number): Promise<RunOutcome> {
    if (this.training) throw new UserError('Training is already running');
    const run = this.exclusive(async () => {
      this.client.clearStop();
      this.training = true;
      this.changed();
      try {
        const outcome = await this.client.call('train', { maxEpochs, epochsPerSecond: this.settings.epochsPerSecond });
        if (outcome.stopped?.kind === 'diverged') {
          this.emit({ event: 'message', payload: { level: 'error', text: `Training diverged: ${outcome.stopped.message}` } });
        }
        return outcome;
      } finally {
        this.training = false;
        this.changed();
      }
    });
    // Refuse edits from the moment Solve is accepted, not only once it reaches the queue.
    this.training = true;
    return run;
  }

  stop(): null {
    this.client.requestStop();
    return null;
  }

  /** The crosstab moved (another N, a pinned user or movie): the sheet shows another block. */
  setView(view: ViewResult): AppState {
    this.visible = view.visible;
    this.sheet = {
      ...this.sheet,
      users: view.users,
      movies: view.movies,
      ratings: view.ratings,
      planted: view.planted,
      data: view.data,
    };
    this.takeSplit(view.split);
    return this.changed();
  }

  query<Q extends Parameters<InsightHost['query']>[0]>(call: Q, args: WorkerCalls[Q][0]): Promise<WorkerCalls[Q][1]> {
    if (this.training) return Promise.reject(new UserError('Training is running — insights and exports read the factors once it stops'));
    return this.client.call(call, args);
  }

  addRow(side: 'user' | 'item', label: string | undefined): Promise<AppState> {
    return this.exclusive(async () => {
      const added = await this.client.call('addRow', { side, label });
      const { users, movies, ratings } = this.sheet;
      this.sheet = added.user
        ? { ...this.sheet, users: [...users, added.user], ratings: [...ratings, movies.map(() => null)] }
        : { ...this.sheet, movies: [...movies, added.movie!], ratings: ratings.map((r) => [...r, null]) };
      (side === 'user' ? this.visible.userRows : this.visible.itemRows).push(added.code);
      this.takeSplit(added.split);
      if (added.noFoldIn) {
        this.emit({ event: 'message', payload: { level: 'info', text: `The new ${side === 'user' ? 'user' : 'movie'} learns at the next Solve: ${added.noFoldIn}` } });
      }
      return this.changed();
    });
  }

  /** Sends the changes to the worker and mirrors the visible ones in the grid; returns the cold rows' new lists. */
  private async apply(edit: Edit): Promise<ColdStartAnswer[]> {
    const { cold, ...split } = await this.client.call(
      'edit',
      edit.map((c: CellChange) => ({ user: c.user, item: c.item, rating: c.after })),
    );
    const rowOf = new Map(this.visible.userRows.map((u, r) => [u, r]));
    const colOf = new Map(this.visible.itemRows.map((i, c) => [i, c]));
    const ratings = this.sheet.ratings.map((r) => r.slice());
    for (const c of edit) {
      const row = rowOf.get(c.user);
      const col = colOf.get(c.item);
      if (row !== undefined && col !== undefined) ratings[row][col] = c.after;
    }
    this.sheet = { ...this.sheet, ratings };
    this.takeSplit(split);
    return cold;
  }

  private takeSplit(split: SplitResult): void {
    this.sheet = { ...this.sheet, heldOut: split.heldOut, totals: split.totals, data: { ...this.sheet.data, split: split.report } };
    this.numbers = split.numbers;
  }

  /**
   * Announces a change the user made (it is unsaved until the next save). Cold rows' new lists go
   * first, so the cold-start card has its answer when the state arrives and need not ask.
   */
  changed(cold: readonly ColdStartAnswer[] = []): AppState {
    this.dirty = true;
    for (const answer of cold) this.emit({ event: 'coldStart', payload: answer });
    return this.shown();
  }

  /** Announces the state as it is (a sheet just opened, saved or restored). */
  shown(): AppState {
    const state = this.state();
    this.emit({ event: 'state', payload: state });
    return state;
  }

  /** Runs a state-changing task after the ones before it; refused while training. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.training) return Promise.reject(new UserError('Training is running — press Stop first'));
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private checkCell(row: number, col: number): void {
    if (row >= this.sheet.users.length || col >= this.sheet.movies.length) {
      throw new UserError(`There is no cell at row ${row + 1}, column ${col + 1} on this sheet`);
    }
  }

  private cellName(row: number, col: number): string {
    return `${this.sheet.users[row].label} × ${this.sheet.movies[col].title}`;
  }
}
