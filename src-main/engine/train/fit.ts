/** Train a fresh model to the end of its epoch budget: what benchmarks, scripts and experiments need. */
import type { RatingsDataset } from '../../data/dataset.ts';
import { type Fit, type Trainer, createTrainer } from './trainer.ts';
import type { EpochMetrics, StopReason, TrainConfig } from '../types.ts';
import type { ModelFeatures } from '../models/index.ts';

export interface FitResult {
  epochs: EpochMetrics[];
  stopped: StopReason | null;
  /** Sum of the epochs' seconds (training and per-epoch metrics; not session creation). */
  trainSeconds: number;
  /** Seconds to build the graphs and create the sessions. */
  setupSeconds: number;
  final: Fit;
}

export interface FitHooks {
  onEpoch?: (m: EpochMetrics) => void;
  /** Polled between batches: a sweep's Cancel, Ctrl-C. */
  shouldStop?: () => boolean;
  /** Sees the trained model before it is disposed (experiments keep its validation predictions); not called for a cancelled fit. */
  atEnd?: (trainer: Trainer) => void;
  /** Side features for the models that take them (a leave-one-feature-out run gives all but one). */
  features?: ModelFeatures;
}

/** A fit cancelled before its first epoch ended. */
const NO_FIT: Fit = { trainRmse: NaN, trainMae: NaN, validRmse: null, validMae: null };

export async function fitToEnd(
  train: RatingsDataset, valid: RatingsDataset | null, config: TrainConfig, hooks: FitHooks = {},
): Promise<FitResult> {
  const { onEpoch, shouldStop, atEnd, features } = hooks;
  const t0 = performance.now();
  const trainer = await createTrainer(train, valid, config, features ? { features } : {});
  const setupSeconds = (performance.now() - t0) / 1000;
  try {
    const epochs: EpochMetrics[] = [];
    let stopped: StopReason | null = null;
    while (!stopped && trainer.epochsDone < config.epochs) {
      const r = await trainer.runEpoch({ shouldStop });
      if (r.metrics) {
        epochs.push(r.metrics);
        onEpoch?.(r.metrics);
      }
      stopped = r.stopped;
    }
    const trainSeconds = epochs.reduce((s, m) => s + m.seconds, 0);
    if (stopped?.kind === 'cancelled') {
      // The caller asked for control back (Cancel, a tune's budget) and drops the run: no final
      // pass over the training set, which takes seconds for a network (the classes model at
      // load 7.5: 11.7 s, past the end of a tune's budget). `final` is the last epoch's.
      const last = epochs.at(-1);
      return { epochs, stopped, trainSeconds, setupSeconds, final: last ? { trainRmse: last.trainRmse, trainMae: last.trainMae, validRmse: last.validRmse, validMae: last.validMae } : NO_FIT };
    }
    const final = trainer.evaluate();
    atEnd?.(trainer);
    return { epochs, stopped, trainSeconds, setupSeconds, final };
  } finally {
    await trainer.dispose();
  }
}
