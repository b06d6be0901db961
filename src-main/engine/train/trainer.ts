/**
 * The epoch loop: ONNX Runtime computes the loss and gradients of a batch (the graph built by
 * models/), the TypeScript optimizer (optim/) steps the parameter tables in place, and the
 * forward-only graph measures RMSE/MAE after each epoch. See TRAINER_API in the issue notes for
 * the contract; this file is its only implementation.
 *
 * Determinism: shuffling, initialisation and dropout masks each draw from their own mulberry32
 * stream derived from config.seed, and ONNX Runtime with a fixed thread count is deterministic
 * for these graphs, so the same seed and threads give bit-identical runs.
 */
import { availableParallelism } from 'node:os';
import type { RatingsDataset } from '../../data/dataset.ts';
import { mulberry32 } from '../../data/random.ts';
import { type ErrorSums, maeOf, noErrors, rmseOf } from '../metrics.ts';
import {
  type MaskSpec, type ModelDefinition, type ModelFeatures, type ParamSpec, buildModelGraph, defineModel, featureTensors, growColumns, modelBytes,
  isAddedTermParam, usesSideFeatures, withItemCounts,
} from '../models/index.ts';
import {
  type Grad, type HyperSchedules, Lbfgs, type Optimizer, type Schedule, createOptimizer, flatLength, packGrads, packParams,
  schedConst, schedulesFor, unpackParams,
} from '../optim/index.ts';
import { type Session, type TensorHandle, createSession, tensor } from '../runtime/session.ts';
import { Batches } from './batches.ts';
import { type EpochHooks, type PassEnd, type PassHooks, runPass } from './batch-pass.ts';
import { type EpochOrder, ShuffledOrder, epochOrder } from './epoch-order.ts';
import { type TrainingMemory, trainingMemory } from './memory.ts';
import { ConvergenceWatch } from './convergence.ts';
import { DivergenceGuard, divergedMessage } from './divergence.ts';
import { Checkpoint, EarlyStop, ParamStore, type TableRows } from './params.ts';
import { checkCodes, checkData, tableRows, validateConfig } from './checks.ts';
import { AutoRecTrainer } from './autorec-trainer.ts';
import { type BlockWorkerStarter, TwoCoreEpochs } from './parallel/two-cores.ts';
import { Predictor } from './predictor.ts';
import { type EpochMetrics, type ModelParams, type ParamTensor, type Snapshot, type StopReason, type TrainConfig } from '../types.ts';

export type { EpochHooks, PassEnd, PassHooks } from './batch-pass.ts';

export interface EpochResult {
  metrics: EpochMetrics | null;
  stopped: StopReason | null;
}

export interface Fit {
  trainRmse: number;
  trainMae: number;
  validRmse: number | null;
  validMae: number | null;
}

export interface Trainer {
  readonly config: TrainConfig;
  readonly epochsDone: number;
  /** Why the requested device is not used (e.g. no CUDA in this build); null when it is. */
  readonly deviceNotice: string | null;
  /**
   * One epoch (or, in full-batch L-BFGS mode, one iteration) with the schedule spanning
   * config.epochs. shouldStop is polled between batches; onProgress is throttled (~10/s).
   */
  runEpoch(hooks?: EpochHooks): Promise<EpochResult>;
  /**
   * lr_find's probe (lr-find.ts): `count` mini-batch steps outside the epochs, step i at the
   * learning rate lr(i / count) with momentum at the optimizer's base value (fastai's lr_find
   * schedules lr alone). The batches come from a shuffle of their own, with dropout masks of
   * their own, so the epochs' order and random streams are as if the probe never ran; the
   * parameters and optimizer state do move, and the caller saves and restores them.
   * hooks.onBatch sees each step's loss; shouldStop ends the probe between batches.
   */
  probe(count: number, lr: Schedule, hooks?: PassHooks): Promise<PassEnd>;
  /** Metrics of the current parameters without training. */
  evaluate(): Fit;
  /** Cheap UI view: factors/biases of chosen rows + predictions for the userRows × itemRows block. */
  snapshot(userRows: number[], itemRows: number[]): Snapshot;
  predict(users: Int32Array, items: Int32Array): Float32Array;
  /** New ratings (same id maps, or more users/items: new rows get fresh init); parameters kept. */
  setData(train: RatingsDataset, valid: RatingsDataset | null): void;
  /** Re-initialise parameters, optimizer state and shuffling from a seed; epochsDone back to 0. */
  reinit(seed: number): void;
  /** Plain-data parameters and optimizer state, for save/load/export. */
  exportParams(): ModelParams;
  importParams(p: ModelParams): void;
  /**
   * New side-feature tables (issue 15 cold start): e.g. the genres of a movie just added by
   * setData, whose id row is fresh (near zero) — it is then predicted from its features. The
   * columns must be the model's (same names and widths); the tables grow to the data's rows.
   */
  setFeatures(features: ModelFeatures): void;
  /** The model as built (its serving export builds the same forward pass), and the side-feature tables it takes now (null: none). */
  readonly definition: ModelDefinition;
  readonly features: ModelFeatures | null;
  /**
   * The live parameter tables by name, without copying (exportParams copies, which costs 100+ MB
   * on ml-25m): for reading between runs. Valid until setData grows the tables or training moves them.
   */
  paramViews(): Readonly<Record<string, ParamTensor>>;
  /**
   * Overwrites rows of a per-user or per-item table (`values`: rows.length × row size) — how a
   * cold-start fold-in puts a new row's solved factors into the model without retraining.
   */
  setRows(name: string, rows: readonly number[], values: ArrayLike<number>): void;
  dispose(): Promise<void>;
}

export interface TrainerOptions {
  /**
   * Train big data on two cores (parallel/two-cores.ts): how to start a block worker thread, and
   * from how many training ratings (default TWO_CORES_FROM). Without it, training uses one thread
   * (plus ONNX Runtime's intra-op threads).
   */
  twoCores?: { start: BlockWorkerStarter; from?: number };
  /**
   * Side features of users and items (issue 15), for the models that take them (the neural
   * ones): their tables are fed beside the parameters, grown as unknown when the data grows.
   */
  features?: ModelFeatures;
}

/**
 * From this many ratings two cores pay for moving rows between threads. Measured (scale bench,
 * 10 epochs): 1M ratings 0.5 s per epoch on one thread or two; 5M 3.0 s → 2.3 s.
 */
export const TWO_CORES_FROM = 2_000_000;

export async function createTrainer(
  train: RatingsDataset, valid: RatingsDataset | null, config: TrainConfig, options: TrainerOptions = {},
): Promise<Trainer> {
  if (config.model.kind === 'autorec') return AutoRecTrainer.create(train, valid, config, options);
  return new CollabTrainer(train, valid, config, options);
}

/** The probe's streams are the epochs' streams of another seed. */
const PROBE_SEED = 0x1f83d9ab;

/** Independent, reproducible random streams from one seed. */
const streams = (seed: number) => ({
  init: mulberry32(seed),
  shuffle: mulberry32(seed ^ 0x5bd1e995),
  dropout: mulberry32(seed ^ 0x27d4eb2f),
});

class CollabTrainer implements Trainer {
  epochsDone = 0;
  readonly deviceNotice: string | null;
  private train: RatingsDataset;
  private valid: RatingsDataset | null;
  private readonly specs: readonly ParamSpec[];
  private readonly classes: number[] | null;
  private readonly trainSession: Session;
  private readonly predictSession: Session;
  private readonly store: ParamStore;
  private readonly predictor: Predictor;
  private batches: Batches;
  private readonly maskSpecs: readonly MaskSpec[];
  /** The feature tables the model's graphs take (none for the factor models). */
  private readonly tableNames: ReadonlySet<string>;
  /** How sparse gradients update the tables (fixed at creation; see defaultUpdates). */
  private readonly updates: 'lazy' | 'dense';
  /** Built at the first single-thread epoch (two-core epochs keep their orders in the workers). */
  private order: EpochOrder | null = null;
  private twoCores: TwoCoreEpochs | null = null;
  private rand: ReturnType<typeof streams>;
  private readonly stepper: SteppedOptimizer | null;
  private readonly solver: FullBatchSolver | null;
  /** The divergence guard's last good parameters (start of the current epoch). */
  private readonly lastGood = new Checkpoint();
  private readonly guard: DivergenceGuard;
  private readonly early: EarlyStop;
  private readonly errorSums: ErrorSums = noErrors();
  readonly definition: ModelDefinition;

  /**
   * The side features as fed: a neural model's with the item counts of the current training data
   * (withItemCounts), which it has with or without features; the factor models' as given.
   */
  get features(): ModelFeatures | null {
    return this.fed(this.options.features);
  }

  private fed(features: ModelFeatures | undefined): ModelFeatures | null {
    if (!usesSideFeatures(this.config.model.kind)) return features ?? null;
    return withItemCounts(features ?? null, this.train.items, tableRows(this.train, this.valid).items);
  }

  constructor(train: RatingsDataset, valid: RatingsDataset | null, readonly config: TrainConfig, private options: TrainerOptions) {
    validateConfig(config);
    checkData(train);
    this.train = train;
    this.valid = valid;
    this.guard = new DivergenceGuard(train.ratings);
    this.early = new EarlyStop(config.earlyStopPatience);
    const rows = tableRows(train, valid);
    const model = defineModel(config.model, { ...rows, ratings: train.ratings, features: this.features });
    this.classes = model.classes;
    this.definition = model.definition;
    const trainGraph = buildModelGraph(model.definition, 'float32', 'train');
    const predictGraph = buildModelGraph(model.definition, 'float32', 'predict');
    this.specs = trainGraph.builder.params.map((p) => p.spec);
    checkBatchCost(this.specs, batchCapacity(config, train));
    const sessionConfig = { threads: config.threads, device: config.device };
    this.trainSession = createSession(modelBytes(trainGraph), sessionConfig);
    this.predictSession = createSession(modelBytes(predictGraph), sessionConfig);
    this.deviceNotice = this.trainSession.notice;

    this.rand = streams(config.seed);
    this.maskSpecs = trainGraph.builder.masks.map((m) => m.spec);
    this.tableNames = new Set(trainGraph.builder.tables.map((t) => t.name));
    const capacity = batchCapacity(config, train);
    const tableElements = ParamStore.plan(this.specs, rows).reduce((n, size, k) => n + (this.specs[k].lookup ? size : 0), 0);
    this.updates = config.optim.updates ?? defaultUpdates(rows, tableElements, train.ratings.length, capacity);
    const memory = this.memoryFor(rows, capacity);
    this.store = new ParamStore(this.specs, rows, config.model.init, this.rand.init, memory.alloc);
    this.batches = new Batches(capacity, this.specs, this.maskSpecs, memory.alloc);
    this.predictor = new Predictor(this.predictSession, this.specs);
    if (config.optim.optimizer === 'lbfgs') {
      this.stepper = null;
      this.solver = new FullBatchSolver(this.store, config.optim.wd, () => this.fullBatch());
    } else {
      const optimizer = createOptimizer(this.store.params, config.optim, { mode: this.updates, backend: memory.backend! });
      const mom = optimizer.hypers.mom;
      this.stepper = { optimizer, schedules: schedulesFor(config.optim.schedule, config.optim.lr, mom), mom };
      this.solver = null;
    }
    this.bindParams();
  }

  async runEpoch(hooks: EpochHooks = {}): Promise<EpochResult> {
    if (hooks.shouldStop?.()) return { metrics: null, stopped: { kind: 'cancelled' } };
    const started = performance.now();
    if (this.guard.needsStart) this.evaluate();
    this.lastGood.capture(this.store.params, this.epochsDone);
    const outcome = this.solver
      ? await this.solverIteration()
      : this.onTwoCores() ? await this.twoCoreEpoch(hooks) : await this.epochOfBatches(hooks, started);
    if (outcome.stopped) return { metrics: null, stopped: outcome.stopped };

    const fit = outcome.running ? this.runningFit(outcome.running) : this.evaluate();
    const problem = this.guard.problem(fit, this.epochsDone + 1);
    if (problem) return { metrics: null, stopped: this.diverge(problem) };
    this.epochsDone++;
    const metrics: EpochMetrics = { epoch: this.epochsDone, ...fit, lr: outcome.lr, seconds: (performance.now() - started) / 1000 };
    return { metrics, stopped: this.earlyStop(fit.validRmse) ?? this.converged(fit.trainRmse, outcome.solved === true) };
  }

  /**
   * A full-batch Solve ends when L-BFGS itself has stopped (a zero gradient, no step left) or the
   * RMSE has stopped moving (convergence.ts), rather than spending the rest of its epochs on a
   * flat curve (issue 16 item 4: 7.1 s on the workbook, flat by epoch 30).
   */
  private converged(trainRmse: number, solved: boolean): StopReason | null {
    if (!this.solver) return null;
    const flat = this.solver.convergence.note(trainRmse);
    return solved || flat ? { kind: 'converged', epoch: this.epochsDone } : null;
  }

  /** One pass over the training set in mini-batches, in the epoch order. */
  private async epochOfBatches(hooks: EpochHooks, started: number): Promise<Outcome> {
    const { optimizer, schedules } = this.stepper!;
    const nBatches = Math.ceil(this.train.ratings.length / this.batches.capacity);
    this.order ??= epochOrder(this.train, this.store.tableRows, this.batches.capacity, this.rand.shuffle);
    this.order.startEpoch(this.rand.shuffle);
    const sums = this.errorSums;
    sums.squared = sums.absolute = sums.count = 0;
    const parts = { order: this.order, batches: this.batches, session: this.trainSession, optimizer, schedules, dropout: this.rand.dropout };
    const plan = { epochsDone: this.epochsDone, epochs: this.config.epochs, first: 0, count: nBatches, batchesPerEpoch: nBatches, started };
    const end = await runPass(parts, plan, sums, hooks);
    const lr = optimizer.hypers.lr;
    if (end.kind === 'cancelled') return { lr, stopped: { kind: 'cancelled' }, running: null };
    if (end.kind === 'diverged') return { lr, stopped: this.diverge(end.what), running: null };
    // One batch per epoch: the exact evaluation after the step is cheap and more telling.
    return { lr, stopped: null, running: nBatches > 1 ? sums : null };
  }

  async probe(count: number, lr: Schedule, hooks: PassHooks = {}): Promise<PassEnd> {
    if (!this.stepper) throw new Error('L-BFGS takes no learning rate: finding one needs a mini-batch optimizer (adam, sgd or momentum)');
    const { optimizer, mom } = this.stepper;
    // Fully shuffled even for big data: 100 batches need no cache locality, and a blocked order
    // would copy every rating.
    const order = new ShuffledOrder(this.train);
    const rand = streams(this.config.seed ^ PROBE_SEED);
    const parts = { order, batches: this.batches, session: this.trainSession, optimizer, schedules: { lr, mom: schedConst(mom) }, dropout: rand.dropout };
    const perEpoch = Math.ceil(this.train.ratings.length / this.batches.capacity);
    const started = performance.now();
    // A small training set is passed over more than once; the schedule sees one pass of `count` batches.
    for (let done = 0; done < count; done += perEpoch) {
      if (hooks.shouldStop?.()) return { kind: 'cancelled' };
      order.startEpoch(rand.shuffle);
      const plan = { epochsDone: 0, epochs: 1, first: done, count: Math.min(perEpoch, count - done), batchesPerEpoch: count, started };
      const end = await runPass(parts, plan, noErrors(), hooks);
      if (end.kind !== 'done') return end;
    }
    return { kind: 'done' };
  }

  /**
   * Two cores, for big data: when a starter was given, the data is big enough, there is a second
   * core, and the model is tables looked up by user and item stepped lazily (each worker then
   * moves only its own rows; dense weights or dense updates would touch every row every step).
   */
  private onTwoCores(): boolean {
    const start = this.options.twoCores;
    return start !== undefined && this.train.ratings.length >= (start.from ?? TWO_CORES_FROM) && availableParallelism() >= 2 &&
      this.updates === 'lazy' && this.maskSpecs.length === 0 && this.specs.every((s) => s.lookup !== null) &&
      this.batches.capacity < this.train.ratings.length;
  }

  private async twoCoreEpoch(hooks: EpochHooks): Promise<Outcome> {
    const { optimizer } = this.stepper!;
    this.twoCores ??= new TwoCoreEpochs(this.options.twoCores!.start, this.train, this.store.tableRows, this.config);
    const home = { params: this.store.params, lookups: this.specs.map((s) => s.lookup as 'user' | 'item'), optimizer };
    const { end, sums, lr } = await this.twoCores.epoch(home, this.epochsDone, hooks);
    if (end.kind === 'cancelled') return { lr, stopped: { kind: 'cancelled' }, running: null };
    if (end.kind === 'diverged') return { lr, stopped: this.diverge(end.what), running: null };
    Object.assign(this.errorSums, sums);
    return { lr, stopped: null, running: this.errorSums };
  }

  /** The workers hold the data and orders of the current setup; a new one starts them afresh. */
  private dropTwoCores(): void {
    void this.twoCores?.dispose();
    this.twoCores = null;
  }

  /** Full batch, L-BFGS: one iteration (a direction and a line search) is one "epoch". */
  private async solverIteration(): Promise<Outcome> {
    const it = await this.solver!.iterate();
    if (!Number.isFinite(it.loss)) {
      return { lr: it.step, stopped: this.diverge(`the loss became ${it.loss} in L-BFGS iteration ${it.iteration}`), running: null };
    }
    return { lr: it.step, stopped: null, running: null, solved: it.converged !== null };
  }

  private runningFit(sums: ErrorSums): Fit {
    const v = this.validErrors();
    return { trainRmse: rmseOf(sums), trainMae: maeOf(sums), validRmse: v?.rmse ?? null, validMae: v?.mae ?? null };
  }

  private validErrors() {
    return this.valid && this.valid.ratings.length > 0 ? this.predictor.errors(this.valid) : null;
  }

  /** The full training set as one batch, without dropout: L-BFGS's objective. */
  private fullBatch(): { loss: number; grads: readonly Grad[] } {
    const n = this.batches.fillRange(this.train, 0, this.train.ratings.length);
    this.batches.noDropout(n);
    return { loss: this.batches.run(this.trainSession, n), grads: this.batches.grads };
  }

  /** Every way of diverging ends here: the last good parameters back, and what to change. */
  private diverge(what: string): StopReason {
    this.lastGood.restore(this.store.params);
    this.stepper?.optimizer.reset();
    this.solver?.restart();
    return { kind: 'diverged', message: divergedMessage(what, this.lastGood.epoch, this.config.optim.lr) };
  }

  private earlyStop(validRmse: number | null): StopReason | null {
    const stop = this.early.note(this.store.params, this.epochsDone, validRmse);
    if (stop) this.solver?.restart();
    return stop;
  }


  evaluate(): Fit {
    const t = this.predictor.errors(this.train);
    // No epoch has run since the parameters were set: this is the start the guard measures from
    // (the app evaluates a sheet as it opens, so its first epoch needs no extra pass).
    if (this.guard.needsStart) this.guard.noteStart(t.rmse);
    const v = this.validErrors();
    return { trainRmse: t.rmse, trainMae: t.mae, validRmse: v?.rmse ?? null, validMae: v?.mae ?? null };
  }

  predict(users: Int32Array, items: Int32Array): Float32Array {
    const { users: nu, items: ni } = this.store.tableRows;
    checkCodes(users, nu, 'user');
    checkCodes(items, ni, 'item');
    return this.predictor.predict(users, items);
  }

  snapshot(userRows: number[], itemRows: number[]): Snapshot {
    const pairsU = new Int32Array(userRows.length * itemRows.length);
    const pairsI = new Int32Array(pairsU.length);
    userRows.forEach((u, a) => itemRows.forEach((i, b) => {
      pairsU[a * itemRows.length + b] = u;
      pairsI[a * itemRows.length + b] = i;
    }));
    const predictions = Array.from(this.predict(pairsU, pairsI));
    const rowsOf = (name: string, rows: number[]): number[] => {
      const p = this.store.params.find((q) => q.name === name);
      if (!p) return [];
      return rows.flatMap((r) => Array.from(p.data.subarray(r * p.rowSize, (r + 1) * p.rowSize)));
    };
    return {
      userRows: [...userRows],
      itemRows: [...itemRows],
      userFactors: rowsOf('user_factors', userRows),
      itemFactors: rowsOf('item_factors', itemRows),
      userBias: rowsOf('user_bias', userRows),
      itemBias: rowsOf('item_bias', itemRows),
      predictions,
    };
  }

  setData(train: RatingsDataset, valid: RatingsDataset | null): void {
    checkData(train);
    if (this.classes) {
      const known = new Set(this.classes);
      const stranger = train.ratings.find((r) => !known.has(r));
      if (stranger !== undefined) throw new Error(`rating ${stranger} is not one of the classes this model was built with (${this.classes.join(', ')}); rebuild the model`);
    }
    this.train = train;
    this.valid = valid;
    this.guard.setData(train.ratings);
    // Validation RMSE on other data is not comparable with the best seen so far.
    this.early.forget();
    const capacity = batchCapacity(this.config, train);
    const rows = this.store.grownRows(tableRows(train, valid));
    this.order = null;
    this.dropTwoCores();
    const now = this.store.tableRows;
    if (rows.users !== now.users || rows.items !== now.items || capacity !== this.batches.capacity) {
      // The arena is planned for the tables and batch buffers: a new layout gets a new one.
      const memory = this.memoryFor(rows, capacity);
      this.store.moveTo(memory.alloc, rows, this.rand.init);
      this.batches = new Batches(capacity, this.specs, this.maskSpecs, memory.alloc);
      this.stepper?.optimizer.setParams(this.store.params, memory.backend!);
    }
    this.bindParams();
    this.solver?.restart();
  }

  reinit(seed: number): void {
    this.rand = streams(seed);
    this.store.reinit(this.rand.init);
    this.guard.forgetStart();
    this.stepper?.optimizer.reset();
    this.solver?.restart();
    this.order = null;
    this.dropTwoCores();
    this.epochsDone = 0;
    this.early.forget();
  }

  exportParams(): ModelParams {
    return { params: this.store.export(), optimizer: this.stepper?.optimizer.exportState() ?? null };
  }

  importParams(p: ModelParams): void {
    const params = withZeroAddedTerms(p.params, this.paramViews());
    this.store.import(params);
    this.guard.forgetStart();
    const optimizer = this.stepper?.optimizer;
    if (optimizer) {
      const sameSize = this.store.params.every((q) => params[q.name].data.length === q.data.length);
      if (p.optimizer && sameSize && params === p.params) optimizer.importState(p.optimizer);
      else optimizer.reset();
    }
    this.solver?.restart();
  }

  setFeatures(features: ModelFeatures): void {
    const shapeOf = (f: ModelFeatures | undefined) =>
      [f?.user, f?.item].flatMap((set) => (set ? featureTensors(set) : [])).filter((t) => this.tableNames.has(t.name)).map((t) => `${t.name} [${t.row}]`).join(', ');
    const now = shapeOf(this.features ?? undefined);
    const given = shapeOf(this.fed(features) ?? undefined);
    if (given !== now) throw new Error(`setFeatures: the model was built with feature tables ${now || '(none)'}, not ${given || '(none)'}: rebuild the model for other features`);
    this.options = { ...this.options, features };
    this.bindParams();
  }

  paramViews(): Readonly<Record<string, ParamTensor>> {
    return Object.fromEntries(this.store.params.map((p, i) => [p.name, { shape: this.store.shape(i), data: p.data }]));
  }

  setRows(name: string, rows: readonly number[], values: ArrayLike<number>): void {
    const i = this.store.params.findIndex((p) => p.name === name);
    if (i < 0 || !this.specs[i].lookup) throw new Error(`setRows: ${name} is not a per-user or per-item table`);
    const p = this.store.params[i];
    const n = this.store.shape(i)[0];
    if (values.length !== rows.length * p.rowSize) {
      throw new Error(`setRows: ${rows.length} rows of ${name} need ${rows.length * p.rowSize} values, got ${values.length}`);
    }
    rows.forEach((row, j) => {
      if (!Number.isInteger(row) || row < 0 || row >= n) throw new Error(`setRows: row ${row} of ${name} is outside [0, ${n})`);
      for (let c = 0; c < p.rowSize; c++) p.data[row * p.rowSize + c] = values[j * p.rowSize + c];
    });
    // L-BFGS's curvature history describes the parameters before the change; and the divergence
    // guard measures from the new parameters (a factor of 1000 typed into the sheet is where
    // the next Solve starts, not a Solve that blew up).
    this.solver?.restart();
    this.guard.forgetStart();
  }

  async dispose(): Promise<void> {
    await this.twoCores?.dispose();
    this.twoCores = null;
    this.trainSession.dispose();
    this.predictSession.dispose();
  }

  private memoryFor(rows: TableRows, capacity: number): TrainingMemory {
    return trainingMemory({ specs: this.specs, maskSpecs: this.maskSpecs, rows, capacity, optim: this.config.optim, mode: this.updates });
  }

  /** Points every tensor at the current parameter and feature tables (after creation or growth). */
  private bindParams(): void {
    const shapes = this.specs.map((_, i) => this.store.shape(i));
    const tables = this.featureFeeds();
    this.batches.bindParams(this.store.params, shapes, tables);
    this.predictor.bindParams(this.store.params, shapes, tables);
    this.solver?.resize();
  }

  /** The feature tables over the current table rows; codes beyond the features' rows are unknown. */
  private featureFeeds(): Record<string, TensorHandle> {
    const feeds: Record<string, TensorHandle> = {};
    const { features } = this;
    if (!features || this.tableNames.size === 0) return feeds;
    for (const set of [features.user, features.item]) {
      if (!set) continue;
      const rows = set.side === 'user' ? this.store.tableRows.users : this.store.tableRows.items;
      for (const t of featureTensors(growColumns(set, rows))) {
        // Features joined over more codes than the tables hold: only the tables' rows are fed.
        const size = rows * t.row.reduce((a, b) => a * b, 1);
        if (this.tableNames.has(t.name)) feeds[t.name] = tensor(t.data.subarray(0, size), [rows, ...t.row]);
      }
    }
    return feeds;
  }
}

interface Outcome {
  /** The learning rate at the end (L-BFGS: the accepted step length). */
  lr: number;
  stopped: StopReason | null;
  /** Errors summed over the epoch's batches; null when the epoch should be evaluated exactly. */
  running: ErrorSums | null;
  /** L-BFGS has stopped making progress (its gradient or step tolerance). */
  solved?: boolean;
}

interface SteppedOptimizer {
  optimizer: Optimizer;
  schedules: HyperSchedules;
  /** Momentum (Adam's β1) as the optimizer was created, before any schedule moved it. */
  mom: number;
}

/**
 * L-BFGS over all parameters as one float64 vector. Weight decay is an L2 penalty here
 * ((wd/2)·Σp², fastai's l2_reg form): "decoupled" has no meaning without a learning rate.
 */
class FullBatchSolver {
  private x = new Float64Array(0);
  private lbfgs: Lbfgs | null = null;
  /** Whether the RMSE has gone flat since the objective last changed. */
  readonly convergence = new ConvergenceWatch();

  constructor(
    private readonly store: ParamStore,
    private readonly wd: number,
    private readonly runFullBatch: () => { loss: number; grads: readonly Grad[] },
  ) {}

  async iterate() {
    if (!this.lbfgs) this.lbfgs = new Lbfgs(packParams(this.store.params, this.x), (x, grad) => this.objective(x, grad));
    const it = await this.lbfgs.step();
    unpackParams(this.lbfgs.x, this.store.params);
    return it;
  }

  /** The objective changed (data, parameters): start over from the current parameters. */
  restart(): void {
    this.lbfgs = null;
    this.convergence.reset();
  }

  resize(): void {
    const n = flatLength(this.store.params);
    if (n !== this.x.length) this.x = new Float64Array(n);
    this.restart();
  }

  private objective(x: Float64Array, grad: Float64Array): number {
    const params = this.store.params;
    unpackParams(x, params);
    let { loss, grads } = this.runFullBatch();
    packGrads(params, grads, grad);
    if (this.wd > 0) {
      let sq = 0;
      for (let i = 0; i < x.length; i++) {
        sq += x[i] * x[i];
        grad[i] += this.wd * x[i];
      }
      loss += 0.5 * this.wd * sq;
    }
    return loss;
  }
}

/**
 * The most arithmetic one batch may take. A batch is one ONNX Runtime call, which Stop cannot
 * interrupt; dense layers cost about 6 operations per weight per rating (forward, and backward to
 * inputs and weights). Measured here (2 cores, busy): 3–5 GFLOP/s on big MLP batches, so 2e10 is
 * a few seconds at most. An 8 × 4096 network on the 225-rating demo sheet is 1.8e11: it held
 * the worker for minutes (issue 13 finding 11).
 */
const MAX_BATCH_OPERATIONS = 2e10;

function checkBatchCost(specs: readonly ParamSpec[], capacity: number): void {
  const denseWeights = specs.reduce((n, s) => n + (s.lookup ? 0 : s.shape.reduce((a, b) => a * b, 1)), 0);
  const operations = 6 * denseWeights * capacity;
  if (operations <= MAX_BATCH_OPERATIONS) return;
  // CONFIG_LIMITS keep the weights under 2e10 / 6, so at least one rating always fits.
  const fits = Math.floor(MAX_BATCH_OPERATIONS / (6 * denseWeights));
  const billions = (n: number) => `${+(n / 1e9).toPrecision(2)} billion`;
  throw new Error(
    `invalid training settings: one batch of this network is about ${billions(operations)} operations ` +
      `(${+(denseWeights / 1e6).toPrecision(3)} million weights × ${capacity} ratings), over the ${billions(MAX_BATCH_OPERATIONS)} ` +
      `a batch may take — it would run for minutes and Stop could not interrupt it: use fewer or smaller hidden layers, or batches of at most ${fits} ratings`,
  );
}

/** Saved parameters with the added terms' the model has and they lack at zero (isAddedTermParam); the same object when none lacks. */
function withZeroAddedTerms(saved: Readonly<Record<string, ParamTensor>>, model: Readonly<Record<string, ParamTensor>>): Readonly<Record<string, ParamTensor>> {
  const missing = Object.keys(model).filter((name) => isAddedTermParam(name) && !saved[name]);
  if (!missing.length) return saved;
  return { ...saved, ...Object.fromEntries(missing.map((name) => [name, { shape: [...model[name].shape], data: new Float32Array(model[name].data.length) }])) };
}

function batchCapacity(c: TrainConfig, train: RatingsDataset): number {
  return c.batchSize === 'full' ? train.ratings.length : Math.min(c.batchSize, train.ratings.length);
}

/** Dense updates may cost this many element updates per epoch (≈ 1–2 s of TypeScript here). */
const DENSE_BUDGET = 2e8;

/**
 * Lazy updates (touched rows only) unless dense ones (every row every step, exactly PyTorch's
 * Adam) both matter and are affordable. They matter when a batch touches well under half the
 * rows (each rating touches 2); with bigger batches the two nearly agree. They are affordable
 * when steps × table size stays within DENSE_BUDGET. Measured on ml-100k, fastbook recipe:
 * bs 64 dense 0.8935 vs lazy 0.8978 valid RMSE (PyTorch 0.8948); bs 1024 dense 0.8999 vs lazy
 * 0.9029, but lazy steps are ~2× cheaper there.
 */
export function defaultUpdates(rows: TableRows, tableElements: number, ratings: number, batchSize: number): 'lazy' | 'dense' {
  const touchesFew = 2 * batchSize < (rows.users + rows.items) / 2;
  const affordable = Math.ceil(ratings / batchSize) * tableElements <= DENSE_BUDGET;
  return touchesFew && affordable ? 'dense' : 'lazy';
}

