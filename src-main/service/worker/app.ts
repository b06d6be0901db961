/**
 * The application: the open sheet's state and every command of the contract. It lives in the
 * training worker beside the data and the model; the main thread validates each command against
 * the contract and forwards it here unchanged, and the events go back unchanged.
 *
 * Commands that change the state run one at a time (an edit's "before" is what undo restores)
 * and are refused while training runs; each answers with what it changed and announces the same
 * patch as a `changed` event. Opening a sheet announces the whole state, history included, once.
 */
import type {
  AppState,
  CellUpdate,
  ColdStartAnswer,
  CommandHandlers,
  EpochMetrics,
  EventMessage,
  LrFindResult,
  RunOutcome,
  SessionSettings,
  SheetLayout,
  SheetNumbers,
  StatePatch,
  TrainConfig,
  ValidArgs,
} from '../contract.ts';
import type { FeatureValues } from '../insight-contract.ts';
import { EditHistory, type Edit, type ModelState, type ModelSwap, type ParamChange, type Replay } from '../edit-history.ts';
import { parsePastedBlock } from '../paste.ts';
import { checkRating } from '../rating-scale.ts';
import { RunStore } from '../runs/run-store.ts';
import { UserError } from '../user-error.ts';
import { Autosaver } from './autosave.ts';
import { DataCalls } from './data-calls.ts';
import { blendRuns, blendViewOf, exportBlendRun, type ExperimentHost, sweepOnSheet, tuneOnSheet } from './experiments.ts';
import type { Checkpoint, FromWorker } from './channel.ts';
import { featureEffectRuns } from './feature-runs.ts';
import { dataCommands, openProjectFile } from './data-commands.ts';
import { DEFAULT_CROSSTAB, type OpenSheet, type ServiceOptions, type SheetHost } from './open-sheet.ts';
import type { StopFlag } from './stop-flag.ts';
import type { ViewResult } from './loaded-sheet.ts';
import { TrainingSession, type LoadResult } from './training-session.ts';
import type { TrainerOptions } from '../../engine/train/trainer.ts';
import type { WorkerEntry } from '../../engine/train/parallel/worker-entry.ts';
import { CONVERGENCE } from '../../engine/train/convergence.ts';
import { lrFind, lrFindRefusal } from '../../engine/train/lr-find.ts';
import { basename } from 'node:path';


/** Small sheets animate: 30 epochs/s lets a student watch the factors settle (and the sheet repaint at 30 Hz). */
const SMALL_SHEET_EPOCHS_PER_SECOND = 30;

/**
 * How a training work ends: `idle` joins the 'idle' announcement; `record` runs right after it
 * and its patch (the Runs list) follows. Recording a run copies its factors (~50 ms at 5M
 * ratings), which a Stop's answer does not wait for.
 */
interface WorkEnd {
  idle: StatePatch;
  record: (() => StatePatch) | null;
}
const SMALL_SHEET_RATINGS = 10_000;


export class App implements SheetHost {
  readonly session: TrainingSession;
  /** Imports, projects, Excel: reading and writing files around the session. */
  readonly data: DataCalls;
  readonly autosaver: Autosaver;
  readonly commands: CommandHandlers;
  private sheet!: OpenSheet;
  private training = false;
  /** Set by dispose: nothing new starts, and a Solve already queued does not. */
  private closing = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** The run a series of Steps grows; any other change ends the series (a Step after it is a new run). */
  private stepRun: string | null = null;

  constructor(
    private readonly post: (m: FromWorker) => void,
    readonly stopFlag: StopFlag,
    readonly options: ServiceOptions,
    /** How the engines use more cores: the ONNX trainer's block workers, the fused engine's worker code. */
    engines: { trainer?: TrainerOptions; fusedWorker?: WorkerEntry } = {},
    /** Kept across a worker restart, so the restarted app writes the same autosave. */
    sessionId?: string,
  ) {
    this.session = new TrainingSession(
      {
        epochs: (metrics, numbers) => this.onEpochs(metrics, numbers),
        progress: (payload) => this.emit({ event: 'progress', payload }),
        notice: (text, level = 'warning') => this.notify(level, text),
      },
      () => stopFlag.raised,
      engines.trainer,
      engines.fusedWorker,
    );
    this.data = new DataCalls(this.session, { importProgress: (payload) => this.emit({ event: 'importProgress', payload }) });
    this.autosaver = new Autosaver(this, options, sessionId);
    this.commands = this.handlers();
  }

  /**
   * Opens the sheet the options name, or, in a worker restarted after a crash, the checkpoint its
   * predecessor left (the service is ready once it has).
   */
  async start(resume?: Checkpoint): Promise<void> {
    if (resume?.kind === 'project') {
      await openProjectFile(this, resume.path, resume);
      if (resume.unsaved) this.autosaver.adopt(resume.path);
      return;
    }
    const o = this.options;
    const split = { validPct: o.settings?.validPct ?? 0, splitSeed: o.settings?.splitSeed ?? 42 };
    const load = await this.session.load({ source: o.source, split, config: o.config ?? null, crosstab: o.crosstab ?? DEFAULT_CROSSTAB });
    this.opened(load, { ...split, epochsPerSecond: o.settings?.epochsPerSecond });
    if (resume) await (this.commands[resume.command] as (args: unknown) => Promise<unknown>)(resume.args);
  }

  /**
   * Stops training and lets the queued work end before the sessions are released: an ONNX
   * Runtime call still running when its session is freed, or its thread is terminated, aborts
   * the whole process ("terminate called after throwing an instance of 'Napi::Error'").
   */
  async dispose(): Promise<void> {
    this.closing = true;
    this.stopFlag.raise();
    const closed = this.queue.then(async () => {
      if (this.sheet) await this.autosaver.dispose();
      await this.session.dispose();
    });
    this.queue = closed.catch(() => undefined);
    await closed;
  }

  private handlers(): CommandHandlers {
    const insights = this.session.insights;
    const query = <A, R>(run: (a: A) => R | Promise<R>) => (a: A) => this.exclusive(async () => run(a));
    return {
      getState: async () => this.state(),
      setRating: (a) => this.setRating(a.row, a.col, a.rating),
      clearRating: (a) => this.setCells([{ row: a.row, col: a.col, rating: null }]),
      setParameter: (a) => this.setParameter(a),
      paste: (a) => this.paste(a.row, a.col, a.text),
      undo: () => this.undoRedo('undo'),
      redo: () => this.undoRedo('redo'),
      setConfig: (a) => this.setConfig(a.config),
      setSettings: (a) => this.setSettings(a.settings),
      solve: () => this.run(Number.MAX_SAFE_INTEGER),
      step: () => this.run(1),
      stop: async () => {
        this.stopFlag.raise();
        return null;
      },
      reset: (a) => this.reset(a.seed, a.init),
      lrFind: () => this.lrFind(),
      runCurves: query((a) => this.sheet.runs.curves(a.ids)),
      renameRun: (a) => this.exclusive(async () => this.runsChanged(() => this.sheet.runs.rename(a.id, a.name))),
      deleteRun: (a) => this.exclusive(async () => this.runsChanged(() => this.sheet.runs.delete(a.id))),
      openRun: (a) => this.openRun(a.id),
      sweep: (a) => this.experiment((host) => sweepOnSheet(host, a)),
      tune: (a) => this.experiment((host) => tuneOnSheet(host, a)),
      blend: (a) => this.exclusive(async () => blendRuns(this.experimentHost(), a)),
      biases: query((a) => insights.biases(a)),
      itemPca: query((a) => insights.itemPca(a)),
      similarItems: query((a) => insights.similarItems(a)),
      recommendations: query((a) => insights.recommendations(a)),
      findRows: query((a) => insights.findRows(a)),
      oneHot: query((a) => insights.oneHot(a)),
      featureValueEffects: query((a) => insights.featureValueEffects(a)),
      featureEffects: (a) => this.experiment((host) => featureEffectRuns({
        ...host,
        usedFeatures: () => this.session.usedFeatures(),
        featuresWithout: (keys) => this.session.featuresWithout(keys),
        featureProgress: (payload) => this.emit({ event: 'featureEffectsProgress', payload }),
      }, a)),
      // A blend run's export reads its members' factors from the run store; the sheet's model, the trainer's tables.
      exportEmbeddings: query(({ run, ...a }) => (run ? exportBlendRun(this.experimentHost(), { ...a, run }) : insights.exportEmbeddings(a))),
      addUser: (a) => this.addRow('user', a.label, a.features),
      addMovie: (a) => this.addRow('item', a.title, a.features),
      coldStartList: query((a) => this.session.coldList(a.side, a.id)),
      ...dataCommands(this, this.autosaver, this.options.recoveryDir),
    };
  }

  // -------------------------------------------------------------------------------------------
  // The state

  state(): AppState {
    const view = this.session.viewResult(false);
    return {
      sheet: this.layout(view),
      numbers: view.split.numbers,
      config: this.session.current().config,
      settings: this.sheet.settings,
      history: this.sheet.history,
      status: this.training ? 'training' : 'idle',
      engine: this.session.trainedBy,
      canUndo: this.sheet.edits.canUndo,
      canRedo: this.sheet.edits.canRedo,
      project: { path: this.sheet.path, unsaved: this.sheet.unsaved },
      runs: this.sheet.runs.list(),
    };
  }

  get openSheet(): OpenSheet {
    return this.sheet;
  }

  get isTraining(): boolean {
    return this.training;
  }

  /**
   * A sheet the session has just loaded replaces the open one: new history, undo stack and
   * settings (those not given get the defaults for its size). Announces the whole state.
   */
  opened(
    load: LoadResult,
    settings: Omit<SessionSettings, 'epochsPerSecond'> & { epochsPerSecond?: number },
    saved: { history: EpochMetrics[]; path: string | null; unsaved: boolean; runs?: RunStore } = { history: [], path: null, unsaved: false },
  ): AppState {
    const small = load.split.totals.ratings <= SMALL_SHEET_RATINGS;
    const epochsPerSecond = settings.epochsPerSecond ?? (small ? SMALL_SHEET_EPOCHS_PER_SECOND : 0);
    const runs = saved.runs ?? new RunStore();
    this.sheet = { edits: new EditHistory(), history: saved.history, settings: { ...settings, epochsPerSecond }, path: saved.path, unsaved: saved.unsaved, runs };
    this.stepRun = null;
    const state = this.state();
    this.emit({ event: 'state', payload: state });
    return state;
  }

  /** The crosstab moved (another N, a pinned user or movie) or grew a row: the sheet shows another block. */
  viewChanged(view: ViewResult, also: StatePatch = {}): StatePatch {
    return this.changed({ sheet: this.layout(view), numbers: view.split.numbers, ...also });
  }

  /** Saved to `path`: nothing is unsaved now. */
  saved(path: string): StatePatch {
    this.sheet.path = path;
    this.sheet.unsaved = false;
    this.checkpoint({ kind: 'project', path, projectPath: path, unsaved: false, label: basename(path) });
    return this.announce({ project: this.project() });
  }

  notify(level: 'info' | 'warning' | 'error', text: string): void {
    this.emit({ event: 'message', payload: { level, text } });
  }

  checkpoint(c: Checkpoint): void {
    this.post({ checkpoint: c });
  }

  private emit(e: EventMessage): void {
    this.post(e);
  }

  // -------------------------------------------------------------------------------------------
  // Editing

  private async setRating(row: number, col: number, rating: number): Promise<StatePatch> {
    const sheet = this.layout(this.session.viewResult(false));
    this.checkCell(sheet, row, col);
    checkRating(rating, sheet.scale, `${sheet.users[row].label} × ${sheet.movies[col].title}`);
    return this.setCells([{ row, col, rating }]);
  }

  private setCells(cells: { row: number; col: number; rating: number | null }[]): Promise<StatePatch> {
    return this.exclusive(async () => {
      const view = this.session.viewResult(false);
      const sheet = this.layout(view);
      for (const { row, col } of cells) this.checkCell(sheet, row, col);
      const edit = cells
        .map(({ row, col, rating }) => ({ user: view.visible.userRows[row], item: view.visible.itemRows[col], before: view.ratings[row][col], after: rating }))
        .filter((c) => c.before !== c.after);
      if (edit.length === 0) return {};
      const patch = await this.apply(edit);
      this.sheet.edits.record(edit);
      return this.changed({ ...patch, ...this.undoState() });
    });
  }

  private async paste(row: number, col: number, text: string): Promise<StatePatch> {
    const sheet = this.layout(this.session.viewResult(false));
    this.checkCell(sheet, row, col);
    const block = parsePastedBlock(text, sheet.scale);
    const rows = block.length;
    const cols = block.reduce((most, r) => Math.max(most, r.length), 0);
    if (row + rows > sheet.users.length || col + cols > sheet.movies.length) {
      throw new UserError(
        `Paste: a ${rows} × ${cols} block at ${sheet.users[row].label} × ${sheet.movies[col].title} does not fit the ` +
          `${sheet.users.length} × ${sheet.movies.length} sheet`,
      );
    }
    return this.setCells(block.flatMap((values, r) => values.map((rating, c) => ({ row: row + r, col: col + c, rating }))));
  }

  private undoRedo(which: 'undo' | 'redo'): Promise<StatePatch> {
    return this.exclusive(async () => {
      const step = which === 'undo' ? this.sheet.edits.undo() : this.sheet.edits.redo();
      if (!step) throw new UserError(which === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
      if (step.kind === 'model') return this.swapModel(step.swap);
      if (step.kind === 'cells') return this.changed({ ...(await this.apply(step.changes)), ...this.undoState() });
      if (step.kind === 'param') return this.changed({ numbers: this.writeParameter(step.change), ...this.undoState() });
      await this.replayRow(step);
      return this.viewChanged(this.session.viewResult(), this.undoState());
    });
  }

  /** An added row's undo (it leaves the sheet) or redo (it is added again, under the same id). */
  private async replayRow(step: Replay & { kind: 'add-row' | 'remove-row' }): Promise<void> {
    if (step.kind === 'remove-row') return this.session.removeRow(step.row.side, step.row.id);
    const again = await this.session.addRow(step.row.side, step.row.label, step.row.features);
    if (again.id !== step.row.id) throw new Error(`redo: the row came back as ${again.id}, not ${step.row.id}`);
  }

  /**
   * Sends the changes to the session; answers the visible cells among them as the sheet now
   * shows them. Cold rows' new lists go out first, so the cold-start card has its answer when
   * the patch arrives and need not ask.
   */
  private async apply(edit: Edit): Promise<StatePatch> {
    const { cold, ...split } = await this.session.edit(edit.map((c) => ({ user: c.user, item: c.item, rating: c.after })));
    this.announceCold(cold);
    const { visible } = this.session.current();
    const rowOf = new Map(visible.userRows.map((u, r) => [u, r]));
    const colOf = new Map(visible.itemRows.map((i, c) => [i, c]));
    const updates: CellUpdate[] = [];
    for (const c of edit) {
      const row = rowOf.get(c.user);
      const col = colOf.get(c.item);
      if (row !== undefined && col !== undefined) updates.push({ row, col, rating: c.after, heldOut: split.heldOut[row][col] });
    }
    return { cells: { updates, totals: split.totals, split: split.report }, numbers: split.numbers };
  }

  /**
   * A factor or bias typed into the sheet, as the workbook lets one type into its factor cells:
   * the model's parameter is set and the predictions and RMSE are measured again. Named by the
   * dense user or item code, so its undo still finds it after the crosstab moved.
   */
  private setParameter(a: ValidArgs<'setParameter'>): Promise<StatePatch> {
    return this.exclusive(async () => {
      const view = this.session.viewResult(false);
      const sheet = this.layout(view);
      const count = a.side === 'user' ? sheet.users.length : sheet.movies.length;
      const who = a.side === 'user' ? `user row ${a.row + 1}` : `movie column ${a.row + 1}`;
      if (a.row >= count) throw new UserError(`There is no ${who} on this sheet (it has ${count})`);
      const name = a.factor === 'bias' ? `${a.side}_bias` : `${a.side}_factors`;
      const table = this.session.current().trainer.paramViews()[name];
      const model = this.session.current().config.model.kind;
      if (!table) {
        throw new UserError(
          a.factor === 'bias' ? `This model (${model}) has no biases: choose "dot product + bias" to have them` : `This model (${model}) has no factors to set by hand`,
        );
      }
      const rowSize = table.shape[1] ?? 1;
      const index = a.factor === 'bias' ? 0 : a.factor;
      if (index >= rowSize) throw new UserError(`There is no factor ${index + 1}: the model has ${rowSize}`);
      const row = (a.side === 'user' ? view.visible.userRows : view.visible.itemRows)[a.row];
      const change = { name, row, index, before: table.data[row * rowSize + index], after: a.value };
      if (Math.fround(change.after) === change.before) return {};
      const numbers = this.writeParameter(change);
      this.sheet.edits.recordParam(change);
      return this.changed({ numbers, ...this.undoState() });
    });
  }

  /** Sets the parameter to `after` (via setRows, which restarts L-BFGS's history) and measures the sheet again. */
  private writeParameter(c: ParamChange): SheetNumbers {
    this.session.endBlend();
    const trainer = this.session.current().trainer;
    const table = trainer.paramViews()[c.name];
    const rowSize = table.shape[1] ?? 1;
    const values = table.data.slice(c.row * rowSize, (c.row + 1) * rowSize);
    values[c.index] = c.after;
    trainer.setRows(c.name, [c.row], values);
    return this.session.numbers();
  }

  private announceCold(cold: readonly ColdStartAnswer[]): void {
    for (const answer of cold) this.emit({ event: 'coldStart', payload: answer });
  }

  private addRow(side: 'user' | 'item', label: string | undefined, features: FeatureValues | undefined): Promise<StatePatch> {
    return this.exclusive(async () => {
      const added = await this.session.addRow(side, label, features);
      const who = side === 'user' ? 'user' : 'movie';
      if (added.fromFeatures) {
        this.notify('info', `The new ${who} is predicted from the features you gave it; its ratings teach the model at the next Solve`);
        // A new user's top picks at once, as the cold-start card shows them (a new movie's predictions are its column).
        if (side === 'user') this.announceCold([this.session.coldList('user', added.id)]);
      } else if (added.noFoldIn) {
        this.notify('info', `The new ${who} learns at the next Solve: ${added.noFoldIn}`);
      }
      this.sheet.edits.recordRow({ side, id: added.id, label: added.label, ...(features ? { features } : {}) });
      return this.viewChanged(this.session.viewResult(), this.undoState());
    });
  }

  // -------------------------------------------------------------------------------------------
  // The model and training

  /**
   * Another k or model kind cannot keep the trained factors: the model starts afresh, and the
   * one set aside is an undo step (issue 16 item 2), which the message says.
   */
  private setConfig(config: TrainConfig): Promise<StatePatch> {
    return this.exclusive(async () => {
      const before = this.session.current().config.model;
      const reshaped = config.model.kind !== before.kind || config.model.factors !== before.factors;
      const replaced = reshaped ? this.modelState() : null;
      const numbers = await this.session.configure(config);
      if (!replaced) return this.changed({ config, numbers });
      this.sheet.history = [];
      this.sheet.edits.recordModel(replaced);
      if (replaced.epochs > 0) this.notify('info', setAsideMessage(replaced, config));
      return this.changed({ config, numbers, historyCleared: true, ...this.undoState() });
    });
  }

  /** The model as it is now, copied: what undoing the change about to be made puts back. */
  private modelState(): ModelState {
    const { config, trainer } = this.session.current();
    return { config, params: trainer.exportParams(), history: this.sheet.history, epochs: this.session.epochCount, engine: this.session.trainedBy };
  }

  /** Undo or redo of a model change: the model on the other side comes back, factors, optimizer and chart. */
  private async swapModel(swap: ModelSwap): Promise<StatePatch> {
    const back = swap.state;
    swap.state = this.modelState();
    await this.session.configure(back.config);
    this.session.restoreParams(back.params, back.epochs, back.engine);
    this.sheet.history = back.history;
    this.emit({ event: 'state', payload: this.state() }); // the chart's history comes back whole
    return this.changed({ config: back.config, numbers: this.session.numbers(), ...this.undoState() });
  }

  private setSettings(settings: SessionSettings): Promise<StatePatch> {
    return this.exclusive(async () => {
      const now = this.sheet.settings;
      this.sheet.settings = settings;
      // Other side features (issue 15 item 5) are other inputs: the neural model starts afresh, and the chart with it.
      const rebuilt = await this.session.setUnusedFeatures(settings.unusedFeatures ?? []);
      if (rebuilt) this.sheet.history = [];
      const resplit = settings.validPct !== now.validPct || settings.splitSeed !== now.splitSeed;
      if (!resplit && !rebuilt) return this.changed({ settings });
      if (resplit) await this.session.resplit({ validPct: settings.validPct, splitSeed: settings.splitSeed });
      const view = this.session.viewResult(rebuilt);
      return this.changed({ settings, sheet: this.layout(view), numbers: view.split.numbers, ...(rebuilt ? { historyCleared: true as const } : {}) });
    });
  }


  private reset(seed: number, init: TrainConfig['model']['init']): Promise<StatePatch> {
    return this.exclusive(async () => {
      const replaced = this.modelState();
      const numbers = await this.session.reset(seed, init);
      this.sheet.history = [];
      this.sheet.edits.recordModel(replaced); // Reset is undoable too: it sets the trained factors aside
      return this.changed({ config: this.session.current().config, numbers, historyCleared: true, ...this.undoState() });
    });
  }

  private run(maxEpochs: number): Promise<RunOutcome> {
    const step = maxEpochs === 1;
    const begin = (): StatePatch => {
      const fused = this.session.engineFor(undefined, step).engine === 'fused';
      if (fused) this.freshFusedRun(step);
      return { engine: fused ? 'fused' : 'onnx', ...(fused ? this.undoState() : {}) };
    };
    return this.trainingWork(begin, async (end) => {
      const from = this.sheet.history.length;
      const started = performance.now();
      const outcome = await this.session.train({ maxEpochs, epochsPerSecond: this.sheet.settings.epochsPerSecond });
      const seconds = (performance.now() - started) / 1000;
      if (outcome.stopped?.kind === 'diverged') this.notify('error', `Training diverged: ${outcome.stopped.message}`);
      if (outcome.stopped?.kind === 'converged') this.notify('info', this.convergedText());
      end.record = () => this.recordRun(maxEpochs === 1, this.sheet.history.slice(from), seconds, outcome);
      return outcome;
    });
  }

  /**
   * Training work (a Solve, a sweep, a tune): one at a time, after the queued commands, with the
   * status 'training' meanwhile so edits are refused and Stop is offered; `work` fills `end`
   * (WorkEnd). `begin` runs once the work reaches the queue: it may refuse it, and its patch
   * joins the 'training' announcement.
   */
  private trainingWork<T>(begin: () => StatePatch, work: (end: WorkEnd) => Promise<T>): Promise<T> {
    if (this.training) throw new UserError('Training is already running');
    const run = this.exclusive(async () => {
      if (this.closing) {
        this.training = false;
        throw new UserError('CollabSheet is closing');
      }
      this.stopFlag.clear();
      this.training = true;
      const end: WorkEnd = { idle: {}, record: null };
      try {
        this.announce({ status: 'training', ...begin() });
        return await work(end);
      } finally {
        this.training = false;
        this.announce({ status: 'idle', engine: this.session.trainedBy, project: this.project(), ...end.idle });
        // In the same turn as 'idle': no command runs between the two, so the run recorded is the model the sheet shows.
        const recorded = end.record?.();
        if (recorded && Object.keys(recorded).length > 0) this.announce(recorded);
        void this.autosaver.saveNow();
      }
    });
    // Refuse edits from the moment the work is accepted, not only once it reaches the queue.
    this.training = true;
    return run;
  }

  /** Sweeps, blends and tune read the sheet's split and keep their runs in its list (worker/experiments.ts). */
  private experimentHost(): ExperimentHost {
    const stop = this.stopFlag;
    return {
      sheet: () => {
        const { sets, config } = this.session.current();
        const { validPct, splitSeed } = this.sheet.settings;
        return { train: sets.train, valid: sets.valid, config, split: { validPct, splitSeed } };
      },
      runs: () => this.sheet.runs,
      cancel: { get aborted() { return stop.raised; } },
      progress: (payload) => this.emit({ event: 'experimentProgress', payload }),
      runsChanged: () => void this.changed({ runs: this.sheet.runs.list() }),
    };
  }

  /** A sweep or a tune: training work whose runs join the list as each ends. */
  private experiment<T>(work: (host: ExperimentHost) => Promise<T>): Promise<T> {
    return this.trainingWork(() => ({}), async (end) => {
      try {
        return await work(this.experimentHost());
      } finally {
        end.idle.runs = this.sheet.runs.list();
      }
    });
  }

  /**
   * The fused engine cannot resume a model (its AdaGrad sums are its own): each of its Solves
   * trains the whole schedule from fresh factors. So a Step on it (forced: auto steps on ONNX
   * Runtime) is refused, and the factors it
   * replaces are an undo step, as Reset's are, with the chart starting again; both said plainly.
   */
  private freshFusedRun(step: boolean): void {
    if (step) {
      throw new UserError('Step trains one epoch and goes on from there, which the fused kernel cannot: Solve trains its whole run, or choose Engine: ONNX Runtime in the settings to step');
    }
    const replaced = this.modelState();
    if (replaced.epochs === 0) return;
    this.sheet.edits.recordModel(replaced);
    this.sheet.history = [];
    this.session.restartEpochs();
    this.emit({ event: 'state', payload: this.state() }); // the chart starts again
    this.notify('info', `The fused kernel trains from fresh factors (it cannot continue a model): the factors trained for ${replaced.epochs} epochs were set aside — Undo (Ctrl+Z) brings them back`);
  }

  /**
   * A Solve is a run; a Step begins one, and the Steps right after it (nothing else changed in
   * between) grow it. A run that trained no epoch (stopped at once) is none.
   */
  private recordRun(step: boolean, curve: EpochMetrics[], seconds: number, outcome: RunOutcome): StatePatch {
    if (curve.length === 0) return {};
    const { config, trainer } = this.session.current();
    const { validPct, splitSeed } = this.sheet.settings;
    const done = { config, settings: { validPct, splitSeed }, engine: outcome.engine, curve, seconds, fit: outcome.fit, params: trainer.exportParams() };
    const runs = this.sheet.runs;
    const grown = step && this.stepRun !== null && runs.extend(this.stepRun, done);
    const id = grown ? this.stepRun : runs.add(done);
    this.stepRun = step ? id : null;
    return { runs: runs.list() };
  }

  /** Renamed or deleted a run: the project changed, the list is sent whole (it is small). */
  private runsChanged(change: () => void): StatePatch {
    change();
    return this.changed({ runs: this.sheet.runs.list() });
  }

  /**
   * The run's model, its factors and its curve back in the sheet, as a model change: the model
   * it replaces is an undo step. Factors that no longer fit (rows added since) leave the sheet as it was.
   * A blend run fills the sheet's predictions with its members' weighted mean (blend-view.ts) over
   * its heaviest member's model, which the first edit, Step or Solve goes on with alone.
   */
  private openRun(id: string): Promise<StatePatch> {
    return this.exclusive(async () => {
      let config: TrainConfig;
      let numbers: SheetNumbers;
      if (this.sheet.runs.summary(id).blend) {
        const { view, underneath } = await blendViewOf(this.experimentHost(), id);
        try {
          config = await this.putRunInSheet(underneath);
        } catch (error) {
          await view.dispose();
          throw error;
        }
        numbers = this.session.showBlend(view);
      } else {
        config = await this.putRunInSheet(id);
        numbers = this.session.numbers();
      }
      this.emit({ event: 'state', payload: this.state() }); // the chart's history is the run's now
      return this.changed({ config, numbers, ...this.undoState() });
    });
  }

  /** A single run's model, factors and curve in the sheet (the one before an undo step); its config. */
  private async putRunInSheet(id: string): Promise<TrainConfig> {
    const run = await this.sheet.runs.opened(id);
    const summary = this.sheet.runs.list().find((r) => r.id === id);
    const replaced = this.modelState();
    await this.session.configure(run.config);
    try {
      this.session.restoreParams(run.params, run.curve.at(-1)?.epoch ?? 0, summary?.engine === 'fused' ? 'fused' : 'onnx');
    } catch (error) {
      await this.session.configure(replaced.config);
      this.session.restoreParams(replaced.params, replaced.epochs, replaced.engine);
      throw new UserError(`The run "${run.name}" cannot be opened: its factors do not fit this sheet now (${(error as Error).message})`);
    }
    this.sheet.history = [...run.curve];
    this.sheet.edits.recordModel(replaced);
    const { validPct, splitSeed } = this.sheet.settings;
    if (summary && (summary.validPct !== validPct || summary.splitSeed !== splitSeed)) {
      this.notify('info', `"${run.name}" was trained on another validation split (${summary.validPct * 100}%, seed ${summary.splitSeed}): the sheet measures it on its own split, so its RMSE differs from the run's`);
    }
    return run.config;
  }

  /** In the chart's numbering (the history's), which continues across Solves. */
  private convergedText(): string {
    const last = this.sheet.history.at(-1);
    const rmse = last ? ` (RMSE ${last.trainRmse.toFixed(4)})` : '';
    return `Converged at epoch ${last?.epoch ?? 0}${rmse}: the RMSE changed by less than 1 part in ${Math.round(1 / CONVERGENCE.tolerance).toLocaleString('en')} for ${CONVERGENCE.epochs} epochs in a row`;
  }

  /**
   * lr_find on the sheet's trainer: it puts the parameters and optimizer state back, so the sheet,
   * the history and the unsaved flag stay as they were and nothing is announced.
   */
  private lrFind(): Promise<LrFindResult> {
    return this.exclusive(async () => {
      const { config, trainer } = this.session.current();
      const refusal = lrFindRefusal(config);
      if (refusal) throw new UserError(`Finding a learning rate: ${refusal} (change the optimizer in the settings)`);
      if (this.closing) throw new UserError('CollabSheet is closing');
      this.stopFlag.clear();
      return lrFind(trainer, { shouldStop: () => this.stopFlag.raised });
    });
  }

  private onEpochs(metrics: EpochMetrics[], numbers: SheetNumbers): void {
    this.sheet.unsaved = true;
    for (const m of metrics) this.sheet.history.push(m); // not push(...metrics): a long batch of epochs would overflow the stack
    this.emit({ event: 'epoch', payload: { metrics, numbers } });
    this.autosaver.schedule();
  }

  // -------------------------------------------------------------------------------------------

  /** Runs a state-changing task after the ones before it; refused while training. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.training) return Promise.reject(new UserError('Training is running — press Stop first'));
    if (this.closing) return Promise.reject(new UserError('CollabSheet is closing'));
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** A change the user made: unsaved until the next save, announced, and autosaved soon. */
  private changed(patch: StatePatch): StatePatch {
    this.sheet.unsaved = true;
    this.stepRun = null;
    this.autosaver.schedule();
    return this.announce({ ...patch, project: this.project() });
  }

  private announce(patch: StatePatch): StatePatch {
    this.emit({ event: 'changed', payload: patch });
    return patch;
  }

  private project() {
    return { path: this.sheet.path, unsaved: this.sheet.unsaved };
  }

  private undoState() {
    return { canUndo: this.sheet.edits.canUndo, canRedo: this.sheet.edits.canRedo };
  }

  private layout(view: ViewResult): SheetLayout {
    const { sheet } = this.session.current();
    return {
      name: sheet.name,
      scale: sheet.scale,
      users: view.users,
      movies: view.movies,
      ratings: view.ratings,
      heldOut: view.split.heldOut,
      totals: view.split.totals,
      planted: view.planted,
      data: view.data,
    };
  }

  private checkCell(sheet: SheetLayout, row: number, col: number): void {
    if (row >= sheet.users.length || col >= sheet.movies.length) {
      throw new UserError(`There is no cell at row ${row + 1}, column ${col + 1} on this sheet`);
    }
  }
}

/** As the settings panel names the models. */
const MODEL_NAMES: Record<TrainConfig['model']['kind'], string> = { dot: 'dot product', dotbias: 'dot product + biases', nn: 'the neural net', classes: 'rating classes', autorec: 'AutoRec' };

/** "k changed from 8 to 16: …" — what was set aside and how to get it back. */
function setAsideMessage(replaced: ModelState, config: TrainConfig): string {
  const was = replaced.config.model;
  const change = was.kind !== config.model.kind
    ? `The model changed from ${MODEL_NAMES[was.kind]} to ${MODEL_NAMES[config.model.kind]}`
    : `k changed from ${was.factors} to ${config.model.factors}`;
  return `${change}: the model starts afresh, and the factors trained for ${replaced.epochs} epochs were set aside — Undo (Ctrl+Z) brings them back`;
}
