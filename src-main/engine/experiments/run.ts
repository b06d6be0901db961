/**
 * A run: one training of one config to the end of its epochs, as a plain-data record (JSON safe,
 * so the service can keep runs in a project file) beside what only memory holds — the model's
 * predictions on the validation split, which blends are fitted from.
 *
 * A run trains in ONNX Runtime, or in the fused kernel (engine/fused) for a factor model: there
 * its settings' lr and wd are the per-rating optimizer's own (`collabsheet train --engine fused
 * --lr --wd` reads them the same way), and it runs in this thread (one worker), since the
 * kernel's blocking depends on the thread count and a run must give the same factors anywhere.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { factorModelFromParams, predictRating } from '../analysis/factor-model.ts';
import { FUSED_RUN_WORKERS, fusedConfigFrom, trainFused } from '../fused/index.ts';
import { rmse } from '../metrics.ts';
import type { ModelFeatures } from '../models/index.ts';
import { fitToEnd } from '../train/fit.ts';
import type { EpochMetrics, ModelParams, StopReason, TrainConfig } from '../types.ts';

export type RunEngine = 'onnx' | 'fused';

export interface Run {
  /** Unique within one sweep or tune ('r1', 'r2', …), so blends can name their members. */
  id: string;
  /** What distinguishes it for people, e.g. 'k=20' or 'rung 2 #7'. */
  label: string;
  settings: TrainConfig;
  engine: RunEngine;
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
  /** Keep the trained parameters (the app opens a sweep's or tune's runs, and blends them). */
  keepParams?: boolean;
  /** Default 'onnx'. */
  engine?: RunEngine;
  /** Side features for the neural models (the fused engine trains factor models, which take none). */
  features?: ModelFeatures;
}

export async function trainRun(train: RatingsDataset, valid: RatingsDataset | null, settings: TrainConfig, o: RunOptions): Promise<TrainedRun> {
  const started = performance.now();
  const engine = o.engine ?? 'onnx';
  const fit = engine === 'fused' ? await fitFused(train, valid, settings, o) : await fitOnnx(train, valid, settings, o);
  const run: Run = {
    id: o.id, label: o.label, settings, engine, seed: settings.seed, history: fit.history,
    seconds: (performance.now() - started) / 1000, trainRmse: fit.trainRmse, validRmse: fit.validRmse, stopped: fit.stopped,
  };
  return fit.params && o.keepParams ? { run, validPredictions: fit.validPredictions, params: fit.params } : { run, validPredictions: fit.validPredictions };
}

type EngineFit = Pick<Run, 'history' | 'trainRmse' | 'validRmse' | 'stopped'> & Pick<TrainedRun, 'validPredictions'> & { params?: ModelParams };

const hasValid = (valid: RatingsDataset | null): valid is RatingsDataset => valid !== null && valid.ratings.length > 0;

async function fitOnnx(train: RatingsDataset, valid: RatingsDataset | null, settings: TrainConfig, o: RunOptions): Promise<EngineFit> {
  let validPredictions: Float32Array | null = null;
  let params: ModelParams | undefined;
  const fit = await fitToEnd(train, valid, settings, {
    onEpoch: o.onEpoch,
    shouldStop: o.shouldStop,
    features: o.features,
    atEnd: (trainer) => {
      if (hasValid(valid)) validPredictions = trainer.predict(valid.users, valid.items);
      if (o.keepParams) params = trainer.exportParams();
    },
  });
  return { history: fit.epochs, trainRmse: fit.final.trainRmse, validRmse: fit.final.validRmse, stopped: fit.stopped, validPredictions, params };
}

/** Polls shouldStop this often while the fused kernel trains (it yields to the event loop every 20 ms). */
const STOP_POLL_MS = 20;

async function fitFused(train: RatingsDataset, valid: RatingsDataset | null, settings: TrainConfig, o: RunOptions): Promise<EngineFit> {
  const config = { ...fusedConfigFrom(settings, FUSED_RUN_WORKERS), lr: settings.optim.lr, wd: settings.optim.wd };
  const stop = new AbortController();
  if (o.shouldStop?.()) stop.abort();
  const poll = o.shouldStop ? setInterval(() => o.shouldStop!() && stop.abort(), STOP_POLL_MS) : null;
  try {
    const result = await trainFused(train, hasValid(valid) ? valid : null, config, { onEpoch: o.onEpoch, signal: stop.signal });
    const model = factorModelFromParams(result.params, config.yRange);
    const validPredictions = hasValid(valid) ? Float32Array.from(valid.users, (u, j) => predictRating(model, u, valid.items[j])) : null;
    return {
      history: result.history,
      // The kernel measures the train RMSE during its epoch (each rating before its own update): the last epoch's.
      trainRmse: result.history.at(-1)?.trainRmse ?? NaN,
      // The predictions' own, as ONNX runs' are, so a blend of this run alone is exactly it (the kernel's f32 sum differs by ~1e-8).
      validRmse: validPredictions ? rmse(validPredictions, valid!.ratings) : null,
      stopped: result.stop,
      validPredictions,
      params: { params: result.params, optimizer: null }, // AdaGrad sums are the kernel's own: an opened run steps on with a fresh optimizer
    };
  } finally {
    if (poll) clearInterval(poll);
  }
}
