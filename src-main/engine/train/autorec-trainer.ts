/**
 * AutoRec's epoch loop (models/autorec.ts): the same Trainer contract as the pair models, so the
 * app's Solve, `collabsheet train`, lr_find, sweeps and tunes run it unchanged — but its batches
 * are movies, not ratings. The ratings live as a dense movies × users grid (and its observed
 * mask), a batch is `batchSize` movies' rows of it, ONNX Runtime computes the loss and
 * gradients, and the TypeScript optimizer steps the four parameters, as for every other model.
 *
 * Weight decay is the paper's L2 on the weights (encoder and decoder, not the biases), added to
 * the gradient before the optimizer step (so wdMode does not apply): λ·θ per step, on the mean
 * loss of the batch's observed entries.
 *
 * Exported parameters are the serving form (models/autorec.ts): user_factors and user_bias (the
 * decoder), item_factors (every movie's code, from its training ratings) and item_bias (zeros),
 * beside the encoder the codes come from — so everything that reads a dot-bias model reads it.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RatingsDataset } from '../../data/dataset.ts';
import { type FactorModel, factorModelFromParams, predictRating } from '../analysis/factor-model.ts';
import { mulberry32, shuffleInPlace } from '../../data/random.ts';
import { type ErrorSums, addError, maeOf, noErrors, rmseOf } from '../metrics.ts';
import { AUTOREC_PARAMS, autoRecCodesBytes, autoRecTrainBytes } from '../models/autorec.ts';
import { type ModelDefinition, type ModelFeatures, dotProductModel } from '../models/index.ts';
import { truncNormal } from '../models/init.ts';
import { type HyperSchedules, type Optimizer, type Param, type Schedule, applySchedules, createOptimizer, schedConst, schedulesFor } from '../optim/index.ts';
import { type Session, createSession, tensor } from '../runtime/session.ts';
import type { EpochMetrics, ModelParams, ParamTensor, Snapshot, StopReason, TrainConfig } from '../types.ts';
import { PROGRESS_MS, YIELD_MS, type EpochHooks, type PassEnd, type PassHooks } from './batch-pass.ts';
import { checkCodes, checkData, tableRows, validateConfig } from './checks.ts';
import { DivergenceGuard, divergedMessage } from './divergence.ts';
import { Checkpoint, EarlyStop, type TableRows } from './params.ts';
import type { EpochResult, Fit, Trainer, TrainerOptions } from './trainer.ts';

/**
 * The grid is movies × users floats, twice (ratings and observed): 50M cells is 400 MB — ml-1m's
 * 3,706 × 6,040 is 22M; ml-10m's 10,681 × 69,878 (746M) is refused with the reason.
 */
export const AUTOREC_MAX_CELLS = 50_000_000;
/** Same bound as the pair models' (trainer.ts): one batch is one ONNX Runtime call, which Stop cannot interrupt. */
const MAX_BATCH_OPERATIONS = 2e10;
/** The encoder's and decoder's init std (the paper's small random start; the other models' 0.01 trains slower here). */
const INIT_STD = 0.03;
/** Movies encoded per call of the codes graph. */
const CODE_CHUNK = 256;
const PROBE_SEED = 0x1f83d9ab;

const streams = (seed: number) => ({ init: mulberry32(seed), shuffle: mulberry32(seed ^ 0x5bd1e995) });

const inWords = (n: number): string => (n >= 1e9 ? `${+(n / 1e9).toPrecision(2)} billion` : `${+(n / 1e6).toPrecision(2)} million`);

/** Why AutoRec cannot train this data or these settings, or null. */
export function autoRecUnsupported(config: TrainConfig, rows: TableRows): string | null {
  if (config.optim.optimizer === 'lbfgs') return 'AutoRec trains with a mini-batch optimizer (adam, sgd or momentum), not L-BFGS';
  const cells = rows.users * rows.items;
  if (cells > AUTOREC_MAX_CELLS) {
    return `AutoRec holds the ratings as a dense movies × users grid: ${rows.items.toLocaleString('en-US')} × ${rows.users.toLocaleString('en-US')} = ` +
      `${inWords(cells)} cells is over the ${inWords(AUTOREC_MAX_CELLS)} it allows — use the dot-bias or neural model for data this size`;
  }
  return null;
}

/** The dense grid of the training ratings, movie-major, and each movie's observed count. */
interface Grid {
  ratings: Float32Array;
  observed: Float32Array;
  counts: Int32Array;
  /** The movies with at least one training rating: what an epoch passes over. */
  trained: Int32Array;
}

function gridOf(train: RatingsDataset, rows: TableRows): Grid {
  const ratings = new Float32Array(rows.items * rows.users);
  const observed = new Float32Array(ratings.length);
  const counts = new Int32Array(rows.items);
  for (let j = 0; j < train.ratings.length; j++) {
    const cell = train.items[j] * rows.users + train.users[j];
    if (observed[cell] === 0) counts[train.items[j]]++;
    // A repeated (user, movie) keeps its last rating, as a sheet cell does.
    ratings[cell] = train.ratings[j];
    observed[cell] = 1;
  }
  const trained = Int32Array.from({ length: rows.items }, (_, i) => i).filter((i) => counts[i] > 0);
  return { ratings, observed, counts, trained };
}

export class AutoRecTrainer implements Trainer {
  epochsDone = 0;
  readonly deviceNotice: string | null;
  readonly definition: ModelDefinition;
  readonly features = null;
  private train: RatingsDataset;
  private valid: RatingsDataset | null;
  private rows: TableRows;
  private grid: Grid;
  private readonly k: number;
  /** encoder, encoder_bias, user_factors (decoder), user_bias, in the graph's order. */
  private params: Param[];
  private grads: Float32Array[] = [];
  private codes = new Float32Array(0);
  private codesStale = true;
  private batch: { ratings: Float32Array; observed: Float32Array };
  private readonly capacity: number;
  private readonly trainSession: Session;
  private readonly codesSession: Session;
  private readonly optimizer: Optimizer;
  private readonly schedules: HyperSchedules;
  private rand: ReturnType<typeof streams>;
  private readonly guard: DivergenceGuard;
  private readonly lastGood = new Checkpoint();
  private readonly early: EarlyStop;

  static async create(train: RatingsDataset, valid: RatingsDataset | null, config: TrainConfig, options: TrainerOptions): Promise<AutoRecTrainer> {
    return new AutoRecTrainer(train, valid, config, options);
  }

  /** options: AutoRec trains in this thread and takes no side features (as the factor models, it is given them and leaves them). */
  private constructor(train: RatingsDataset, valid: RatingsDataset | null, readonly config: TrainConfig, _options: TrainerOptions) {
    validateConfig(config);
    checkData(train);
    this.rows = tableRows(train, valid);
    const why = autoRecUnsupported(config, this.rows);
    if (why) throw new Error(`invalid training settings: ${why}`);
    this.train = train;
    this.valid = valid;
    this.k = config.model.factors;
    this.grid = gridOf(train, this.rows);
    this.capacity = config.batchSize === 'full' ? this.grid.trained.length : Math.min(config.batchSize, this.grid.trained.length);
    const operations = 6 * this.capacity * this.rows.users * this.k;
    if (operations > MAX_BATCH_OPERATIONS) {
      throw new Error(`invalid training settings: one AutoRec batch of ${this.capacity} movies × ${this.rows.users} users × ${this.k} factors is about ` +
        `${inWords(operations)} operations, over the ${inWords(MAX_BATCH_OPERATIONS)} a batch may take: use fewer movies a batch or fewer factors`);
    }
    this.definition = dotProductModel({ factors: this.k, bias: true, yRange: config.model.yRange });
    const shape = { factors: this.k, yRange: config.model.yRange };
    const sessionConfig = { threads: config.threads, device: config.device };
    this.trainSession = createSession(autoRecTrainBytes(shape), sessionConfig);
    this.codesSession = createSession(autoRecCodesBytes(shape), sessionConfig);
    this.deviceNotice = this.trainSession.notice;
    this.guard = new DivergenceGuard(train.ratings);
    this.early = new EarlyStop(config.earlyStopPatience);
    this.rand = streams(config.seed);
    this.params = this.freshParams(this.rows);
    this.batch = this.batchBuffers();
    this.optimizer = createOptimizer(this.params, { ...config.optim, wd: 0 }, { mode: 'dense' });
    this.schedules = schedulesFor(config.optim.schedule, config.optim.lr, this.optimizer.hypers.mom);
  }

  /** Encoder and decoder from N(0, INIT_STD²) truncated, encoder bias 0, each user's bias at the mean rating; grown: the old rows kept. */
  private freshParams(rows: TableRows, grownFrom?: Param[]): Param[] {
    const k = this.k;
    const make = (name: string, length: number, rowSize: number): Param => ({ name, data: new Float32Array(length), rowSize });
    const p = [
      make(AUTOREC_PARAMS.encoder, rows.users * k, k),
      make(AUTOREC_PARAMS.encoderBias, k, k),
      make(AUTOREC_PARAMS.decoder, rows.users * k, k),
      make(AUTOREC_PARAMS.decoderBias, rows.users, 1),
    ];
    truncNormal(p[0].data, INIT_STD, this.rand.init);
    truncNormal(p[2].data, INIT_STD, this.rand.init);
    p[3].data.fill(this.startingBias());
    if (grownFrom) {
      grownFrom.forEach((old, j) => p[j].data.set(old.data.subarray(0, Math.min(old.data.length, p[j].data.length))));
      // A new user's ratings enter every code they rated: from zero weights, so the others' predictions stay as they were until training moves them.
      p[0].data.fill(0, grownFrom[0].data.length);
    }
    this.grads = p.map((q) => new Float32Array(q.data.length));
    return p;
  }

  /** The raw output that predicts the mean training rating (through sigmoid_range when there is one). */
  private startingBias(): number {
    let mean = 0;
    for (const r of this.train.ratings) mean += r;
    mean /= this.train.ratings.length;
    const range = this.config.model.yRange;
    if (!range) return mean;
    const t = Math.min(0.99, Math.max(0.01, (mean - range[0]) / (range[1] - range[0])));
    return Math.log(t / (1 - t));
  }

  private batchBuffers() {
    return { ratings: new Float32Array(this.capacity * this.rows.users), observed: new Float32Array(this.capacity * this.rows.users) };
  }

  async runEpoch(hooks: EpochHooks = {}): Promise<EpochResult> {
    if (hooks.shouldStop?.()) return { metrics: null, stopped: { kind: 'cancelled' } };
    const started = performance.now();
    if (this.guard.needsStart) this.evaluate();
    this.lastGood.capture(this.params, this.epochsDone);
    const order = this.grid.trained.slice();
    shuffleInPlace(order, this.rand.shuffle);
    const sums = noErrors();
    const nBatches = Math.ceil(order.length / this.capacity);
    const position = (b: number) => Math.min(1, (this.epochsDone + b / nBatches) / this.config.epochs);
    const end = await this.pass(order, nBatches, position, this.schedules, sums, hooks, started);
    const lr = this.optimizer.hypers.lr;
    if (end.kind === 'cancelled') return { metrics: null, stopped: { kind: 'cancelled' } };
    if (end.kind === 'diverged') return { metrics: null, stopped: this.diverge(end.what) };
    const v = this.validErrors();
    const fit: Fit = { trainRmse: rmseOf(sums), trainMae: maeOf(sums), validRmse: v?.rmse ?? null, validMae: v?.mae ?? null };
    const problem = this.guard.problem(fit, this.epochsDone + 1);
    if (problem) return { metrics: null, stopped: this.diverge(problem) };
    this.epochsDone++;
    const metrics: EpochMetrics = { epoch: this.epochsDone, ...fit, lr, seconds: (performance.now() - started) / 1000 };
    return { metrics, stopped: this.earlyStop(fit.validRmse) };
  }

  async probe(count: number, lr: Schedule, hooks: PassHooks = {}): Promise<PassEnd> {
    const rand = streams(this.config.seed ^ PROBE_SEED);
    const order = new Int32Array(count * this.capacity);
    // A small grid is passed over more than once; each pass in its own shuffle.
    const trained = this.grid.trained.slice();
    for (let at = 0; at < order.length; at += trained.length) {
      shuffleInPlace(trained, rand.shuffle);
      order.set(trained.subarray(0, Math.min(trained.length, order.length - at)), at);
    }
    const schedules = { lr, mom: schedConst(this.optimizer.hypers.mom) };
    return this.pass(order, count, (b) => b / count, schedules, noErrors(), hooks, performance.now());
  }

  /** `nBatches` batches of the movies in `order`, stepping at the schedules' value for position(b). */
  private async pass(order: Int32Array, nBatches: number, position: (b: number) => number, schedules: HyperSchedules, sums: ErrorSums,
    hooks: PassHooks, started: number): Promise<PassEnd> {
    let lastProgress = performance.now();
    let lastYield = lastProgress;
    const epoch = this.epochsDone + 1;
    for (let b = 0; b < nBatches; b++) {
      if (b > 0 && hooks.shouldStop?.()) return { kind: 'cancelled' };
      const movies = order.subarray(b * this.capacity, Math.min(order.length, (b + 1) * this.capacity));
      applySchedules(this.optimizer, schedules, position(b));
      const loss = this.step(movies, sums);
      if (!Number.isFinite(loss)) return { kind: 'diverged', what: `the loss became ${loss} at epoch ${epoch}, batch ${b + 1} of ${nBatches}` };
      hooks.onBatch?.(loss, this.optimizer.hypers.lr);
      const now = performance.now();
      if (hooks.onProgress && now - lastProgress >= PROGRESS_MS) {
        lastProgress = now;
        hooks.onProgress({ epoch, fraction: (b + 1) / nBatches, lr: this.optimizer.hypers.lr, elapsedSeconds: (now - started) / 1000 });
      }
      if (now - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    this.codesStale = true;
    return { kind: 'done' };
  }

  /** One step on these movies' rows; returns the batch's loss (before the step) and adds its errors to sums. */
  private step(movies: Int32Array, sums: ErrorSums): number {
    const U = this.rows.users;
    const k = this.k;
    let entries = 0;
    movies.forEach((m, r) => {
      this.batch.ratings.set(this.grid.ratings.subarray(m * U, (m + 1) * U), r * U);
      this.batch.observed.set(this.grid.observed.subarray(m * U, (m + 1) * U), r * U);
      entries += this.grid.counts[m];
    });
    const n = movies.length;
    const [V, b, W, c] = this.params.map((p) => p.data);
    const feeds = {
      ratings: tensor(this.batch.ratings.subarray(0, n * U), [n, U]),
      observed: tensor(this.batch.observed.subarray(0, n * U), [n, U]),
      per_entry: tensor(new Float32Array([1 / entries]), []),
      [AUTOREC_PARAMS.encoder]: tensor(V, [U, k]),
      [AUTOREC_PARAMS.encoderBias]: tensor(b, [k]),
      [AUTOREC_PARAMS.decoder]: tensor(W, [U, k]),
      [AUTOREC_PARAMS.decoderBias]: tensor(c, [U]),
    };
    const fetches = Object.fromEntries(this.params.map((p, j) => [`grad_${p.name}`, tensor(this.grads[j], j === 1 ? [k] : j === 3 ? [U] : [U, k])]));
    const out = this.trainSession.run(feeds, { loss: null, squared: null, absolute: null, ...fetches });
    const loss = (out.loss.data as Float32Array)[0];
    sums.squared += (out.squared.data as Float32Array)[0];
    sums.absolute += (out.absolute.data as Float32Array)[0];
    sums.count += entries;
    if (!Number.isFinite(loss)) return loss;
    // The paper's L2 on the weights: ∂(λ/2·‖θ‖²)/∂θ = λθ, encoder and decoder only.
    const wd = this.config.optim.wd;
    if (wd > 0) {
      for (const j of [0, 2]) {
        const g = this.grads[j];
        const p = this.params[j].data;
        for (let e = 0; e < g.length; e++) g[e] += wd * p[e];
      }
    }
    this.optimizer.step(this.grads);
    return loss;
  }

  /** Every movie's code from its training ratings (a movie without any gets sigmoid(b)). */
  private freshCodes(): Float32Array {
    if (!this.codesStale && this.codes.length === this.rows.items * this.k) return this.codes;
    const U = this.rows.users;
    const k = this.k;
    const codes = this.codes.length === this.rows.items * k ? this.codes : new Float32Array(this.rows.items * k);
    const [V, b] = this.params.map((p) => p.data);
    for (let from = 0; from < this.rows.items; from += CODE_CHUNK) {
      const n = Math.min(CODE_CHUNK, this.rows.items - from);
      this.codesSession.run({
        ratings: tensor(this.grid.ratings.subarray(from * U, (from + n) * U), [n, U]),
        [AUTOREC_PARAMS.encoder]: tensor(V, [U, k]),
        [AUTOREC_PARAMS.encoderBias]: tensor(b, [k]),
      }, { codes: tensor(codes.subarray(from * k, (from + n) * k), [n, k]) });
    }
    this.codes = codes;
    this.codesStale = false;
    return codes;
  }

  /** The serving form (paramViews: codes as item factors, the decoder as user factors and biases) read as the dot-bias model it is. */
  private servingModel(): FactorModel {
    return factorModelFromParams(this.paramViews(), this.config.model.yRange);
  }

  private errorsOn(d: RatingsDataset) {
    const model = this.servingModel();
    const sums = noErrors();
    for (let j = 0; j < d.ratings.length; j++) addError(sums, predictRating(model, d.users[j], d.items[j]), d.ratings[j]);
    return { rmse: rmseOf(sums), mae: maeOf(sums) };
  }

  private validErrors() {
    return this.valid && this.valid.ratings.length > 0 ? this.errorsOn(this.valid) : null;
  }

  evaluate(): Fit {
    const t = this.errorsOn(this.train);
    if (this.guard.needsStart) this.guard.noteStart(t.rmse);
    const v = this.validErrors();
    return { trainRmse: t.rmse, trainMae: t.mae, validRmse: v?.rmse ?? null, validMae: v?.mae ?? null };
  }

  predict(users: Int32Array, items: Int32Array): Float32Array {
    checkCodes(users, this.rows.users, 'user');
    checkCodes(items, this.rows.items, 'item');
    const model = this.servingModel();
    return Float32Array.from(users, (u, j) => predictRating(model, u, items[j]));
  }

  /** The predictions block; no factors (a code is `factors` wide, 500 by the recipe: not sheet columns), as for the neural model. */
  snapshot(userRows: number[], itemRows: number[]): Snapshot {
    const users = Int32Array.from(userRows.flatMap((u) => itemRows.map(() => u)));
    const items = Int32Array.from(userRows.flatMap(() => itemRows));
    return {
      userRows: [...userRows], itemRows: [...itemRows], userFactors: [], itemFactors: [], userBias: [], itemBias: [],
      predictions: Array.from(this.predict(users, items)),
    };
  }

  setData(train: RatingsDataset, valid: RatingsDataset | null): void {
    checkData(train);
    const rows = tableRows(train, valid);
    const grown = { users: Math.max(rows.users, this.rows.users), items: Math.max(rows.items, this.rows.items) };
    const why = autoRecUnsupported(this.config, grown);
    if (why) throw new Error(why);
    this.train = train;
    this.valid = valid;
    this.guard.setData(train.ratings);
    this.early.forget();
    if (grown.users !== this.rows.users) {
      // New users are new input and output units: fresh rows, everyone else's kept; the optimizer moves to the new tables.
      this.params = this.freshParams(grown, this.params);
      this.optimizer.setParams(this.params);
      this.optimizer.reset();
    }
    this.rows = grown;
    this.grid = gridOf(train, grown);
    if (this.grid.trained.length === 0) throw new Error('there are no training ratings');
    this.batch = this.batchBuffers();
    this.codesStale = true;
  }

  reinit(seed: number): void {
    this.rand = streams(seed);
    const fresh = this.freshParams(this.rows);
    this.params.forEach((p, j) => p.data.set(fresh[j].data));
    this.optimizer.reset();
    this.guard.forgetStart();
    this.epochsDone = 0;
    this.early.forget();
    this.codesStale = true;
  }

  exportParams(): ModelParams {
    const views = this.paramViews();
    const params = Object.fromEntries(Object.entries(views).map(([name, t]) => [name, { shape: [...t.shape], data: t.data.slice() }]));
    return { params, optimizer: this.optimizer.exportState() };
  }

  importParams(p: ModelParams): void {
    for (const param of this.params) {
      const saved = p.params[param.name];
      if (!saved || saved.data.length !== param.data.length) {
        throw new Error(`AutoRec parameter ${param.name}: expected ${param.data.length} values, got ${saved ? saved.data.length : 'none'}`);
      }
    }
    this.params.forEach((param) => param.data.set(p.params[param.name].data));
    if (p.optimizer) this.optimizer.importState(p.optimizer);
    else this.optimizer.reset();
    this.guard.forgetStart();
    this.codesStale = true;
  }

  /** A movie's code comes from its ratings alone: side features are left, as the factor models leave them. */
  setFeatures(_features: ModelFeatures): void {}

  paramViews(): Readonly<Record<string, ParamTensor>> {
    const { users, items } = this.rows;
    const k = this.k;
    const shapes = [[users, k], [k], [users, k], [users]];
    const trained = Object.fromEntries(this.params.map((p, j) => [p.name, { shape: shapes[j], data: p.data }]));
    return { ...trained, item_factors: { shape: [items, k], data: this.freshCodes() }, item_bias: { shape: [items], data: new Float32Array(items) } };
  }

  setRows(name: string, rows: readonly number[], values: ArrayLike<number>): void {
    const param = this.params.find((p) => p.name === name && (name === AUTOREC_PARAMS.decoder || name === AUTOREC_PARAMS.decoderBias));
    if (!param) throw new Error(`AutoRec sets only user rows (user_factors, user_bias): a movie's code comes from its ratings, got ${name}`);
    if (values.length !== rows.length * param.rowSize) throw new Error(`${name}: ${rows.length} rows need ${rows.length * param.rowSize} values, got ${values.length}`);
    rows.forEach((r, j) => {
      for (let e = 0; e < param.rowSize; e++) param.data[r * param.rowSize + e] = values[j * param.rowSize + e];
    });
  }

  private diverge(what: string): StopReason {
    this.lastGood.restore(this.params);
    this.optimizer.reset();
    this.codesStale = true;
    return { kind: 'diverged', message: divergedMessage(what, this.lastGood.epoch, this.config.optim.lr) };
  }

  private earlyStop(validRmse: number | null): StopReason | null {
    const stop = this.early.note(this.params, this.epochsDone, validRmse);
    if (stop) this.codesStale = true;
    return stop;
  }


  async dispose(): Promise<void> {
    this.trainSession.dispose();
    this.codesSession.dispose();
  }
}
