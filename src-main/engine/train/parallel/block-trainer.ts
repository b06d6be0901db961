/**
 * What one worker of a two-core epoch runs (see quarters.ts): the same training graph, batch
 * loop and lazy optimizer step as the single-thread trainer, over its share of the ratings, on
 * tables holding its own users and every item. Rows come in (put) at the start of an epoch and
 * between rounds, and go back out (take) at the end, with their optimizer moments.
 */
import { mulberry32 } from '../../../data/random.ts';
import { type ErrorSums, noErrors } from '../../metrics.ts';
import { buildModelGraph, defineModel, modelBytes } from '../../models/index.ts';
import { type HyperSchedules, type Optimizer, type Param, createOptimizer, schedulesFor } from '../../optim/index.ts';
import { type Session, createSession } from '../../runtime/session.ts';
import { Batches } from '../batches.ts';
import { type PassEnd, runPass } from '../batch-pass.ts';
import { type EpochOrder, type RatingArrays, epochOrder } from '../epoch-order.ts';
import { trainingMemory } from '../memory.ts';
import { ParamStore, type TableRows } from '../params.ts';
import type { TrainConfig } from '../../types.ts';
import { type RowSet, gatherRows, scatterRows } from './quarters.ts';

export interface BlockSetup {
  /** 0 or 1: seeds this worker's shuffling apart from the other's. */
  worker: number;
  config: TrainConfig;
  /** Its tables' rows: its own users, every item. */
  rows: TableRows;
  /** Its two rounds' ratings, user codes local to its tables. */
  rounds: [RatingArrays, RatingArrays];
}

/** Some rows of a table with their optimizer moments, copied (gatherRows' layout). */
export interface RowBlock {
  param: string;
  rows: RowSet;
  values: Float32Array;
  state: Record<string, Float32Array>;
}

export interface RowRequest {
  param: string;
  rows: RowSet;
  /** Whether to copy the optimizer moments too (else the block's state is empty). */
  moments: boolean;
}

export interface RoundPlan {
  round: 0 | 1;
  epochsDone: number;
  /** The optimizer's step count before this round (Adam's bias correction). */
  steps: number;
}

export interface RoundResult {
  end: PassEnd;
  sums: ErrorSums;
  steps: number;
  lr: number;
}

export class BlockTrainer {
  readonly batchesPerEpoch: number;
  private readonly session: Session;
  private readonly store: ParamStore;
  private readonly batches: Batches;
  private readonly optimizer: Optimizer;
  private readonly schedules: HyperSchedules;
  private readonly orders: [EpochOrder, EpochOrder];
  private readonly roundBatches: [number, number];
  private readonly shuffle: () => number;
  private readonly epochs: number;

  constructor(setup: BlockSetup) {
    const { config, rows, rounds } = setup;
    const { definition } = defineModel(config.model, { ...rows, ratings: rounds[0].ratings });
    const graph = buildModelGraph(definition, 'float32', 'train');
    const specs = graph.builder.params.map((p) => p.spec);
    const maskSpecs = graph.builder.masks.map((m) => m.spec);
    if (maskSpecs.length > 0 || specs.some((s) => !s.lookup)) throw new Error('two-core epochs train embedding tables only (no dense weights, no dropout)');
    this.session = createSession(modelBytes(graph), { threads: 1, device: config.device });
    // The two workers' simultaneous batches make one step of the whole model: each takes half the
    // batch size, so rows get as many updates per epoch as with one thread. (With the full batch
    // size each, a row's ratings are spread over half as many steps: planted 60k ratings, 5 epochs,
    // valid 0.539 vs 0.434 for one thread; with half, 0.425.)
    const capacity = Math.ceil((config.batchSize as number) / 2);
    const memory = trainingMemory({ specs, maskSpecs, rows, capacity, optim: config.optim, mode: 'lazy' });
    // The tables are overwritten by put() before any training; the initialisation is a placeholder.
    this.store = new ParamStore(specs, rows, config.model.init, mulberry32(0), memory.alloc);
    this.batches = new Batches(capacity, specs, maskSpecs, memory.alloc);
    this.batches.bindParams(this.store.params, specs.map((_, i) => this.store.shape(i)));
    this.optimizer = createOptimizer(this.store.params, config.optim, { mode: 'lazy', backend: memory.backend! });
    this.schedules = schedulesFor(config.optim.schedule, config.optim.lr, this.optimizer.hypers.mom);
    this.shuffle = mulberry32(config.seed ^ (0x68e31da4 + setup.worker));
    // The rounds' arrays were transferred to this worker: the orders sort them in place.
    this.orders = [0, 1].map((r) => epochOrder(rounds[r], rows, capacity, this.shuffle, true)) as [EpochOrder, EpochOrder];
    this.roundBatches = [0, 1].map((r) => Math.ceil(rounds[r].ratings.length / capacity)) as [number, number];
    this.batchesPerEpoch = this.roundBatches[0] + this.roundBatches[1];
    this.epochs = config.epochs;
  }

  put(blocks: readonly RowBlock[]): void {
    for (const b of blocks) putRows(this.param(b.param), this.optimizer, b);
  }

  take(requests: readonly RowRequest[]): RowBlock[] {
    return requests.map(({ param, rows, moments }) => takeRows(this.param(param), moments ? this.optimizer : null, rows));
  }

  async round(plan: RoundPlan, hooks: { shouldStop(): boolean; onBatches(done: number): void }): Promise<RoundResult> {
    const { round } = plan;
    this.optimizer.steps = plan.steps;
    const order = this.orders[round];
    order.startEpoch(this.shuffle);
    const sums = noErrors();
    const first = round === 0 ? 0 : this.roundBatches[0];
    const end = await runPass(
      { order, batches: this.batches, session: this.session, optimizer: this.optimizer, schedules: this.schedules, dropout: this.shuffle },
      {
        epochsDone: plan.epochsDone, epochs: this.epochs, first, count: this.roundBatches[round],
        batchesPerEpoch: this.batchesPerEpoch, started: performance.now(),
      },
      sums,
      { shouldStop: hooks.shouldStop, onProgress: (p) => hooks.onBatches(Math.round(p.fraction * this.batchesPerEpoch)) },
    );
    return { end, sums, steps: this.optimizer.steps, lr: this.optimizer.hypers.lr };
  }

  dispose(): void {
    this.session.dispose();
  }

  private param(name: string): Param {
    const p = this.store.params.find((q) => q.name === name);
    if (!p) throw new Error(`no table ${name}`);
    return p;
  }
}

/** Rows of a table and, given its optimizer, their moments, copied out. */
export function takeRows(param: Param, optimizer: Optimizer | null, rows: RowSet): RowBlock {
  const moments = optimizer ? Object.entries(optimizer.stateOf(param.name)) : [];
  const state = Object.fromEntries(moments.map(([name, s]) => [name, gatherRows(s, param.rowSize, rows)]));
  return { param: param.name, rows, values: gatherRows(param.data, param.rowSize, rows), state };
}

/** Writes a block's rows and moments into a table at `at` (default: the rows it came from). */
export function putRows(param: Param, optimizer: Optimizer, block: RowBlock, at: RowSet = block.rows): void {
  scatterRows(param.data, param.rowSize, at, block.values);
  const state = optimizer.stateOf(param.name);
  for (const [name, values] of Object.entries(block.state)) scatterRows(state[name], param.rowSize, at, values);
}
