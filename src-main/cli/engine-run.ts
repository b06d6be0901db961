/**
 * One training run of `collabsheet train` on the engine chooseEngine picked (issue 11 item 5):
 * ONNX Runtime's trainer epoch by epoch, or the fused kernel's run. Both end as the same
 * TrainedRun, so what the command prints and writes does not depend on the engine.
 */
import { availableParallelism } from 'node:os';
import { dropRatingColumns, type RatingsDataset } from '../data/dataset.ts';
import { coldValid } from '../engine/analysis/cold-items.ts';
import { factorModelFromParams, predictRating } from '../engine/analysis/factor-model.ts';
import { describeFusedConfig, type FusedArena, fusedConfigFrom, type FusedConfig, trainFused } from '../engine/fused/index.ts';
import { rmse } from '../engine/metrics.ts';
import type { ModelFeatures } from '../engine/models/side-features.ts';
import { blockWorkerFromSource } from '../engine/train/parallel/from-source.ts';
import { createTrainer } from '../engine/train/trainer.ts';
import type { EpochMetrics, ParamTensor, StopReason } from '../engine/types.ts';
import type { TrainCommand } from './args.ts';
import type { EngineName } from '../engine/engine-choice.ts';

export interface TrainedRun {
  epochsDone: number;
  /** Train and valid RMSE of the run's end (ONNX: of the final parameters; fused: of its last epoch). */
  trainRmse: number;
  validRmse: number | null;
  stopped: StopReason | null;
  params: Record<string, ParamTensor>;
  /** RMSE on the validation ratings of cold items (cold-items.ts); null without any. */
  cold: { ratings: number; rmse: number } | null;
  /** Said once before the epochs, e.g. the fused engine's optimizer and rates. */
  settings: string | null;
}

export interface RunHooks {
  onEpoch(m: EpochMetrics): void;
  warn(line: string): void;
  signal?: AbortSignal;
  features?: ModelFeatures;
  /** The fused engine's memory the ratings were imported into (train-command.ts). */
  arena?: FusedArena;
}

export function runOnEngine(engine: EngineName, cmd: TrainCommand, train: RatingsDataset, valid: RatingsDataset | null, hooks: RunHooks): Promise<TrainedRun> {
  return engine === 'fused' ? runFused(cmd, train, valid, hooks) : runOnnx(cmd, train, valid, hooks);
}

async function runOnnx(cmd: TrainCommand, train: RatingsDataset, valid: RatingsDataset | null, hooks: RunHooks): Promise<TrainedRun> {
  const trainer = await createTrainer(train, valid, cmd.config, {
    ...(cmd.cores === 2 ? { twoCores: { start: blockWorkerFromSource } } : {}),
    ...(hooks.features ? { features: hooks.features } : {}),
  });
  try {
    if (trainer.deviceNotice) hooks.warn(trainer.deviceNotice.replace('device cpu', '--device cpu'));
    let stopped: StopReason | null = null;
    while (trainer.epochsDone < cmd.config.epochs && !stopped) {
      const result = await trainer.runEpoch({ shouldStop: () => hooks.signal?.aborted ?? false });
      if (result.metrics) hooks.onEpoch(result.metrics);
      stopped = result.stopped;
    }
    const fit = trainer.evaluate();
    return {
      epochsDone: trainer.epochsDone, trainRmse: fit.trainRmse, validRmse: fit.validRmse, stopped,
      params: trainer.exportParams().params, cold: coldFit((u, i) => trainer.predict(u, i), valid && coldValid(train, valid)), settings: null,
    };
  } finally {
    await trainer.dispose();
  }
}

/**
 * The fused run owns the command's ratings: imported into the kernel's memory (hooks.arena), they
 * are blocked where they lie; copied in (a random split's halves), the datasets' columns are
 * dropped once blocked. Either way what the command reads afterwards is the id maps, for the
 * export, and the cold ratings, picked out before — and 25M ratings are held once, not twice.
 */
async function runFused(cmd: TrainCommand, train: RatingsDataset, valid: RatingsDataset | null, hooks: RunHooks): Promise<TrainedRun> {
  const config = fusedSettings(cmd, train.ratings.length);
  const cold = valid && coldValid(train, valid);
  const result = await trainFused(train, valid, config, {
    onEpoch: hooks.onEpoch, onBlocked: dropRatingColumns, ...(hooks.signal ? { signal: hooks.signal } : {}), ...(hooks.arena ? { arena: hooks.arena } : {}),
  });
  const last = result.history.at(-1) ?? null;
  const model = factorModelFromParams(result.params, config.yRange);
  return {
    epochsDone: result.history.length,
    trainRmse: last?.trainRmse ?? NaN,
    validRmse: last?.validRmse ?? null,
    stopped: result.stop,
    params: result.params,
    cold: coldFit((users, items) => Float32Array.from(users, (u, r) => predictRating(model, u, items[r])), cold),
    settings: `fused engine: ${describeFusedConfig(config)}`,
  };
}

function coldFit(predict: (users: Int32Array, items: Int32Array) => Float32Array, cold: RatingsDataset | null): TrainedRun['cold'] {
  if (!cold || cold.ratings.length === 0) return null;
  return { ratings: cold.ratings.length, rmse: rmse(predict(cold.users, cold.items), cold.ratings) };
}

/**
 * The fused engine's settings for the command: its own defaults for the per-rating optimizer
 * (a batch optimizer's lr and wd mean something else per rating), except where the user gave
 * --lr or --wd; threads: --cores when given, else every core.
 */
export function fusedSettings(cmd: TrainCommand, ratings: number): FusedConfig {
  const workers = cmd.explicit.has('cores') ? cmd.cores : availableParallelism();
  const config = fusedConfigFrom(cmd.config, workers, ratings);
  return {
    ...config,
    ...(cmd.explicit.has('lr') ? { lr: cmd.config.optim.lr } : {}),
    ...(cmd.explicit.has('wd') ? { wd: cmd.config.optim.wd } : {}),
  };
}
