/**
 * A pass of mini-batches — the heart of an epoch: fill the next batch in the epoch's order, let
 * ONNX Runtime compute the loss and gradients, set the scheduled hyper-parameters, check the loss
 * is finite, step. The trainer runs one pass over all ratings per epoch; each worker of a
 * two-core epoch (parallel/) runs one per block of its ratings.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type ErrorSums, addErrors } from '../metrics.ts';
import { type HyperSchedules, type Optimizer, applySchedules } from '../optim/index.ts';
import type { Session } from '../runtime/session.ts';
import type { Batches } from './batches.ts';
import type { EpochOrder } from './epoch-order.ts';
import type { TrainProgress } from '../types.ts';

export interface EpochHooks {
  onProgress?(p: TrainProgress): void;
  shouldStop?(): boolean;
}

/** A single-thread pass can also report every batch (lr_find records each one). */
export interface PassHooks extends EpochHooks {
  /** After each step: the batch's loss (computed before the step) and the learning rate it stepped with. */
  onBatch?(loss: number, lr: number): void;
}

/** What a pass works with; all of it outlives the pass. */
export interface PassParts {
  order: EpochOrder;
  batches: Batches;
  session: Session;
  optimizer: Optimizer;
  schedules: HyperSchedules;
  /** Draws the dropout masks, when the model has any. */
  dropout: () => number;
}

/** Where a pass sits in training: it runs `count` batches starting at batch `first` of the epoch. */
export interface PassPlan {
  /** Epochs finished before this one, and how many the schedules span. */
  epochsDone: number;
  epochs: number;
  first: number;
  count: number;
  batchesPerEpoch: number;
  /** performance.now() at the start of the epoch, for the progress report. */
  started: number;
}

export type PassEnd = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'diverged'; what: string };

/** onProgress at most this often. */
export const PROGRESS_MS = 100;
/** The loop hands the event loop a turn this often, so a stop request arrives well within 100 ms. */
export const YIELD_MS = 20;

/**
 * Runs the pass; the batches' squared and absolute errors (before each step) are added to `sums`.
 * The order must have been started (startEpoch) by the caller. shouldStop is polled between batches.
 */
export async function runPass(parts: PassParts, plan: PassPlan, sums: ErrorSums, hooks: PassHooks): Promise<PassEnd> {
  const { order, batches, session, optimizer, schedules } = parts;
  const bs = batches.capacity;
  let lastProgress = performance.now();
  let lastYield = lastProgress;
  for (let j = 0; j < plan.count; j++) {
    if (j > 0 && hooks.shouldStop?.()) return { kind: 'cancelled' };
    const b = plan.first + j;
    const count = order.next(batches, bs);
    if (batches.hasMasks) batches.drawMasks(count, parts.dropout);
    const loss = batches.run(session, count);
    addErrors(sums, batches.predictions, batches.ratings, count);
    // fastai's pct_train: the schedules span every batch of every epoch.
    applySchedules(optimizer, schedules, Math.min(1, (plan.epochsDone + b / plan.batchesPerEpoch) / plan.epochs));
    // The trainer's diverge() names the learning rate setting (this batch's scheduled one may be lower).
    if (!Number.isFinite(loss)) return { kind: 'diverged', what: `the loss became ${loss} at epoch ${plan.epochsDone + 1}, batch ${b + 1} of ${plan.batchesPerEpoch}` };
    optimizer.step(batches.grads);
    hooks.onBatch?.(loss, optimizer.hypers.lr);

    const now = performance.now();
    if (hooks.onProgress && now - lastProgress >= PROGRESS_MS) {
      lastProgress = now;
      hooks.onProgress({
        epoch: plan.epochsDone + 1, fraction: (b + 1) / plan.batchesPerEpoch, lr: optimizer.hypers.lr, elapsedSeconds: (now - plan.started) / 1000,
      });
    }
    if (now - lastYield >= YIELD_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
  return { kind: 'done' };
}
