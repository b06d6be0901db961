/**
 * Everything the training worker does, as a plain class (so tests can run it in-process): it owns
 * the ratings table, the trainer (and with it the ONNX sessions and parameter arrays), and sends
 * the main thread only the visible block's numbers.
 */
import { ratingCounts, type RatingCounts } from '../../data/crosstab.ts';
import type { RatingsDataset } from '../../data/dataset.ts';
import { randomValidMask, splitSummary, timeValidMask } from '../../data/split.ts';
import { BLOCKED_FROM } from '../../engine/train/epoch-order.ts';
import { createTrainer, type Trainer, type TrainerOptions } from '../../engine/train/trainer.ts';
import type { EpochMetrics, ModelParams, StopReason, TrainConfig } from '../../engine/train/types.ts';
import type { Fit, PlantedTastes, SheetNumbers } from '../contract.ts';
import type { SheetDataInfo, SplitReport } from '../data-contract.ts';
import { defaultConfig } from '../default-config.ts';
import { RatingsTable, type RatingChange, type SplitPlan, type TrainValid } from '../ratings-table.ts';
import { chooseWindow, windowCells, type SheetWindow, type WindowRequest } from '../visible-block.ts';
import { UserError } from '../user-error.ts';
import { COLD_START_LIST, type ColdStartAnswer } from '../insight-contract.ts';
import { coldErrors, movedFit } from './cold-fit.ts';
import { ColdStart } from './cold-start.ts';
import { DataCalls } from './data-calls.ts';
import type { AddRowRequest, AddRowResult, EditResult } from './insight-protocol.ts';
import { Insights } from './insights.ts';
import type {
  LoadRequest,
  LoadResult,
  SplitResult,
  SplitSettings,
  TrainRequest,
  TrainResult,
  ViewResult,
  WorkerCallName,
  WorkerCalls,
  WorkerMessage,
} from './protocol.ts';
import { readSource, type PreparedSheet } from './sheet-sources.ts';

/** At most ~30 sheet updates a second reach the UI however fast the epochs are (a little under
 * 1000/30 so that a run paced at 30 epochs/s is not rounded down to every other epoch). */
export const SNAPSHOT_INTERVAL_MS = 30;

/** How the ratings are split: the method the user chose and the mask it gives the loaded rows. */
export interface SplitState {
  method: 'random' | 'time' | 'files';
  validPct: number;
  seed: number;
  plan: SplitPlan;
}

export interface Loaded {
  sheet: PreparedSheet;
  table: RatingsTable;
  /** Ratings per user and item of the loaded data: the crosstab's ranking (edits do not re-rank). */
  counts: RatingCounts;
  split: SplitState;
  /** The current train and valid sets (the trainer's data). */
  sets: TrainValid;
  report: SplitReport;
  view: WindowRequest;
  visible: SheetWindow;
  config: TrainConfig;
  trainer: Trainer;
}

/** Everything install() needs to put a dataset on the sheet. */
export interface InstallRequest {
  sheet: PreparedSheet;
  split: Pick<SplitState, 'method' | 'validPct' | 'seed'>;
  /** null: the source's starting point, else the default for the dataset's size. */
  config: TrainConfig | null;
  view: WindowRequest;
  /** Edits made on top of the loaded data (a project's). */
  edits?: RatingChange[];
  /** Called before each slow step with its name (for progress); throws to abandon the install (the current sheet stays). */
  checkpoint?: (next: string) => void;
}

export class TrainingSession {
  private loaded: Loaded | null = null;
  /** Epochs since the last reset, across Solve runs: the chart's x axis. */
  private epochsSinceReset = 0;
  /** The last evaluation: a view change does not move the model (25M ratings: ~1 s to evaluate). */
  private lastFit: Fit | null = null;
  private readonly data: DataCalls;
  /** A counter that moves whenever the ratings change, and every current rating at that count. */
  private dataVersion = 0;
  private allRatings: { version: number; data: RatingsDataset } | null = null;
  private cold = new ColdStart();
  private readonly insights = new Insights(() => {
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
    private readonly send: (m: WorkerMessage) => void,
    readonly stopRequested: () => boolean,
    /** How trainers may use a second core (big data); none: one thread. */
    private readonly trainerOptions: TrainerOptions = {},
  ) {
    this.data = new DataCalls(this, send);
  }

  dispatch<C extends WorkerCallName>(call: C, arg: WorkerCalls[C][0]): Promise<WorkerCalls[C][1]> {
    const handlers: { [K in WorkerCallName]: (a: WorkerCalls[K][0]) => Promise<WorkerCalls[K][1]> } = {
      load: (a) => this.load(a),
      edit: (a) => this.edit(a),
      split: (a) => this.resplit(a),
      configure: (a) => this.configure(a),
      reset: (a) => this.reset(a.seed, a.init),
      train: (a) => this.train(a),
      addRow: (a) => this.addRow(a),
      biases: async (a) => this.insights.biases(a),
      itemPca: async (a) => this.insights.itemPca(a),
      similarItems: async (a) => this.insights.similarItems(a),
      recommendations: async (a) => this.insights.recommendations(a),
      findRows: async (a) => this.insights.findRows(a),
      oneHot: async (a) => this.insights.oneHot(a),
      exportEmbeddings: (a) => this.insights.exportEmbeddings(a),
      ...this.data.handlers(),
    };
    return handlers[call](arg);
  }

  async dispose(): Promise<void> {
    await this.loaded?.trainer.dispose();
    this.loaded = null;
  }

  private async load(req: LoadRequest): Promise<LoadResult> {
    const sheet = await this.data.guard(() => readSource(req.source));
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
    const { sheet } = req;
    const table = new RatingsTable(sheet.dataset);
    if (req.edits) table.apply(req.edits);
    req.checkpoint?.('choosing the validation ratings');
    const split = splitState(sheet, req.split);
    req.checkpoint?.('splitting train and validation');
    const sets = table.split(split.plan);
    req.checkpoint?.('building the model');
    const config = req.config ?? sheet.start?.config ?? defaultConfig(sheet.dataset.ratings.length, sheet.scale);
    const trainer = await trainerFor(sets.train, sets.valid, config, this.trainerOptions);
    try {
      if (sheet.start && !req.config) trainer.importParams({ params: sheet.start.params, optimizer: null });
      req.checkpoint?.('measuring the starting RMSE');
    } catch (error) {
      await trainer.dispose();
      throw error;
    }
    const counts = ratingCounts(sheet.dataset);
    const view = { ...req.view, pinUsers: [...req.view.pinUsers], pinItems: [...req.view.pinItems] };
    await this.loaded?.trainer.dispose();
    this.loaded = { sheet, table, counts, split, sets, report: report(split.method, sets), view, visible: chooseWindow(counts, view), config, trainer };
    this.epochsSinceReset = 0;
    this.lastFit = null;
    this.dataVersion++;
    this.cold = new ColdStart();
    return { name: sheet.name, scale: sheet.scale, config, ...this.viewResult() };
  }

  /** Parameters and optimizer state saved earlier (a project's), when the model's shapes allow. */
  restoreParams(params: ModelParams, epochs: number): void {
    this.current().trainer.importParams(params);
    this.epochsSinceReset = epochs;
  }

  /** The window moved (crosstab size, pins): its cells and numbers. */
  setView(view: WindowRequest): ViewResult {
    const s = this.current();
    s.view = view;
    s.counts = countsFor(s.counts, s.table);
    s.visible = chooseWindow(s.counts, view);
    return this.viewResult(false);
  }

  /** The visible block; `evaluate` false reuses the last RMSE/MAE (only the window moved). */
  viewResult(evaluate = true): ViewResult {
    const s = this.current();
    const { sheet, visible } = s;
    const cells = windowCells(s.sets.train, s.sets.valid, visible);
    return {
      users: visible.userRows.map((u) => sheet.users[u]),
      movies: visible.itemRows.map((i) => sheet.movies[i]),
      visible: { userRows: [...visible.userRows], itemRows: [...visible.itemRows] },
      ratings: cells.ratings,
      planted: plantedInWindow(sheet, visible),
      data: this.dataInfo(),
      split: { heldOut: cells.heldOut, totals: this.totals(), report: s.report, numbers: this.numbers(evaluate) },
    };
  }

  current(): Loaded {
    if (!this.loaded) throw new Error('The training worker has no sheet loaded');
    return this.loaded;
  }

  /** The main side's epoch counter (the chart's x axis) continues from a restored history. */
  get epochCount(): number {
    return this.epochsSinceReset;
  }

  private dataInfo(): SheetDataInfo {
    const s = this.current();
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
    };
  }

  /**
   * Edits cells. Typing into cold rows is the cold-start card's loop, so it stays cheap on big
   * data: the sets are patched (not re-split), the fit moves by the cold cells' errors alone (no
   * re-evaluation), and the reply carries the touched rows' new lists (no second query).
   */
  private async edit(changes: RatingChange[]): Promise<EditResult> {
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
    const { n, minRatings, metric } = COLD_START_LIST;
    return [
      ...[...users].map((code): ColdStartAnswer => {
        const id = s.sheet.users[code].id;
        return { side: 'user', id, recommendations: this.insights.recommendations({ userId: id, n, minRatings }) };
      }),
      ...[...items].map((code): ColdStartAnswer => {
        const id = s.sheet.movies[code].id;
        return { side: 'item', id, similar: this.insights.similarItems({ id, metric, n, minRatings }) };
      }),
    ];
  }

  /** The per-cell hash's settings: how cells the user added are split (as RatingsTable.split does). */
  private cellSplit(): SplitSettings {
    const { cellPct, seed } = this.current().split.plan;
    return { validPct: cellPct, splitSeed: seed };
  }

  /** New share or seed from the settings; a file split given a share becomes a random split. */
  private async resplit(split: SplitSettings): Promise<SplitResult> {
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
    s.report = report(s.split.method, s.sets);
    s.trainer.setData(s.sets.train, s.sets.valid);
    this.dataVersion++;
    if (all) this.allRatings = { version: this.dataVersion, data: all.train };
    // A cold row's typed ratings are new cells: held out by the per-cell hash, as split() does.
    if (this.cold.any) this.cold.refold(s.trainer, this.insights.model(), s.table, this.cellSplit());
  }

  /**
   * A new user (row) or movie (column) at the end of the sheet. With a dot or dot+bias model it
   * starts cold: at the average taste, folded in from the ratings typed into it (ColdStart).
   */
  private async addRow(req: AddRowRequest): Promise<AddRowResult> {
    const s = this.current();
    const side = req.side;
    let noFoldIn: string | null = null;
    const trained = (() => {
      try {
        return this.insights.model();
      } catch (error) {
        noFoldIn = (error as Error).message;
        return null;
      }
    })();
    const existing = new Set(side === 'user' ? s.sheet.users.map((u) => u.id) : s.sheet.movies.map((m) => m.id));
    let n = 1;
    while (existing.has(`new-${side === 'user' ? 'user' : 'movie'}-${n}`)) n++;
    const id = `new-${side === 'user' ? 'user' : 'movie'}-${n}`;
    const label = req.label ?? `${side === 'user' ? 'New user' : 'New movie'} ${n}`;
    if (trained) this.cold.add(side, side === 'user' ? s.table.userCount : s.table.itemCount, trained, this.allData());
    const code = s.table.addRow(side, id, label);
    if (side === 'user') {
      s.sheet.users.push({ id, label });
      s.visible.userRows.push(code);
    } else {
      s.sheet.movies.push({ id, title: label });
      s.visible.itemRows.push(code);
    }
    this.refreshData();
    return {
      user: side === 'user' ? { id, label } : null,
      movie: side === 'item' ? { id, title: label } : null,
      code,
      split: this.viewResult().split,
      noFoldIn,
    };
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
  private async configure(config: TrainConfig): Promise<SheetNumbers> {
    const s = this.current();
    const keep = config.model.kind === s.config.model.kind && config.model.factors === s.config.model.factors;
    const exported = keep ? s.trainer.exportParams() : null;
    // Another optimizer's moments mean nothing to this one: keep the parameters, start it fresh.
    const sameOptimizer = config.optim.optimizer === s.config.optim.optimizer;
    await this.replaceTrainer(config);
    if (exported) s.trainer.importParams({ params: exported.params, optimizer: sameOptimizer ? exported.optimizer : null });
    else this.epochsSinceReset = 0;
    return this.numbers();
  }

  private async reset(seed: number, init: TrainConfig['model']['init']): Promise<SheetNumbers> {
    const s = this.current();
    await this.replaceTrainer({ ...s.config, seed, model: { ...s.config.model, init } });
    this.epochsSinceReset = 0;
    return this.numbers();
  }

  private async train(req: TrainRequest): Promise<TrainResult> {
    const s = this.current();
    this.cold.clear();
    // A finished run (its schedule spent) starts a new one from the current parameters, as a
    // second fit_one_cycle does in fastai; a stopped run continues its schedule.
    if (s.trainer.epochsDone >= s.config.epochs) {
      const params = s.trainer.exportParams();
      await this.replaceTrainer(s.config);
      s.trainer.importParams(params);
    }
    const minEpochMs = req.epochsPerSecond > 0 ? 1000 / req.epochsPerSecond : 0;
    let pending: EpochMetrics[] = [];
    let lastSent = performance.now();
    const flush = (evaluate = true) => {
      this.send({ type: 'epoch', metrics: pending, numbers: this.numbers(evaluate) });
      pending = [];
      lastSent = performance.now();
    };
    let epochs = 0;
    let stopped: StopReason | null = null;
    // Big data shows each epoch's own metrics as the fit (train RMSE over its batches, the exact
    // valid RMSE): an exact pass over every training rating costs ~5 s per epoch at 25M ratings.
    const big = s.sets.train.ratings.length >= BLOCKED_FROM;
    while (epochs < req.maxEpochs && s.trainer.epochsDone < s.config.epochs) {
      const started = performance.now();
      const base = this.epochsSinceReset;
      const result = await s.trainer.runEpoch({
        shouldStop: this.stopRequested,
        onProgress: (p) => this.send({ type: 'progress', progress: { ...p, epoch: base + 1 } }),
      });
      if (result.metrics) {
        this.epochsSinceReset++;
        epochs++;
        pending.push({ ...result.metrics, epoch: this.epochsSinceReset });
        if (big) this.lastFit = fitOf(result.metrics);
      }
      stopped = result.stopped;
      if (stopped) break;
      const wait = minEpochMs - (performance.now() - started);
      if (wait > 0) await this.sleepUnlessStopped(wait);
      // Checked after the pause, so a paced run (30 epochs/s) sends every epoch, not every other.
      if (performance.now() - lastSent >= SNAPSHOT_INTERVAL_MS) flush(!big);
      if (this.stopRequested()) {
        stopped = { kind: 'cancelled' };
        break;
      }
    }
    // Stop answers at once: an exact fit of 25M ratings takes seconds (issue 6: Stop within
    // 200 ms), so a stopped run keeps showing the fit last evaluated.
    const exact = stopped?.kind !== 'cancelled' && !big;
    flush(exact);
    return { epochs, stopped, fit: !exact && this.lastFit ? this.lastFit : this.fit() };
  }

  private async replaceTrainer(config: TrainConfig): Promise<void> {
    const s = this.current();
    const next = await trainerFor(s.sets.train, s.sets.valid, config, this.trainerOptions);
    await s.trainer.dispose();
    s.trainer = next;
    s.config = config;
    // A new model (or a re-initialised one) has no cold rows: they train with everyone else.
    this.cold.clear();
  }

  private totals() {
    const s = this.current();
    const validCount = s.sets.valid?.ratings.length ?? 0;
    return { users: s.table.userCount, movies: s.table.itemCount, ratings: s.sets.train.ratings.length + validCount, validRatings: validCount };
  }

  numbers(evaluate = true): SheetNumbers {
    const s = this.current();
    return { snapshot: s.trainer.snapshot(s.visible.userRows, s.visible.itemRows), fit: evaluate || !this.lastFit ? this.fit() : this.lastFit };
  }

  private fit(): Fit {
    this.lastFit = this.current().trainer.evaluate();
    return this.lastFit;
  }

  private async sleepUnlessStopped(ms: number): Promise<void> {
    const until = performance.now() + ms;
    while (!this.stopRequested() && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, until - performance.now())));
    }
  }
}

const fitOf = (m: EpochMetrics): Fit => ({ trainRmse: m.trainRmse, trainMae: m.trainMae, validRmse: m.validRmse, validMae: m.validMae });

/** A split that holds nothing out: every current rating. */
const EVERY_RATING: SplitPlan = { rowMask: null, cellPct: 0, seed: 0 };

/** The split's mask over the loaded rows (computed once per choice: a 25M shuffle is not free). */
export function splitState(sheet: PreparedSheet, choice: Pick<SplitState, 'method' | 'validPct' | 'seed'>): SplitState {
  const { method, validPct, seed } = choice;
  const d = sheet.dataset;
  switch (method) {
    case 'files':
      if (!sheet.fileMask) throw new UserError('This dataset was not loaded with a validation file');
      return { method, validPct: 0, seed, plan: { rowMask: sheet.fileMask, cellPct: 0, seed } };
    case 'time':
      if (!d.timestamps) throw new UserError('A split by time needs a timestamp column, and this data has none: map one in the import, or split at random');
      // Edits are the newest ratings of all, but not anyone's "next" rating: they train.
      return { method, validPct, seed, plan: { rowMask: validPct > 0 ? timeValidMask(d, validPct) : null, cellPct: 0, seed } };
    case 'random':
      return { method, validPct, seed, plan: { rowMask: validPct > 0 ? randomValidMask(d.ratings.length, validPct, seed) : null, cellPct: validPct, seed } };
  }
}

function report(method: SplitState['method'], sets: TrainValid): SplitReport {
  if (!sets.valid || sets.valid.ratings.length === 0) {
    return { method: 'none', trainRows: sets.train.ratings.length, validRows: 0, coldUsers: 0, coldItems: 0, coldUserRatings: 0, coldItemRatings: 0 };
  }
  return { method, ...splitSummary({ train: sets.train, valid: sets.valid }) };
}

/** The planted tastes of the visible users and movies: a sheet file's own, or a generator's truth. */
function plantedInWindow(sheet: PreparedSheet, visible: SheetWindow): PlantedTastes | null {
  if (sheet.planted) {
    return {
      tastes: sheet.planted.tastes,
      userWeights: visible.userRows.map((u) => sheet.planted!.userWeights[u]),
      movieWeights: visible.itemRows.map((i) => sheet.planted!.movieWeights[i]),
    };
  }
  const truth = sheet.truth;
  if (!truth) return null;
  const rows = (table: Float32Array, codes: number[]) => codes.map((c) => Array.from(table.subarray(c * truth.rank, (c + 1) * truth.rank)));
  return {
    tastes: Array.from({ length: truth.rank }, (_, t) => `taste ${t + 1}`),
    userWeights: rows(truth.userFactors, visible.userRows),
    movieWeights: rows(truth.itemFactors, visible.itemRows),
  };
}

/** Rating counts covering every row the table has (rows added since the load have none). */
function countsFor(counts: RatingCounts, table: RatingsTable): RatingCounts {
  const grow = (a: Int32Array, n: number) => {
    if (a.length >= n) return a;
    const b = new Int32Array(n);
    b.set(a);
    return b;
  };
  return { user: grow(counts.user, table.userCount), item: grow(counts.item, table.itemCount) };
}

/** The trainer refuses settings it cannot use (L-BFGS with mini-batches, no ratings left…) in words meant for the user. */
async function trainerFor(train: TrainValid['train'], valid: TrainValid['valid'], config: TrainConfig, options: TrainerOptions): Promise<Trainer> {
  try {
    return await createTrainer(train, valid, config, options);
  } catch (error) {
    throw new UserError(`Cannot train with these settings: ${(error as Error).message}`);
  }
}
