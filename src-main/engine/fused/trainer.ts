/**
 * Training a factor model in the fused kernel (issue 11 items 1, 2): the tables and the blocked
 * ratings in one shared memory (kernel.ts, blocks.ts), epochs of the block schedule run by N
 * worker threads (pool.ts) or, for N = 1, by this thread between yields to its event loop
 * (the same blocks in the same order, so N = 1 and N = 2 give the same factors). After every
 * epoch: train metrics from the blocks' sums (each rating measured before its own update),
 * validation in this thread, the divergence guard, and a copy of the factors in the ONNX
 * models' names and shapes — what a Stop or a divergence returns.
 */
import { type RatingsDataset, dropRatingColumns, itemCount, ratingStats, userCount } from '../../data/dataset.ts';
import { mulberry32 } from '../../data/random.ts';
import { maeOf, rmseOf } from '../metrics.ts';
import { truncNormal } from '../models/init.ts';
import { schedulesFor } from '../optim/schedule.ts';
import { DivergenceGuard, round } from '../train/divergence.ts';
import type { WorkerEntry } from '../train/parallel/worker-entry.ts';
import type { EpochMetrics, ParamTensor, StopReason } from '../types.ts';
import { FusedArena, NO_COLUMNS, placeColumns } from './arena.ts';
import { type RunGrid, type Slots, blockInPlace, epochOrder, gridFor, slotsFor } from './blocks.ts';
import { CONTROL_WORDS, type FusedLayout, type KernelExports, type KernelSettings, ROW, bufferOf, instantiate, planLayout, tableView } from './kernel.ts';
import { FusedPool } from './pool.ts';
import { type EpochPlan, evaluateBlock, raiseStop, resetControl, trainBlock } from './rounds.ts';
import type { FusedConfig } from './config.ts';

export interface FusedHooks {
  /**
   * After every epoch, with valid RMSE when valid ratings were given, and that epoch's factors
   * (a copy, in the ONNX models' names and shapes: what the app's sheet shows every epoch).
   */
  onEpoch?(m: EpochMetrics, params: Readonly<Record<string, ParamTensor>>): void;
  /** Stop: answered within one block (a few ms at 25M); the last finished epoch's factors come back. */
  signal?: AbortSignal;
  /** Where the worker threads' code is: the app's bundled fused/worker.ts; default the source under tsx. */
  workerEntry?: WorkerEntry;
  /**
   * A dataset's ratings are blocked into the shared memory (train first, then valid): from here
   * on the run reads its columns no more, so a caller that owns them may drop them (the CLI does,
   * so 25M ratings are held once while training, not twice). Called before the tables and the
   * threads take their memory.
   */
  onBlocked?(d: RatingsDataset): void;
  /**
   * The memory the datasets' columns were imported into (the CLI's one-copy path): the run
   * blocks them there in place and so takes them — the datasets' columns are emptied once blocked
   * (read what else you need from them first). Columns elsewhere are copied in as without it.
   */
  arena?: FusedArena;
}

export interface FusedResult {
  /** user_factors [nUsers, k], item_factors [nItems, k], user_bias [nUsers], item_bias [nItems] (dotbias). */
  params: Record<string, ParamTensor>;
  history: EpochMetrics[];
  stop: StopReason | null;
}

/** N = 1 trains in this thread; it lets its event loop run (Stop, the app's messages) this often. */
const YIELD_MS = 20;

export async function trainFused(train: RatingsDataset, valid: RatingsDataset | null, cfg: FusedConfig, hooks: FusedHooks = {}): Promise<FusedResult> {
  checkConfig(cfg);
  // Nothing to train on would read as NaN errors, i.e. "diverged".
  if (train.ratings.length === 0) throw new Error('fused training: the training set has no ratings');
  const nUsers = userCount(train);
  const nItems = itemCount(train);
  checkCodes(train, nUsers, nItems, 'training');
  if (valid) checkCodes(valid, nUsers, nItems, 'validation');
  const g = gridFor(cfg.workers);
  const arena = hooks.arena ?? new FusedArena();
  const memory = arena.memory;
  // The threads start now, so their start (~170 ms from source) overlaps the blocking below; they are told the run once it is laid out.
  const pool = cfg.workers > 1 ? new FusedPool(hooks.workerEntry, { memory }, cfg.workers) : null;
  try {
    return await trainOn(train, valid, cfg, hooks, { g, nUsers, nItems, arena, memory, pool });
  } finally {
    await pool?.close();
  }
}

interface RunParts {
  g: number;
  nUsers: number;
  nItems: number;
  arena: FusedArena;
  memory: WebAssembly.Memory;
  pool: FusedPool | null;
}

async function trainOn(train: RatingsDataset, valid: RatingsDataset | null, cfg: FusedConfig, hooks: FusedHooks, parts: RunParts): Promise<FusedResult> {
  const { g, nUsers, nItems, arena, memory, pool } = parts;
  const slots = slotsFor(nUsers, nItems, cfg.seed);
  // The guard's yardstick is the ratings' spread: the start predicts about the mean rating, whose RMSE is the spread.
  const guard = new DivergenceGuard(train.ratings);
  const meanRating = ratingStats(train).mean;
  const trainPlaced = placeColumns(arena, train);
  const { blockStart } = blockInPlace(arena.buffer, trainPlaced.at, slots, g);
  handOver(train, trainPlaced.inPlace, hooks);
  // Validation in the same blocks: its reads then stay within one block's rows at a time, and the threads share it as they share training.
  let validAt = NO_COLUMNS;
  let validStart: Int32Array = new Int32Array(g * g + 1);
  if (valid) {
    const placed = placeColumns(arena, valid);
    validAt = placed.at;
    validStart = blockInPlace(arena.buffer, validAt, slots, g).blockStart;
    handOver(valid, placed.inPlace, hooks);
  }
  const layout = planLayout(arena, { k: cfg.factors, nUsers, nItems, g }, trainPlaced.at, validAt);
  const buffer = arena.buffer;
  const grid: RunGrid = { g, blockStart, validStart };
  initTables(memory, layout, cfg, meanRating);
  const settings: KernelSettings = { k: cfg.factors, bias: cfg.model === 'dotbias', yRange: cfg.yRange, wd: cfg.wd, opt: cfg.optimizer === 'sgd' ? 0 : 1 };
  const kernel = instantiate(memory, layout, settings);
  const ctl = new Int32Array(buffer, layout.control, CONTROL_WORDS(g));
  pool?.setup({ layout, settings, g, blockStart: grid.blockStart, validStart: grid.validStart, threads: cfg.workers }, ctl);
  return runEpochs(guard, memory, kernel, layout, grid, slots, ctl, pool, cfg, hooks);
}

/** d's ratings are blocked: columns the run reordered in place are d's no more (they hold slots now); then the caller's hook. */
function handOver(d: RatingsDataset, inPlace: boolean, hooks: FusedHooks): void {
  if (inPlace) dropRatingColumns(d);
  hooks.onBlocked?.(d);
}

async function runEpochs(guard: DivergenceGuard, memory: WebAssembly.Memory, kernel: KernelExports, layout: FusedLayout, grid: RunGrid, slots: Slots, ctl: Int32Array,
  pool: FusedPool | null, cfg: FusedConfig, hooks: FusedHooks): Promise<FusedResult> {
  const sums = new Float64Array(bufferOf(memory), layout.sums, 4 * layout.blocks);
  const lrAt = schedulesFor(cfg.schedule, cfg.lr, 0).lr;
  guard.noteStart(0);
  const history: EpochMetrics[] = [];
  // One snapshot of the factors, refilled after every epoch (fresh arrays each epoch cost their page faults again).
  const params = emptyParams(layout, cfg);
  const rowOfSlot = rowsOfSlots(slots);
  copyParams(memory, layout, rowOfSlot, params);
  const signal = hooks.signal;
  const onAbort = () => raiseStop(ctl);
  signal?.addEventListener('abort', onAbort);
  try {
    for (let e = 0; e < cfg.epochs; e++) {
      if (signal?.aborted) return { params, history, stop: { kind: 'cancelled' } };
      const started = performance.now();
      const plan = planEpoch(grid.g, cfg.seed, e, cfg.epochs, lrAt);
      resetControl(ctl);
      sums.fill(0);
      const finished = pool ? await pool.epoch(e, plan) : await runInline(kernel, layout, grid, plan, signal);
      if (!finished || signal?.aborted) return { params, history, stop: { kind: 'cancelled' } };
      const trainErrors = { ...summed(sums, 0, layout.blocks), count: layout.nTrain };
      const validErrors = layout.nValid > 0 ? { ...summed(sums, layout.blocks, layout.blocks), count: layout.nValid } : null;
      const fit = {
        trainRmse: rmseOf(trainErrors), trainMae: maeOf(trainErrors),
        validRmse: validErrors ? rmseOf(validErrors) : null, validMae: validErrors ? maeOf(validErrors) : null,
      };
      const problem = guard.problem(fit, e + 1);
      if (problem) return { params, history, stop: diverged(problem, e, cfg.lr) };
      copyParams(memory, layout, rowOfSlot, params);
      const metrics: EpochMetrics = { epoch: e + 1, ...fit, lr: plan.lrs[plan.lrs.length - 1], seconds: (performance.now() - started) / 1000 };
      history.push(metrics);
      hooks.onEpoch?.(metrics, params);
    }
    return { params, history, stop: null };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function diverged(what: string, epochsDone: number, lr: number): StopReason {
  const when = epochsDone === 0 ? 'their values before training' : `their values after epoch ${epochsDone}`;
  return { kind: 'diverged', message: `${what}; the fused engine kept the factors at ${when} — the learning rate ${round(lr)} is too high: try ${round(lr / 10)} or lower` };
}

/** Epoch e's blocks and their learning rates: the schedule at each block's share of all training. */
export function planEpoch(g: number, seed: number, e: number, epochs: number, lrAt: (pos: number) => number): EpochPlan {
  const order = epochOrder(g, seed, e);
  const lrs = Float32Array.from(order, (_, j) => lrAt((e + j / order.length) / epochs));
  return { order, lrs };
}

async function runInline(kernel: KernelExports, layout: FusedLayout, grid: RunGrid, plan: EpochPlan, signal: AbortSignal | undefined): Promise<boolean> {
  // At least once an epoch, however short, so a Stop between epochs is seen.
  await nextTurn();
  let yielded = performance.now();
  for (let pos = 0; pos < plan.order.length; pos++) {
    if (signal?.aborted) return false;
    trainBlock(kernel, layout, grid, plan, pos);
    if (performance.now() - yielded >= YIELD_MS) {
      await nextTurn();
      yielded = performance.now();
    }
  }
  for (let b = 0; b < layout.blocks; b++) evaluateBlock(kernel, layout, grid, b);
  return true;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** The squared and absolute errors of `count` sums slots from `first`, added in slot order (the same for every N). */
function summed(sums: Float64Array, first: number, count: number): { squared: number; absolute: number } {
  let squared = 0;
  let absolute = 0;
  for (let b = first; b < first + count; b++) {
    squared += sums[2 * b];
    absolute += sums[2 * b + 1];
  }
  return { squared, absolute };
}

/**
 * fastai's truncated normal for the factors (std cfg.initStd), every AdaGrad sum 1 (libmf's
 * start), item biases 0 and user biases at the value that predicts the mean rating (dotbias).
 * Starting the biases at 0 costs per-rating updates dearly: the first ratings' errors of ~3.5
 * inflate every AdaGrad sum they touch (planted 30k ratings: valid 0.586 instead of 0.33).
 */
function initTables(memory: WebAssembly.Memory, layout: FusedLayout, cfg: FusedConfig, meanRating: number): void {
  const rand = mulberry32(cfg.seed);
  const userBias = cfg.model === 'dotbias' ? biasForMean(meanRating, cfg.yRange) : 0;
  for (const side of ['user', 'item'] as const) {
    const table = tableView(memory, layout, side);
    for (let at = 0; at < table.length; at += layout.stride) {
      truncNormal(table.subarray(at, at + layout.k), cfg.initStd, rand);
      table[at + layout.kp + ROW.BIAS] = side === 'user' ? userBias : 0;
      table[at + layout.kp + ROW.G_FACTORS] = 1;
      table[at + layout.kp + ROW.G_BIAS] = 1;
    }
  }
}

/** x with prediction(x) = mean: the mean itself, or sigmoid_range's inverse (kept inside the range). */
function biasForMean(mean: number, yRange: [number, number] | null): number {
  if (!Number.isFinite(mean)) return 0;
  if (!yRange) return mean;
  const s = Math.min(0.99, Math.max(0.01, (mean - yRange[0]) / (yRange[1] - yRange[0])));
  return Math.log(s / (1 - s));
}

/** The tables as the ONNX models name and shape them (rows unpadded, in the dataset's codes), zeroed. */
function emptyParams(layout: FusedLayout, cfg: FusedConfig): Record<string, ParamTensor> {
  const params: Record<string, ParamTensor> = {};
  for (const [side, rows] of [['user', layout.nUsers], ['item', layout.nItems]] as const) {
    params[`${side}_factors`] = { shape: [rows, layout.k], data: new Float32Array(rows * layout.k) };
    if (cfg.model === 'dotbias') params[`${side}_bias`] = { shape: [rows], data: new Float32Array(rows) };
  }
  return params;
}

/**
 * Copies the tables out of the memory into params (emptyParams'), row r from its slot: slot by
 * slot, so the tables are read front to back (by row, the reads jumped across 57 MB at 25M).
 */
function copyParams(memory: WebAssembly.Memory, layout: FusedLayout, rowOfSlot: Slots, params: Record<string, ParamTensor>): void {
  const { k, kp, stride } = layout;
  for (const side of ['user', 'item'] as const) {
    const table = tableView(memory, layout, side);
    const rowOf = rowOfSlot[side];
    const factors = params[`${side}_factors`].data;
    const bias = params[`${side}_bias`]?.data;
    // A plain loop: a subarray per row costs an allocation per row (25M: 220k a copy).
    for (let slot = 0; slot < rowOf.length; slot++) {
      const r = rowOf[slot];
      const at = slot * stride;
      const to = r * k;
      for (let f = 0; f < k; f++) factors[to + f] = table[at + f];
      if (bias) bias[r] = table[at + kp + ROW.BIAS];
    }
  }
}

/** The rows of the slots: slots' inverse. */
function rowsOfSlots(slots: Slots): Slots {
  const inverse = (slot: Int32Array) => {
    const row = new Int32Array(slot.length);
    for (let r = 0; r < slot.length; r++) row[slot[r]] = r;
    return row;
  };
  return { user: inverse(slots.user), item: inverse(slots.item) };
}

/** Codes outside the tables would make the kernel write into other tables: refused up front. */
function checkCodes(d: RatingsDataset, nUsers: number, nItems: number, what: string): void {
  const n = d.ratings.length;
  if (d.users.length !== n || d.items.length !== n) throw new Error(`the ${what} ratings have ${n} ratings but ${d.users.length} users and ${d.items.length} items`);
  for (let j = 0; j < n; j++) {
    if (!(d.users[j] >= 0 && d.users[j] < nUsers && d.items[j] >= 0 && d.items[j] < nItems)) {
      throw new Error(`${what} rating ${j + 1}: user ${d.users[j]} or item ${d.items[j]} is outside the ${nUsers} users and ${nItems} items`);
    }
  }
}

function checkConfig(cfg: FusedConfig): void {
  const bad = (what: string) => {
    throw new Error(`fused training: ${what}`);
  };
  if (!Number.isInteger(cfg.factors) || cfg.factors < 1 || cfg.factors > 512) bad(`factors must be an integer in 1..512, got ${cfg.factors}`);
  if (!Number.isInteger(cfg.workers) || cfg.workers < 1 || cfg.workers > 64) bad(`workers must be an integer in 1..64, got ${cfg.workers}`);
  if (!Number.isInteger(cfg.epochs) || cfg.epochs < 0) bad(`epochs must be a whole number, got ${cfg.epochs}`);
  if (!(cfg.lr > 0 && Number.isFinite(cfg.lr))) bad(`the learning rate must be positive, got ${cfg.lr}`);
  if (!(cfg.wd >= 0 && Number.isFinite(cfg.wd))) bad(`weight decay must be 0 or more, got ${cfg.wd}`);
  if (!(cfg.initStd >= 0 && Number.isFinite(cfg.initStd))) bad(`initStd must be 0 or more, got ${cfg.initStd}`);
  if (cfg.yRange && !(cfg.yRange[1] > cfg.yRange[0])) bad(`the y range must be lo < hi, got ${cfg.yRange.join('..')}`);
}
