/**
 * Everything the training worker does, as a plain class (so tests can run it in-process): it owns
 * the ratings table, the trainer (and with it the ONNX sessions and parameter arrays), and sends
 * the main thread only the visible block's numbers.
 */
import { ratingStats, type RatingsDataset } from '../../data/dataset.ts';
import { attachTitles, DataImportError, findTitlesFileBeside, readRatingsFile, readTitlesFile } from '../../data/import/index.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { createTrainer, type Trainer } from '../../engine/train/trainer.ts';
import type { EpochMetrics, StopReason, TrainConfig } from '../../engine/train/types.ts';
import type { Fit, RatingScale, SheetNumbers } from '../contract.ts';
import { defaultConfig } from '../default-config.ts';
import { isHeldOut, RatingsTable, type RatingChange, type TrainValid } from '../ratings-table.ts';
import { readSheetFile, type LoadedSheet } from '../sheet-file.ts';
import { chooseWindow, windowGrid, type SheetWindow } from '../sheet-window.ts';
import { UserError } from '../user-error.ts';
import { ColdStart } from './cold-start.ts';
import type { AddRowRequest, AddRowResult } from './insight-protocol.ts';
import { Insights } from './insights.ts';
import type {
  LoadRequest,
  LoadResult,
  SheetSource,
  SplitResult,
  SplitSettings,
  TrainRequest,
  TrainResult,
  WorkerCallName,
  WorkerCalls,
  WorkerMessage,
} from './protocol.ts';

/** At most ~30 sheet updates a second reach the UI however fast the epochs are (a little under
 * 1000/30 so that a run paced at 30 epochs/s is not rounded down to every other epoch). */
export const SNAPSHOT_INTERVAL_MS = 30;

interface Loaded {
  sheet: LoadedSheet;
  table: RatingsTable;
  window: SheetWindow;
  split: SplitSettings;
  config: TrainConfig;
  trainer: Trainer;
}

export class TrainingSession {
  private loaded: Loaded | null = null;
  /** Epochs since the last reset, across Solve runs: the chart's x axis. */
  private epochsSinceReset = 0;
  /** The ratings the trainer has now, and a counter that moves whenever they change. */
  private latest: TrainValid | null = null;
  private dataVersion = 0;
  private allRatings: { version: number; data: RatingsDataset } | null = null;
  private cold = new ColdStart();
  private readonly insights = new Insights(() => {
    const s = this.current();
    return {
      trainer: s.trainer,
      config: s.config,
      sheet: s.sheet,
      data: this.allData(),
      dataVersion: this.dataVersion,
      isColdUser: (code) => this.cold.isCold('user', code),
    };
  });

  constructor(
    private readonly send: (m: WorkerMessage) => void,
    private readonly stopRequested: () => boolean,
  ) {}

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
    };
    return handlers[call](arg);
  }

  async dispose(): Promise<void> {
    await this.loaded?.trainer.dispose();
    this.loaded = null;
  }

  private async load(req: LoadRequest): Promise<LoadResult> {
    const sheet = await loadSheet(req.source);
    const table = new RatingsTable(sheet.dataset);
    const window = chooseWindow(sheet.dataset, req.maxUsers, req.maxItems);
    const config = req.config ?? defaultConfig(sheet.dataset.ratings.length, sheet.scale);
    const split = table.split(req.split.validPct, req.split.splitSeed);
    const { train, valid } = split;
    const trainer = await trainerFor(train, valid, config);
    await this.loaded?.trainer.dispose();
    this.loaded = { sheet, table, window, split: req.split, config, trainer };
    this.epochsSinceReset = 0;
    this.dataChanged(split);
    this.cold = new ColdStart();
    return {
      name: sheet.name,
      scale: sheet.scale,
      users: window.userRows.map((u) => sheet.users[u]),
      movies: window.itemRows.map((i) => sheet.movies[i]),
      window,
      ratings: windowGrid(sheet.dataset, window),
      planted: sheet.planted && {
        tastes: sheet.planted.tastes,
        userWeights: window.userRows.map((u) => sheet.planted!.userWeights[u]),
        movieWeights: window.itemRows.map((i) => sheet.planted!.movieWeights[i]),
      },
      config,
      split: this.splitResult(train.ratings.length, valid?.ratings.length ?? 0),
    };
  }

  private async edit(changes: RatingChange[]): Promise<SplitResult> {
    const s = this.current();
    s.table.apply(changes);
    return this.refreshData();
  }

  private async resplit(split: SplitSettings): Promise<SplitResult> {
    this.current().split = split;
    return this.refreshData();
  }

  private refreshData(): SplitResult {
    const s = this.current();
    const split = s.table.split(s.split.validPct, s.split.splitSeed);
    const { train, valid } = split;
    s.trainer.setData(train, valid);
    this.dataChanged(split);
    if (this.cold.any) this.cold.refold(s.trainer, this.insights.model(), s.table, s.split);
    return this.splitResult(train.ratings.length, valid?.ratings.length ?? 0);
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
      s.window.userRows.push(code);
    } else {
      s.sheet.movies.push({ id, title: label });
      s.window.itemRows.push(code);
    }
    return {
      user: side === 'user' ? { id, label } : null,
      movie: side === 'item' ? { id, title: label } : null,
      code,
      split: this.refreshData(),
      noFoldIn,
    };
  }

  private dataChanged(split: TrainValid): void {
    this.latest = split;
    this.dataVersion++;
  }

  /** Every current rating, train and held-out: what counts, means and "already rated" are about. */
  private allData(): RatingsDataset {
    const latest = this.latest!;
    if (!latest.valid) return latest.train;
    if (this.allRatings?.version !== this.dataVersion) {
      this.allRatings = { version: this.dataVersion, data: this.current().table.split(0, 0).train };
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
    const flush = () => {
      this.send({ type: 'epoch', metrics: pending, numbers: this.numbers() });
      pending = [];
      lastSent = performance.now();
    };
    let epochs = 0;
    let stopped: StopReason | null = null;
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
      }
      stopped = result.stopped;
      if (stopped) break;
      const wait = minEpochMs - (performance.now() - started);
      if (wait > 0) await this.sleepUnlessStopped(wait);
      // Checked after the pause, so a paced run (30 epochs/s) sends every epoch, not every other.
      if (performance.now() - lastSent >= SNAPSHOT_INTERVAL_MS) flush();
      if (this.stopRequested()) {
        stopped = { kind: 'cancelled' };
        break;
      }
    }
    flush();
    return { epochs, stopped, fit: this.fit() };
  }

  private async replaceTrainer(config: TrainConfig): Promise<void> {
    const s = this.current();
    const { train, valid } = s.table.split(s.split.validPct, s.split.splitSeed);
    const next = await trainerFor(train, valid, config);
    await s.trainer.dispose();
    s.trainer = next;
    s.config = config;
    // A new model (or a re-initialised one) has no cold rows: they train with everyone else.
    this.cold.clear();
  }

  private splitResult(trainCount: number, validCount: number): SplitResult {
    const s = this.current();
    const { validPct, splitSeed } = s.split;
    return {
      heldOut: s.window.userRows.map((u) =>
        s.window.itemRows.map((i) => validPct > 0 && isHeldOut(u, i, splitSeed, validPct)),
      ),
      totals: {
        users: s.table.userCount,
        movies: s.table.itemCount,
        ratings: trainCount + validCount,
        validRatings: validCount,
      },
      numbers: this.numbers(),
    };
  }

  private numbers(): SheetNumbers {
    const s = this.current();
    return { snapshot: s.trainer.snapshot(s.window.userRows, s.window.itemRows), fit: this.fit() };
  }

  private fit(): Fit {
    return this.current().trainer.evaluate();
  }

  private current(): Loaded {
    if (!this.loaded) throw new Error('The training worker has no sheet loaded');
    return this.loaded;
  }

  private async sleepUnlessStopped(ms: number): Promise<void> {
    const until = performance.now() + ms;
    while (!this.stopRequested() && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, until - performance.now())));
    }
  }
}

/** The trainer refuses settings it cannot use (L-BFGS with mini-batches, no ratings left…) in words meant for the user. */
async function trainerFor(train: RatingsDataset, valid: RatingsDataset | null, config: TrainConfig): Promise<Trainer> {
  try {
    return await createTrainer(train, valid, config);
  } catch (error) {
    throw new UserError(`Cannot train with these settings: ${(error as Error).message}`);
  }
}

async function loadSheet(source: SheetSource): Promise<LoadedSheet> {
  switch (source.kind) {
    case 'sheet-file':
      return readSheetFile(source.path);
    case 'ratings-file':
      return ratingsFileSheet(source.path);
    case 'planted': {
      const { data } = generatePlanted({ ...source.spec, scale: source.scale });
      return {
        name: source.name,
        scale: source.scale,
        users: data.userIds.map((id) => ({ id, label: id })),
        movies: data.itemIds.map((id) => ({ id, title: id })),
        dataset: data,
        planted: null,
      };
    }
    default:
      throw new UserError(`Unknown sheet source ${(source as { kind: string }).kind}`);
  }
}

async function ratingsFileSheet(path: string): Promise<LoadedSheet> {
  let data: RatingsDataset;
  try {
    ({ data } = await readRatingsFile(path));
    // MovieLens keeps titles beside the ratings (u.item, movies.dat, movies.csv): show them.
    const titles = findTitlesFileBeside(path);
    if (titles) attachTitles(data, await readTitlesFile(titles));
  } catch (error) {
    if (error instanceof DataImportError) throw new UserError(error.message);
    throw error;
  }
  return {
    name: path.split(/[\\/]/).pop() ?? path,
    scale: inferScale(data),
    users: data.userIds.map((id) => ({ id, label: id })),
    movies: data.itemIds.map((id, i) => ({ id, title: data.itemTitles?.[i] ?? id })),
    dataset: data,
    planted: null,
  };
}

/** The file's own range, in whole stars unless it has half stars (MovieLens 1–5 vs 0.5–5). */
function inferScale(d: RatingsDataset): RatingScale {
  const { min, max } = ratingStats(d);
  const step = d.ratings.some((r) => r !== Math.round(r)) ? 0.5 : 1;
  return { lo: min, hi: max, step };
}
