/**
 * Solve and Step: epochs until the run's budget or Stop, paced so a student can watch the
 * factors settle, with the sheet's numbers sent at most every SNAPSHOT_INTERVAL_MS. And the
 * trainer itself, built for a config (the model's lifecycle is the session's).
 */
import { createTrainer, type Trainer, type TrainerOptions } from '../../engine/train/trainer.ts';
import type { EpochMetrics, StopReason, TrainConfig, TrainProgress } from '../../engine/types.ts';
import type { EngineName } from '../../engine/engine-choice.ts';
import type { Fit } from '../contract.ts';
import type { TrainValid } from '../ratings-table.ts';
import { UserError, userMessage } from '../user-error.ts';

export interface TrainRequest {
  /** Most epochs to run now (Step: 1); the run also ends at the config's epoch budget. */
  maxEpochs: number;
  /** 0 = as fast as possible. */
  epochsPerSecond: number;
}

export interface TrainResult {
  epochs: number;
  stopped: StopReason | null;
  fit: Fit;
  /** The engine that trained (engine-choice.ts). */
  engine: EngineName;
}

/** At most ~30 sheet updates a second reach the UI however fast the epochs are (a little under
 * 1000/30 so that a run paced at 30 epochs/s is not rounded down to every other epoch). */
export const SNAPSHOT_INTERVAL_MS = 30;

export interface EpochHooks {
  shouldStop(): boolean;
  progress(progress: TrainProgress): void;
  /**
   * Time to show the sheet: the epochs finished since the last call (maybe none), and whether
   * to measure the fit exactly or show the last epoch's own metrics as the fit.
   */
  show(metrics: EpochMetrics[], exact: boolean): void;
}

/**
 * Runs epochs numbered from `firstEpoch` + 1. `big` data never gets an exact pass over every
 * training rating between epochs (~5 s at 25M ratings): it shows each epoch's own metrics.
 */
export async function runEpochs(
  trainer: Trainer,
  budget: number,
  req: TrainRequest,
  firstEpoch: number,
  big: boolean,
  hooks: EpochHooks,
): Promise<{ epochs: number; stopped: StopReason | null }> {
  const minEpochMs = req.epochsPerSecond > 0 ? 1000 / req.epochsPerSecond : 0;
  const shown = new PacedEpochs(hooks.show);
  let epochs = 0;
  let stopped: StopReason | null = null;
  while (epochs < req.maxEpochs && trainer.epochsDone < budget) {
    const started = performance.now();
    const epoch = firstEpoch + epochs + 1;
    const result = await trainer.runEpoch({ shouldStop: hooks.shouldStop, onProgress: (p) => hooks.progress({ ...p, epoch }) });
    if (result.metrics) {
      epochs++;
      shown.add({ ...result.metrics, epoch });
    }
    stopped = result.stopped;
    if (stopped) break;
    const wait = minEpochMs - (performance.now() - started);
    if (wait > 0) await sleepUnless(hooks.shouldStop, wait);
    // Checked after the pause, so a paced run (30 epochs/s) sends every epoch, not every other.
    if (shown.due) shown.flush(!big);
    if (hooks.shouldStop()) {
      stopped = { kind: 'cancelled' };
      break;
    }
  }
  // Stop answers at once: an exact fit of 25M ratings takes seconds (issue 6: Stop within
  // 200 ms), so a stopped run keeps showing the fit last evaluated.
  shown.flush(finalExact(stopped, big));
  return { epochs, stopped };
}

/** The last show of a run measures the fit exactly unless it was stopped (answered at once) or the data is big. */
export const finalExact = (stopped: StopReason | null, big: boolean): boolean => stopped?.kind !== 'cancelled' && !big;

/** The epochs not shown yet, shown at most every SNAPSHOT_INTERVAL_MS (both engines' runs pace their snapshots so). */
export class PacedEpochs {
  private pending: EpochMetrics[] = [];
  private lastSent = performance.now();

  constructor(private readonly show: EpochHooks['show']) {}

  add(metrics: EpochMetrics): void {
    this.pending.push(metrics);
  }

  get due(): boolean {
    return performance.now() - this.lastSent >= SNAPSHOT_INTERVAL_MS;
  }

  flush(exact: boolean): void {
    this.show(this.pending, exact);
    this.pending = [];
    this.lastSent = performance.now();
  }
}

async function sleepUnless(stop: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!stop() && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10, until - performance.now())));
  }
}

export const fitOf = (m: EpochMetrics): Fit => ({ trainRmse: m.trainRmse, trainMae: m.trainMae, validRmse: m.validRmse, validMae: m.validMae });

/** The trainer refuses settings it cannot use (L-BFGS with mini-batches, no ratings left…) in words meant for the user. */
export async function trainerFor(train: TrainValid['train'], valid: TrainValid['valid'], config: TrainConfig, options: TrainerOptions): Promise<Trainer> {
  try {
    return await createTrainer(train, valid, config, options);
  } catch (error) {
    throw new UserError(`Cannot train with these settings: ${userMessage(error)}`);
  }
}
