/**
 * Epochs on two cores: two worker threads each train a block of the ratings at the same time
 * (quarters.ts), and the trainer's tables stay the one true copy between epochs — evaluation,
 * snapshots, edits, saving and exports see them as in single-thread training.
 *
 * Why copies and not shared memory: onnxruntime-node refuses tensors over a SharedArrayBuffer
 * ("Invalid argument", 1.30), so ONNX Runtime in one thread cannot read tables another thread
 * steps. Each worker therefore owns its rows, and rows move by transferred copies: its users and
 * an item half at the start of an epoch, the item halves swapped between the rounds, everything
 * back at the end. At 25M ratings, k 50, with Adam's two moments, that is ~0.5 s of a 10–11 s
 * epoch (one thread: ~15 s).
 *
 * Deterministic: each worker's order comes from the seed and its number, the blocks from the
 * data, and no row is read by one worker while the other writes it.
 *
 * A stop mid-epoch brings back the factors and biases trained so far but not their moments:
 * the trainer keeps those of the last finished epoch, which costs the next epoch nothing
 * measurable and makes Stop a third of the copying (at 25M ratings: ~0.1 s instead of ~0.3 s).
 */
import type { Worker } from 'node:worker_threads';
import type { RatingsDataset } from '../../../data/dataset.ts';
import type { Optimizer, Param } from '../../optim/index.ts';
import { type ErrorSums, addSums, noErrors } from '../../metrics.ts';
import { type EpochHooks, PROGRESS_MS, type PassEnd } from '../batch-pass.ts';
import type { TableRows } from '../params.ts';
import type { TrainConfig } from '../../types.ts';
import { type RoundResult, type RowBlock, type RowRequest, putRows, takeRows } from './block-trainer.ts';
import { type BlockCallName, type BlockCalls, type BlockReply, type BlockWorkerData, CONTROL, buffersOf } from './protocol.ts';
import { type Quarters, type RowSet, firstRows, quarters } from './quarters.ts';

/** Starts a thread running block-worker.ts (from source under tsx, or the app's bundled file). */
export type BlockWorkerStarter = (data: BlockWorkerData) => Worker;

/** The trainer's side: its tables, which of them are per user, and its optimizer. */
export interface HomeTables {
  params: readonly Param[];
  lookups: readonly ('user' | 'item')[];
  optimizer: Optimizer;
}

export interface TwoCoreEnd {
  end: PassEnd;
  sums: ErrorSums;
  lr: number;
}

/** How often a running round is checked for a stop request. */
const POLL_MS = 20;

export class TwoCoreEpochs {
  private readonly workers: BlockWorker[];
  private readonly quarters: Quarters;
  private readonly ready: Promise<number[]>;

  constructor(start: BlockWorkerStarter, train: RatingsDataset, rows: TableRows, config: TrainConfig) {
    this.quarters = quarters(train, rows);
    this.workers = [new BlockWorker(start), new BlockWorker(start)];
    // One worker after the other: each copies its ratings into its epoch orders, and two at once
    // would hold both workers' transient copies together (~270 MB at 25M ratings).
    this.ready = this.workers.reduce<Promise<number[]>>(async (done, worker, w) => {
      const before = await done;
      const share = this.quarters.shares[w];
      const rounds = share.rounds;
      const batches = await worker.call('setup', {
        worker: w, config, rows: { users: share.users.count, items: rows.items }, rounds,
      }, rounds.flatMap((r) => [r.users.buffer, r.items.buffer, r.ratings.buffer] as ArrayBuffer[]));
      return [...before, batches];
    }, Promise.resolve([]));
    // The blocks were transferred; an unhandled rejection would otherwise surface only at the first epoch.
    this.ready.catch(() => {});
  }

  /** One epoch: both workers train round 0's blocks, swap item halves, train round 1's. */
  async epoch(home: HomeTables, epochsDone: number, hooks: EpochHooks): Promise<TwoCoreEnd> {
    const batchesPerEpoch = await this.ready;
    const shares = this.quarters.shares;
    for (const worker of this.workers) worker.resetControl();
    await Promise.all(this.workers.map((worker, w) => worker.put([
      ...this.outOfHome(home, 'user', shares[w].users, firstRows(shares[w].users.count)),
      ...this.outOfHome(home, 'item', shares[w].itemHalves[0], shares[w].itemHalves[0]),
    ])));
    // Timed from here, not from `started`: the workers' start-up in the first epoch would
    // otherwise inflate the time-left estimate the status shows (25M: "58 s left" at 15%).
    const progress = { epoch: epochsDone + 1, total: batchesPerEpoch[0] + batchesPerEpoch[1], started: performance.now(), lr: home.optimizer.hypers.lr };
    const sums = noErrors();
    let steps = home.optimizer.steps;
    let round: 0 | 1 = 0;
    let results: RoundResult[];
    for (;;) {
      const plan = { round, epochsDone, steps };
      results = await this.watch(Promise.all(this.workers.map((worker) => worker.call('round', plan))), hooks, progress);
      for (const r of results) addSums(sums, r.sums);
      steps = Math.max(...results.map((r) => r.steps));
      if (round === 1 || results.some((r) => r.end.kind !== 'done')) break;
      await this.swapItemHalves(home);
      round = 1;
    }
    const early = results.find((r) => r.end.kind !== 'done');
    await this.bringBack(home, round, !early);
    home.optimizer.steps = steps;
    home.optimizer.hypers.lr = results[0].lr;
    return { end: early?.end ?? { kind: 'done' }, sums, lr: results[0].lr };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Between the rounds each worker hands the item half it trained (with its moments) to the other. */
  private async swapItemHalves(home: HomeTables): Promise<void> {
    const shares = this.quarters.shares;
    const taken = await Promise.all(this.workers.map((worker, w) => worker.take(this.requests(home, 'item', shares[w].itemHalves[0], true))));
    await Promise.all(this.workers.map((worker, w) => worker.put(taken[1 - w])));
  }

  /** The rows back into the home tables: each worker's users, and the item half of its last round. */
  private async bringBack(home: HomeTables, round: 0 | 1, moments: boolean): Promise<void> {
    const shares = this.quarters.shares;
    const taken = await Promise.all(this.workers.map((worker, w) => worker.take([
      ...this.requests(home, 'user', firstRows(shares[w].users.count), moments),
      ...this.requests(home, 'item', shares[w].itemHalves[round], moments),
    ])));
    taken.forEach((blocks, w) => blocks.forEach((b) => {
      const i = home.params.findIndex((p) => p.name === b.param);
      putRows(home.params[i], home.optimizer, b, home.lookups[i] === 'user' ? shares[w].users : b.rows);
    }));
  }

  /** Rows `from` of every `lookup` table of the home, addressed to rows `to` of a worker's. */
  private outOfHome(home: HomeTables, lookup: 'user' | 'item', from: RowSet, to: RowSet): RowBlock[] {
    return home.params.flatMap((p, i) => (home.lookups[i] === lookup ? [{ ...takeRows(p, home.optimizer, from), rows: to }] : []));
  }

  private requests(home: HomeTables, lookup: 'user' | 'item', rows: RowSet, moments: boolean): RowRequest[] {
    return home.params.flatMap((p, i) => (home.lookups[i] === lookup ? [{ param: p.name, rows, moments }] : []));
  }

  /** Waits for a round, polling the stop request and reporting progress meanwhile. */
  private async watch<T>(running: Promise<T>, hooks: EpochHooks, progress: { epoch: number; total: number; started: number; lr: number }): Promise<T> {
    let settled = false;
    void running.then(() => (settled = true), () => (settled = true));
    let lastProgress = performance.now();
    while (!settled) {
      await Promise.race([running.catch(() => {}), sleep(POLL_MS)]);
      if (hooks.shouldStop?.()) for (const worker of this.workers) worker.requestStop();
      const now = performance.now();
      if (hooks.onProgress && now - lastProgress >= PROGRESS_MS) {
        lastProgress = now;
        const done = this.workers.reduce((n, worker) => n + worker.batchesDone(), 0);
        hooks.onProgress({ epoch: progress.epoch, fraction: Math.min(1, done / progress.total), lr: progress.lr, elapsedSeconds: (now - progress.started) / 1000 });
      }
    }
    return running;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One block worker thread: numbered calls with promised replies, and its control flags. */
class BlockWorker {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL.LENGTH * 4));
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(start: BlockWorkerStarter) {
    this.worker = start({ control: this.control.buffer as SharedArrayBuffer });
    this.worker.on('message', (reply: BlockReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) p?.resolve(reply.value);
      else p?.reject(new Error(`two-core training: ${reply.error}`));
    });
    const fail = (why: string) => {
      this.failure ??= new Error(`two-core training: a worker stopped (${why})`);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(e.message));
    this.worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  call<C extends BlockCallName>(call: C, arg: BlockCalls[C][0], transfer: ArrayBuffer[] = []): Promise<BlockCalls[C][1]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, call, arg }, transfer);
    });
  }

  put(blocks: RowBlock[]): Promise<void> {
    return this.call('put', blocks, buffersOf(blocks));
  }

  take(requests: RowRequest[]): Promise<RowBlock[]> {
    return this.call('take', requests);
  }

  resetControl(): void {
    Atomics.store(this.control, CONTROL.STOP, 0);
    Atomics.store(this.control, CONTROL.DONE, 0);
  }

  requestStop(): void {
    Atomics.store(this.control, CONTROL.STOP, 1);
  }

  batchesDone(): number {
    return Atomics.load(this.control, CONTROL.DONE);
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('two-core training: disposed');
    await this.worker.terminate();
  }
}
