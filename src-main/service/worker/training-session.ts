/**
 * The open sheet's dataset and its model, as a plain class (so tests can run it in-process):
 * loading and splitting, edits and added rows, the model's lifecycle (configure, reset) and its
 * training. It owns the ratings table and the trainer (and with it the ONNX sessions and
 * parameter arrays); what the sheet shows of them is loaded-sheet.ts, the run's loop
 * training-loop.ts, the split split-state.ts, cold rows cold-start.ts.
 */
import { isDeepStrictEqual } from 'node:util';
import { ratingCounts } from '../../data/crosstab.ts';
import type { RatingsDataset } from '../../data/dataset.ts';
import { BLOCKED_FROM } from '../../engine/train/epoch-order.ts';
import { type ModelFeatures, usesSideFeatures } from '../../engine/models/index.ts';
import type { Trainer, TrainerOptions } from '../../engine/train/trainer.ts';
import type { EpochMetrics, ModelParams, ParamTensor, TrainConfig, TrainProgress } from '../../engine/types.ts';
import type { Fit, SheetNumbers, RatingScale } from '../contract.ts';
import { defaultConfig } from '../default-config.ts';
import type { FeatureReport, SheetFeatureInfo } from '../data-contract.ts';
import type { ColdStartAnswer } from '../insight-contract.ts';
import { UserError, userMessage } from '../user-error.ts';
import { RatingsTable, type RatingChange, type TrainValid } from '../ratings-table.ts';
import { chooseVisibleBlock, type VisibleBlockRequest } from '../visible-block.ts';
import type { BlendView } from './blend-view.ts';
import { coldErrors, movedFit } from './cold-fit.ts';
import { COLD_START_LIST, ColdStart } from './cold-start.ts';
import { Insights } from './insights.ts';
import { countsFor, viewOf, VisibleCellsCache, type Loaded, type SplitResult, type ViewResult } from './loaded-sheet.ts';
import { featureInfo, featureReport, type FeatureValues, modelFeaturesFor, NO_SHEET_FEATURES, type SheetFeatures, withRow } from './sheet-features.ts';
import { readSource, userFacing, type PreparedSheet, type SheetSource } from './sheet-sources.ts';
import { EVERY_RATING, splitReport, splitState, type SplitSettings, type SplitState } from './split-state.ts';
import { fitOf, runEpochs, trainerFor, type TrainRequest, type TrainResult } from './training-loop.ts';
import { fusedSettingsFor, solveFused } from './fused-solve.ts';
import { chooseEngine, type EngineChoice, type EngineName, type RequestWords } from '../../engine/engine-choice.ts';
import { describeFusedConfig } from '../../engine/fused/index.ts';
import type { WorkerEntry } from '../../engine/train/parallel/worker-entry.ts';

/** What the session reports while it works (the app turns these into the contract's events). */
export interface SessionEvents {
  /** Epochs finished since the last call, and the visible block's numbers after them. */
  epochs(metrics: EpochMetrics[], numbers: SheetNumbers): void;
  progress(progress: TrainProgress): void;
  /** Something the user should know about how training runs (the device asked for is not used: a warning; the fused engine's settings: info). */
  notice(text: string, level?: 'info' | 'warning'): void;
}

export interface LoadRequest {
  source: SheetSource;
  split: SplitSettings;
  /** null: the default for the sheet's size (defaultConfig). */
  config: TrainConfig | null;
  /** Rows and columns the sheet shows at most (the crosstab's N). */
  crosstab: number;
}

export interface LoadResult extends ViewResult {
  name: string;
  scale: RatingScale;
  config: TrainConfig;
}

/** An edit's answer: the split as every edit gives it, and the new lists of the cold rows it touched. */
export interface EditResult extends SplitResult {
  cold: ColdStartAnswer[];
}

export interface AddRowResult {
  /** Its dense code (edits are sent as codes). */
  code: number;
  /** Its id and label as the sheet names it (what undo removes, and redo adds again). */
  id: string;
  label: string;
  /** Why the new row is not folded in (a model without per-row factors); null when it is. */
  noFoldIn: string | null;
  /** True when a neural model predicts it from the side features it was given (issue 15 item 3). */
  fromFeatures: boolean;
}

/** Everything install() needs to put a dataset on the sheet. */
export interface InstallRequest {
  sheet: PreparedSheet;
  split: Pick<SplitState, 'method' | 'validPct' | 'seed'>;
  /** null: the source's starting point, else the default for the dataset's size. */
  config: TrainConfig | null;
  view: VisibleBlockRequest;
  /** Edits made on top of the loaded data (a project's). */
  edits?: RatingChange[];
  /** Called before each slow step with its name (for progress); throws to abandon the install (the current sheet stays). */
  checkpoint?: (next: string) => void;
  /** Side features the neural model leaves out (SessionSettings.unusedFeatures). */
  unusedFeatures?: readonly string[];
}

/** How the app names an engine: the settings' Engine options (settings-panel.ts says the same). */
export const ENGINE_LABELS: Record<EngineName, string> = { onnx: 'ONNX Runtime', fused: 'fused kernel' };
/** The app's words for chooseEngine: a request is the Engine setting. */
const APP_ENGINE_WORDS: RequestWords = { asked: (engine) => `Engine: ${ENGINE_LABELS[engine]}`, instead: 'choose Engine: auto or ONNX Runtime in the settings' };

export class TrainingSession {
  private loaded: Loaded | null = null;
  /** The engine of the last Solve of the model on the sheet; null: not trained since it was made (or opened untold). */
  private engineUsed: EngineName | null = null;
  /** A blend run opened in the sheet, whose predictions the sheet shows; null: the model's own. */
  private blend: BlendView | null = null;
  /** Epochs since the last reset, across Solve runs: the chart's x axis. */
  private epochsSinceReset = 0;
  /** The last evaluation: a view change does not move the model (25M ratings: ~1 s to evaluate). */
  private lastFit: Fit | null = null;
  /** A counter that moves whenever the ratings change, and every current rating at that count. */
  private dataVersion = 0;
  private allRatings: { version: number; data: RatingsDataset } | null = null;
  private cold = new ColdStart();
  private readonly cells = new VisibleCellsCache();
  /** The device notice last told: each is told once, until the device is in use again. */
  private deviceNotice: string | null = null;
  readonly insights = new Insights(() => {
    const s = this.current();
    const allData = () => this.allData();
    return {
      trainer: s.trainer,
      config: s.config,
      sheet: s.sheet,
      // Only when read: refolding reads the model, and must not rebuild every rating to do it.
      get data() {
        return allData();
      },
      dataVersion: this.dataVersion,
      isColdUser: (code) => this.cold.isCold('user', code),
    };
  });

  constructor(
    private readonly events: SessionEvents,
    readonly stopRequested: () => boolean,
    /** How trainers may use a second core (big data); none: one thread. */
    private readonly trainerOptions: TrainerOptions = {},
    /** Where the fused engine's worker threads' code is (the app's bundle); absent: the source. */
    private readonly fusedWorker?: WorkerEntry,
  ) {}

  async dispose(): Promise<void> {
    this.endBlend();
    await this.loaded?.trainer.dispose();
    this.loaded = null;
  }

  async load(req: LoadRequest): Promise<LoadResult> {
    const sheet = await userFacing(() => readSource(req.source));
    const method = sheet.fileMask ? 'files' : 'random';
    return this.install({
      sheet,
      split: { method, validPct: req.split.validPct, seed: req.split.splitSeed },
      config: req.config,
      view: { size: req.crosstab, pinUsers: [], pinItems: [] },
    });
  }

  /**
   * Puts a dataset on the sheet: split, trainer, visible block. The sheet before it stays in place until
   * all of this succeeded, so a failed or cancelled import costs the user nothing.
   */
  async install(req: InstallRequest): Promise<LoadResult> {
    this.endBlend();
    const { sheet } = req;
    const table = new RatingsTable(sheet.dataset);
    if (req.edits) table.apply(req.edits);
    req.checkpoint?.('choosing the validation ratings');
    const split = splitState(sheet, req.split);
    req.checkpoint?.('splitting train and validation');
    const sets = table.split(split.plan);
    req.checkpoint?.('building the model');
    const config = req.config ?? sheet.start?.config ?? defaultConfig(sheet.dataset.ratings.length, sheet.scale);
    const unusedFeatures = [...(req.unusedFeatures ?? [])];
    const features = featuresOf(sheet, table, unusedFeatures, config);
    const trainer = await this.newTrainer(sets, config, features);
    let next: Loaded;
    try {
      if (sheet.start && !req.config) trainer.importParams({ params: sheet.start.params, optimizer: null });
      req.checkpoint?.('measuring the starting RMSE');
      const counts = ratingCounts(sheet.dataset);
      const view = { ...req.view, pinUsers: [...req.view.pinUsers], pinItems: [...req.view.pinItems] };
      next = { sheet, table, counts, split, sets, report: splitReport(split.method, sets), view, visible: chooseVisibleBlock(counts, view), config, trainer, unusedFeatures, features };
    } catch (error) {
      await trainer.dispose();
      throw error;
    }
    // Only now, with the new sheet whole, does the old one go (issue 13 finding 5: its trainer
    // was disposed before chooseVisibleBlock threw, and every later command met a disposed session).
    const old = this.loaded;
    this.loaded = next;
    await old?.trainer.dispose();
    this.epochsSinceReset = 0;
    this.engineUsed = null;
    this.lastFit = null;
    this.dataVersion++;
    this.cold = new ColdStart();
    return { name: sheet.name, scale: sheet.scale, config, ...this.viewResult() };
  }

  /** Parameters and optimizer state saved earlier (a project's, a run's), when the model's shapes allow, and the engine that trained them. */
  restoreParams(params: ModelParams, epochs: number, engine: EngineName | null): void {
    this.endBlend();
    this.current().trainer.importParams(params);
    this.epochsSinceReset = epochs;
    this.engineUsed = engine;
  }

  /** The engine of the last Solve of this model (the status line names it; projects and runs record it). */
  get trainedBy(): EngineName | null {
    return this.engineUsed;
  }

  /**
   * The engine a Solve of `config` (default the sheet's) uses, by the rule the CLI's --engine
   * follows (engine-choice.ts); a forced fused engine that cannot train it is refused in words.
   * A Step goes on from the current factors, which only ONNX Runtime can: auto steps there.
   */
  engineFor(config: TrainConfig = this.current().config, step = false): EngineChoice {
    if (step && (config.engine ?? 'auto') === 'auto') return { engine: 'onnx', reason: 'a Step goes on from the current factors, as ONNX Runtime does' };
    try {
      return chooseEngine(config, this.current().sets.train.ratings.length, config.engine ?? 'auto', APP_ENGINE_WORDS);
    } catch (error) {
      throw new UserError(userMessage(error));
    }
  }

  /** A fused Solve starts from fresh factors: the epoch count (the chart's x axis) starts again with it. */
  restartEpochs(): void {
    this.epochsSinceReset = 0;
  }

  /** The visible block moved (crosstab size, pins): its cells and numbers. */
  setView(view: VisibleBlockRequest): ViewResult {
    const s = this.current();
    s.view = view;
    s.counts = countsFor(s.counts, s.table);
    s.visible = chooseVisibleBlock(s.counts, view);
    return this.viewResult(false);
  }

  /** The visible block; `evaluate` false reuses the last RMSE/MAE (only the visible block moved). */
  viewResult(evaluate = true): ViewResult {
    const s = this.current();
    return viewOf(s, this.cells.of(s), this.numbers(evaluate));
  }

  current(): Loaded {
    if (!this.loaded) throw new Error('The training worker has no sheet loaded');
    return this.loaded;
  }

  /** The main side's epoch counter (the chart's x axis) continues from a restored history. */
  get epochCount(): number {
    return this.epochsSinceReset;
  }

  /**
   * Edits cells. Typing into cold rows is the cold-start card's loop, so it stays cheap on big
   * data: the sets are patched (not re-split), the fit moves by the cold cells' errors alone (no
   * re-evaluation), and the reply carries the touched rows' new lists (no second query).
   */
  async edit(changes: RatingChange[]): Promise<EditResult> {
    this.endBlend();
    const s = this.current();
    const predict = (users: Int32Array, items: Int32Array) => s.trainer.predict(users, items);
    const lastFit = this.lastFit;
    const coldOnly = lastFit !== null && changes.every((c) => this.cold.isCold('user', c.user) || this.cold.isCold('item', c.item));
    const before = coldOnly ? coldErrors(predict, this.cold.cells(s.table, this.cellSplit())) : null;
    const counts = { train: s.sets.train.ratings.length, valid: s.sets.valid?.ratings.length ?? 0 };
    s.table.apply(changes);
    this.refreshData(changes);
    if (before) this.lastFit = movedFit(lastFit!, counts, before, coldErrors(predict, this.cold.cells(s.table, this.cellSplit())));
    return { ...this.viewResult(!before).split, cold: this.coldAnswers(changes) };
  }

  /** The new lists of the cold rows `changes` touched (what the cold-start card shows). */
  private coldAnswers(changes: readonly RatingChange[]): ColdStartAnswer[] {
    const s = this.current();
    const users = new Set(changes.filter((c) => this.cold.isCold('user', c.user)).map((c) => c.user));
    const items = new Set(changes.filter((c) => this.cold.isCold('item', c.item)).map((c) => c.item));
    return [...[...users].map((u) => this.coldList('user', s.sheet.users[u].id)), ...[...items].map((i) => this.coldList('item', s.sheet.movies[i].id))];
  }

  /** A row's list as the cold-start card shows it: a user's recommendations, a movie's nearest movies. */
  coldList(side: 'user' | 'item', id: string): ColdStartAnswer {
    const { n, minRatings, metric } = COLD_START_LIST;
    return side === 'user'
      ? { side, id, recommendations: this.insights.recommendations({ userId: id, n, minRatings }) }
      : { side, id, similar: this.insights.similarItems({ id, metric, n, minRatings }) };
  }

  /** The per-cell hash's settings: how cells the user added are split (as RatingsTable.split does). */
  private cellSplit(): SplitSettings {
    const { cellPct, seed } = this.current().split.plan;
    return { validPct: cellPct, splitSeed: seed };
  }

  /** New share or seed from the settings; a file split given a share becomes a random split. */
  async resplit(split: SplitSettings): Promise<SplitResult> {
    this.endBlend();
    const s = this.current();
    const method = s.split.method === 'files' ? 'random' : s.split.method;
    s.split = splitState(s.sheet, { method, validPct: split.validPct, seed: split.splitSeed });
    this.refreshData();
    return this.viewResult().split;
  }

  /**
   * The ratings changed: new train/valid sets for the trainer (patched when `changes`, already
   * applied to the table, allow it), and the cold rows refolded.
   */
  private refreshData(changes: readonly RatingChange[] | null = null): void {
    const s = this.current();
    const patched = changes && s.table.patch(s.sets, s.split.plan, changes);
    const all = changes && this.allRatings?.version === this.dataVersion ? s.table.patch({ train: this.allRatings.data, valid: null }, EVERY_RATING, changes) : null;
    s.sets = patched ?? s.table.split(s.split.plan);
    s.report = splitReport(s.split.method, s.sets);
    s.trainer.setData(s.sets.train, s.sets.valid);
    this.dataVersion++;
    if (all) this.allRatings = { version: this.dataVersion, data: all.train };
    // A cold row's typed ratings are new cells: held out by the per-cell hash, as split() does.
    if (this.cold.any) this.cold.refold(s.trainer, this.insights.model(), s.table, this.cellSplit());
  }

  /** What the import dialog reports of the sheet's feature files, and whether this model uses them. */
  featureReports(): FeatureReport[] {
    const s = this.current();
    const f = s.sheet.features ?? NO_SHEET_FEATURES;
    const d = s.table.loaded;
    return (['item', 'user'] as const).flatMap((side) => {
      const table = f[side];
      return table ? [featureReport(side, table, side === 'item' ? d.itemIds : d.userIds, s.config.model.kind)] : [];
    });
  }

  /** The sheet's features the model uses now (the settings' checked ones), as the settings name them. */
  usedFeatures(): SheetFeatureInfo[] {
    const s = this.current();
    return s.sheet.features ? featureInfo(s.sheet.features, s.unusedFeatures).filter((f) => f.used) : [];
  }

  /** The model's feature tables without the features `keys` name beside those the settings leave out (a leave-one-feature-out run). */
  featuresWithout(keys: readonly string[]): ModelFeatures | undefined {
    const s = this.current();
    return featuresOf(s.sheet, s.table, [...s.unusedFeatures, ...keys], s.config);
  }

  /**
   * Side features the neural model leaves out (the settings' checkboxes): a model with other
   * inputs, so it starts afresh. Returns whether it did (a factor model takes none, and keeps its factors).
   */
  async setUnusedFeatures(unused: readonly string[]): Promise<boolean> {
    this.endBlend();
    const s = this.current();
    const same = unused.length === s.unusedFeatures.length && unused.every((k) => s.unusedFeatures.includes(k));
    if (same) return false;
    s.unusedFeatures = [...unused];
    if (!usesSideFeatures(s.config.model.kind) || !s.sheet.features) return false;
    await this.replaceTrainer(s.config);
    this.epochsSinceReset = 0;
    return true;
  }

  /**
   * A new user (row) or movie (column) at the end of the sheet. With a dot or dot+bias model it
   * starts cold: at the average taste, folded in from the ratings typed into it (ColdStart). With
   * a neural model and side features given (a movie's genres, a user's age…) it is predicted from
   * them at once: its id embedding is fresh, near zero, its features' embeddings are learned.
   */
  async addRow(side: 'user' | 'item', label: string | undefined, values?: FeatureValues): Promise<AddRowResult> {
    this.endBlend();
    const s = this.current();
    const id = this.newRowId(side);
    const what = side === 'user' ? `the new user ${id}` : `the new movie ${id}`;
    const table = s.sheet.features?.[side] ?? null;
    if (values && Object.keys(values).length && !table) throw new UserError(`This sheet has no ${side === 'user' ? 'user' : 'movie'} features: import a features file with the ratings to describe ${what}`);
    // The row's features (none: a row of that id left over from an undone addition goes).
    const features: SheetFeatures | undefined = table ? { ...s.sheet.features!, [side]: withRow(table, id, values ?? null, what) } : s.sheet.features;
    const grown = features && s.features ? this.checkedFeatures(features, side, id) : undefined;
    let noFoldIn: string | null = null;
    const trained = (() => {
      try {
        return this.insights.model();
      } catch (error) {
        noFoldIn = (error as Error).message;
        return null;
      }
    })();
    label ??= `${side === 'user' ? 'New user' : 'New movie'} ${id.slice(id.lastIndexOf('-') + 1)}`;
    if (trained) this.cold.add(side, side === 'user' ? s.table.userCount : s.table.itemCount, trained, this.allData());
    s.sheet.features = features;
    const code = s.table.addRow(side, id, label);
    if (side === 'user') {
      s.sheet.users.push({ id, label });
      s.visible.userRows.push(code);
    } else {
      s.sheet.movies.push({ id, title: label });
      s.visible.itemRows.push(code);
    }
    this.refreshData();
    if (grown) {
      s.trainer.setFeatures(grown);
      s.features = grown;
    }
    const fromFeatures = grown !== undefined && values !== undefined && Object.values(values).some((v) => v !== null && !(Array.isArray(v) && v.length === 0));
    return { code, id, label, noFoldIn, fromFeatures };
  }

  private newRowId(side: 'user' | 'item'): string {
    const s = this.current();
    const existing = new Set(side === 'user' ? s.sheet.users.map((u) => u.id) : s.sheet.movies.map((m) => m.id));
    let n = 1;
    while (existing.has(`new-${side === 'user' ? 'user' : 'movie'}-${n}`)) n++;
    return `new-${side === 'user' ? 'user' : 'movie'}-${n}`;
  }

  /**
   * The model's feature tables with row `id` added to `side`, refused before anything changes
   * when they no longer fit the model: a movie given more genres than any movie of the data has
   * (the model's tables are that wide).
   */
  private checkedFeatures(features: SheetFeatures, side: 'user' | 'item', id: string): ModelFeatures | undefined {
    const s = this.current();
    const d = s.table.loaded;
    const ids = { users: side === 'user' ? [...d.userIds, id] : d.userIds, items: side === 'item' ? [...d.itemIds, id] : d.itemIds };
    const next = modelFeaturesFor(features, ids, s.unusedFeatures, s.config.model.kind);
    for (const set of [next?.user, next?.item]) {
      for (const c of set?.columns ?? []) {
        if (c.kind !== 'multi') continue;
        const now = s.features?.[set!.side]?.columns.find((o) => o.name === c.name);
        if (now?.kind === 'multi' && c.width > now.width) {
          throw new UserError(`This model takes at most ${now.width} ${c.label} a ${side === 'user' ? 'user' : 'movie'} (the most any of the data has): give ${id} ${now.width} or fewer`);
        }
      }
    }
    return next;
  }

  /**
   * Undoes addRow: the row `id` (the last of its side, its ratings already undone) leaves the
   * sheet, the visible block, the pins, the cold rows and the model. The trainer's tables only grow, so
   * a trainer sized to the data now takes over the parameters (and optimizer moments) of every
   * other row; a saved project or an export then has exactly one row per user and movie again.
   * The new trainer starts its learning-rate schedule afresh at the next Solve.
   */
  async removeRow(side: 'user' | 'item', id: string): Promise<void> {
    this.endBlend();
    const s = this.current();
    const code = s.table.removeLastRow(side, id);
    const drop = (codes: number[]) => {
      const at = codes.indexOf(code);
      if (at >= 0) codes.splice(at, 1);
    };
    if (side === 'user') {
      s.sheet.users.pop();
      drop(s.visible.userRows);
      s.view = { ...s.view, pinUsers: s.view.pinUsers.filter((c) => c !== code) };
    } else {
      s.sheet.movies.pop();
      drop(s.visible.itemRows);
      s.view = { ...s.view, pinItems: s.view.pinItems.filter((c) => c !== code) };
    }
    s.counts = countsFor(s.counts, s.table);
    this.cold.remove(side, code);
    const table = s.sheet.features?.[side];
    if (table) s.sheet.features = { ...s.sheet.features!, [side]: withRow(table, id, null, id) };
    this.refreshData();
    const saved = s.trainer.exportParams();
    s.features = featuresOf(s.sheet, s.table, s.unusedFeatures, s.config);
    const next = await trainerFor(s.sets.train, s.sets.valid, s.config, { ...this.trainerOptions, features: s.features });
    next.importParams(withTablesOf(saved, next.paramViews()));
    await s.trainer.dispose();
    s.trainer = next;
  }

  /** Every current rating, train and held-out: what counts, means and "already rated" are about. */
  private allData(): RatingsDataset {
    const s = this.current();
    if (!s.sets.valid) return s.sets.train;
    if (this.allRatings?.version !== this.dataVersion) {
      this.allRatings = { version: this.dataVersion, data: s.table.split(EVERY_RATING).train };
    }
    return this.allRatings.data;
  }

  /** A new trainer for the new config; the learned parameters carry over when their shapes do. */
  async configure(config: TrainConfig): Promise<SheetNumbers> {
    this.endBlend();
    const s = this.current();
    this.engineFor(config);
    // Another engine trains the same model: nothing to rebuild.
    if (sameModelAndTraining(config, s.config)) {
      s.config = config;
      return this.numbers(false);
    }
    const keep = config.model.kind === s.config.model.kind && config.model.factors === s.config.model.factors;
    const exported = keep ? s.trainer.exportParams() : null;
    // Another optimizer's moments mean nothing to this one: keep the parameters, start it fresh.
    const sameOptimizer = config.optim.optimizer === s.config.optim.optimizer;
    await this.replaceTrainer(config);
    if (exported) s.trainer.importParams({ params: exported.params, optimizer: sameOptimizer ? exported.optimizer : null });
    else this.epochsSinceReset = 0;
    return this.numbers();
  }

  async reset(seed: number, init: TrainConfig['model']['init']): Promise<SheetNumbers> {
    this.endBlend();
    const s = this.current();
    await this.replaceTrainer({ ...s.config, seed, model: { ...s.config.model, init } });
    this.epochsSinceReset = 0;
    this.engineUsed = null;
    return this.numbers();
  }

  async train(req: TrainRequest): Promise<TrainResult> {
    this.endBlend();
    const s = this.current();
    const { engine } = this.engineFor(s.config, req.maxEpochs === 1);
    this.cold.clear();
    this.engineUsed = engine;
    const big = s.sets.train.ratings.length >= BLOCKED_FROM;
    const hooks = {
      shouldStop: this.stopRequested,
      progress: (p: TrainProgress) => this.events.progress(p),
      show: (metrics: EpochMetrics[], exact: boolean) => {
        this.epochsSinceReset += metrics.length;
        const last = metrics.at(-1);
        if (big && last) this.lastFit = fitOf(last);
        this.events.epochs(metrics, this.numbers(exact));
      },
    };
    if (engine === 'fused') {
      const config = fusedSettingsFor(s.config, s.sets.train.ratings.length);
      this.events.notice(`Training on the fused kernel: ${describeFusedConfig(config)}, ${config.epochs} epochs from fresh factors (its own rates: ` +
        'the learning rate and weight decay set here are the ONNX Runtime engine\'s)', 'info');
      const run = { config, ...(this.fusedWorker ? { workerEntry: this.fusedWorker } : {}) };
      const { epochs, stopped } = await solveFused(s.trainer, s.sets, run, this.epochsSinceReset, big, hooks);
      return { epochs, stopped, fit: this.lastFit ?? this.fit(), engine };
    }
    // A finished run (its schedule spent) starts a new one from the current parameters, as a
    // second fit_one_cycle does in fastai; a stopped run continues its schedule.
    if (s.trainer.epochsDone >= s.config.epochs) {
      const params = s.trainer.exportParams();
      await this.replaceTrainer(s.config);
      s.trainer.importParams(params);
    }
    const { epochs, stopped } = await runEpochs(s.trainer, s.config.epochs, req, this.epochsSinceReset, big, hooks);
    // The last show() measured the fit, or kept the last one measured when that was too slow.
    return { epochs, stopped, fit: this.lastFit ?? this.fit(), engine };
  }

  private async replaceTrainer(config: TrainConfig): Promise<void> {
    const s = this.current();
    const features = featuresOf(s.sheet, s.table, s.unusedFeatures, config);
    const next = await this.newTrainer(s.sets, config, features);
    await s.trainer.dispose();
    s.trainer = next;
    s.config = config;
    s.features = features;
    // A new model (or a re-initialised one) has no cold rows: they train with everyone else.
    this.cold.clear();
  }

  private async newTrainer(sets: TrainValid, config: TrainConfig, features: ModelFeatures | undefined): Promise<Trainer> {
    const trainer = await trainerFor(sets.train, sets.valid, config, features ? { ...this.trainerOptions, features } : this.trainerOptions);
    if (trainer.deviceNotice && trainer.deviceNotice !== this.deviceNotice) this.events.notice(trainer.deviceNotice);
    this.deviceNotice = trainer.deviceNotice;
    return trainer;
  }

  /**
   * A blend run in the sheet (blend-view.ts): its predictions and fit are sent in place of the
   * model's, which stays underneath (the heaviest member's) for the first edit, Step or Solve,
   * which end the blend — a blend cannot be trained or edited, its members are fixed runs.
   */
  showBlend(view: BlendView): SheetNumbers {
    this.endBlend();
    this.blend = view;
    return this.numbers();
  }

  /** Back to the single model underneath; the members' trainers are let go. */
  endBlend(): void {
    const ended = this.blend;
    this.blend = null;
    if (ended) ended.dispose().catch((error: unknown) => this.events.notice(`Closing a blend's members failed: ${(error as Error).message}`));
  }

  numbers(evaluate = true): SheetNumbers {
    const s = this.current();
    if (this.blend) return { snapshot: this.blend.snapshot(s.visible.userRows, s.visible.itemRows), fit: this.blend.fit, blend: this.blend.info };
    return { snapshot: s.trainer.snapshot(s.visible.userRows, s.visible.itemRows), fit: evaluate || !this.lastFit ? this.fit() : this.lastFit };
  }

  private fit(): Fit {
    this.lastFit = this.current().trainer.evaluate();
    return this.lastFit;
  }
}

/** The model's side-feature tables for the sheet's rows (added ones included), or undefined (a factor model, no features). */
function featuresOf(sheet: PreparedSheet, table: RatingsTable, unused: readonly string[], config: TrainConfig): ModelFeatures | undefined {
  if (!sheet.features) return undefined;
  const d = table.loaded;
  return modelFeaturesFor(sheet.features, { users: d.userIds, items: d.itemIds }, unused, config.model.kind);
}

/**
 * `saved` cut to the tables of `model`: a per-user or per-item table (and its optimizer moments,
 * laid out the same) loses its trailing rows, the rows `model` has no user or movie for.
 */
function withTablesOf(saved: ModelParams, model: Readonly<Record<string, ParamTensor>>): ModelParams {
  const cut = (name: string, data: Float32Array) => {
    const length = model[name]?.data.length ?? data.length;
    return data.length > length ? data.slice(0, length) : data;
  };
  const params = Object.fromEntries(Object.entries(saved.params).map(([name, p]) => [name, { shape: model[name]?.shape ?? p.shape, data: cut(name, p.data) }]));
  const optimizer = saved.optimizer && {
    ...saved.optimizer,
    params: Object.fromEntries(
      Object.entries(saved.optimizer.params).map(([name, bufs]) => [name, Object.fromEntries(Object.entries(bufs).map(([k, buf]) => [k, cut(name, buf)]))]),
    ),
  };
  return { params, optimizer };
}

/** The same model trained the same way: the configs differ at most in the engine that trains them. */
function sameModelAndTraining(a: TrainConfig, b: TrainConfig): boolean {
  const { engine: _a, ...restA } = a;
  const { engine: _b, ...restB } = b;
  return isDeepStrictEqual(restA, restB);
}
