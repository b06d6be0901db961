/**
 * A run: one training of one config to the end of its epochs, as a plain-data record (JSON safe,
 * so the service can keep runs in a project file) beside what only memory holds — the model's
 * predictions on the validation split, which blends are fitted from.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { fitToEnd } from '../train/fit.ts';
import type { EpochMetrics, ModelParams, StopReason, TrainConfig } from '../types.ts';

export interface Run {
  /** Unique within one sweep or tune ('r1', 'r2', …), so blends can name their members. */
  id: string;
  /** What distinguishes it for people, e.g. 'k=20' or 'rung 2 #7'. */
  label: string;
  settings: TrainConfig;
  engine: 'onnx';
  seed: number;
  /** Per-epoch train and valid RMSE (and the rest of EpochMetrics), in order. */
  history: EpochMetrics[];
  /** Wall seconds, building the sessions included. */
  seconds: number;
  trainRmse: number;
  validRmse: number | null;
  /** Why it ended before its epochs (cancelled, diverged, early-stopped), or null. */
  stopped: StopReason | null;
}

/** A run and its validation predictions (memory only: 8 bytes a rating is not for a project file). */
export interface TrainedRun {
  run: Run;
  /** One prediction per validation rating, in the split's order; null without a validation split. */
  validPredictions: Float32Array | null;
  /** The trained parameters, when RunOptions.keepParams asked for them (the app keeps runs to open). */
  params?: ModelParams;
}

/** What Cancel looks like to a queue of runs: an AbortSignal, or the app's shared stop flag. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export interface RunOptions {
  id: string;
  label: string;
  /** Polled between batches: Cancel, or a tune's budget running out. */
  shouldStop?: () => boolean;
  onEpoch?: (m: EpochMetrics) => void;
  keepParams?: boolean;
}

export async function trainRun(train: RatingsDataset, valid: RatingsDataset | null, settings: TrainConfig, o: RunOptions): Promise<TrainedRun> {
  const started = performance.now();
  let validPredictions: Float32Array | null = null;
  let params: ModelParams | undefined;
  const fit = await fitToEnd(train, valid, settings, {
    onEpoch: o.onEpoch,
    shouldStop: o.shouldStop,
    atEnd: (trainer) => {
      if (valid && valid.ratings.length > 0) validPredictions = trainer.predict(valid.users, valid.items);
      if (o.keepParams) params = trainer.exportParams();
    },
  });
  const run: Run = {
    id: o.id, label: o.label, settings, engine: 'onnx', seed: settings.seed, history: fit.epochs,
    seconds: (performance.now() - started) / 1000, trainRmse: fit.final.trainRmse, validRmse: fit.final.validRmse, stopped: fit.stopped,
  };
  return params ? { run, validPredictions, params } : { run, validPredictions };
}
