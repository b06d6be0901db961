/**
 * A Solve on the fused engine (issue 11 item 7). trainFused runs the config's whole schedule
 * from fresh factors — it cannot resume a model, its AdaGrad sums live in its own memory — and
 * after every epoch its factors go into the sheet's trainer, which the sheet, the predictions,
 * the RMSE, insights, projects and exports all read; so the app sends the same paced snapshot
 * events as with ONNX Runtime and nothing above this file knows which engine trained.
 * Stop: the shared stop flag is polled here and aborts trainFused, which stops within one block.
 */
import { availableParallelism } from 'node:os';
import { type FusedConfig, fusedConfigFrom, trainFused } from '../../engine/fused/index.ts';
import type { WorkerEntry } from '../../engine/train/parallel/worker-entry.ts';
import type { Trainer } from '../../engine/train/trainer.ts';
import type { EpochMetrics, ParamTensor, StopReason, TrainConfig } from '../../engine/types.ts';
import type { TrainValid } from '../ratings-table.ts';
import { UserError, userMessage } from '../user-error.ts';
import { type EpochHooks, finalExact, PacedEpochs } from './training-loop.ts';

/** How often the stop flag is looked at while trainFused runs (a Stop answers within this plus one block). */
const STOP_POLL_MS = 10;

export interface FusedSolve {
  /** The fused engine's own settings (its optimizer and rates are not the ONNX settings'). */
  config: FusedConfig;
  /** Where its worker threads' code is: the app's bundled worker; absent: the source (tests). */
  workerEntry?: WorkerEntry;
}

/** The fused settings for the sheet's config: every core, the fused engine's rates for this many ratings. */
export function fusedSettingsFor(config: TrainConfig, ratings: number): FusedConfig {
  try {
    return fusedConfigFrom(config, availableParallelism(), ratings);
  } catch (error) {
    throw new UserError(`Cannot train on the fused engine: ${userMessage(error)}`);
  }
}

/**
 * Trains `sets` on the fused engine into `trainer`, epochs numbered from `firstEpoch` + 1. Like
 * runEpochs: epochs are shown at most every SNAPSHOT_INTERVAL_MS, big data shows each epoch's own
 * metrics (no exact pass), and a divergence keeps the last good factors (trainFused's).
 */
export async function solveFused(
  trainer: Trainer,
  sets: TrainValid,
  run: FusedSolve,
  firstEpoch: number,
  big: boolean,
  hooks: Pick<EpochHooks, 'shouldStop' | 'show'>,
): Promise<{ epochs: number; stopped: StopReason | null }> {
  let latest: Readonly<Record<string, ParamTensor>> | null = null;
  const shown = new PacedEpochs((metrics, exact) => {
    if (latest) trainer.importParams({ params: { ...latest }, optimizer: null });
    latest = null;
    hooks.show(metrics, exact);
  });
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (hooks.shouldStop()) abort.abort();
  }, STOP_POLL_MS);
  try {
    const result = await trainFused(sets.train, sets.valid, run.config, {
      signal: abort.signal,
      ...(run.workerEntry ? { workerEntry: run.workerEntry } : {}),
      onEpoch: (m: EpochMetrics, params) => {
        latest = params;
        shown.add({ ...m, epoch: firstEpoch + m.epoch });
        if (shown.due) shown.flush(!big);
      },
    });
    // The run's end: its last good factors (a Stop or a divergence returns those), then the last show.
    latest = result.params;
    shown.flush(finalExact(result.stop, big));
    return { epochs: result.history.length, stopped: result.stop };
  } finally {
    clearInterval(poll);
  }
}
