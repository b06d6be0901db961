/**
 * The fused engine's settings, its defaults, and how an app/CLI TrainConfig maps onto them.
 */
import type { ScheduleKind, TrainConfig } from '../types.ts';

export type FusedModel = 'dot' | 'dotbias';
/** Plain per-rating SGD, or libmf's per-row AdaGrad-style rate (kernel.wat). */
export type FusedOptimizer = 'sgd' | 'adagrad';

export interface FusedConfig {
  model: FusedModel;
  /** k. */
  factors: number;
  /** sigmoid_range, as the ONNX models. */
  yRange: [number, number] | null;
  optimizer: FusedOptimizer;
  /** Peak lr (one-cycle) or the constant lr. */
  lr: number;
  /**
   * Per-update L2 strength: every update of a parameter θ the rating touches uses
   * ∂(pred − r)²/∂θ + wd·θ (so wd is the coefficient in the gradient, per rating).
   */
  wd: number;
  schedule: ScheduleKind;
  epochs: number;
  seed: number;
  /** N threads; default os.availableParallelism(). 1 trains in the calling thread. */
  workers: number;
  /** Added to the agreed API: the std of the factors' truncated-normal init (fastai's is 0.01). */
  initStd: number;
}

/**
 * The defaults for the CLI's auto engine, at 25M ratings: dotbias in (0, 5.5), libmf's per-row
 * AdaGrad at peak lr 0.3 one-cycle, per-update L2 0.1 (fusedWdFor: more on smaller data),
 * factors N(0, 0.1²) truncated. Measured valid RMSE after 10 epochs, k 50 (2-core machine shared
 * with other work, load 4–16: timings in the report, not here):
 *   planted 25M (floor 0.502): wd 0.1 0.5830 · wd 0.2 0.6447 — the ONNX engine 0.578.
 *   planted 5M (floor 0.502): wd 0.15 0.6955 · wd 0.2 0.7054 · wd 0.3 0.7571 · lr 0.5 0.7038 ·
 *     lr 0.2 0.7211 · lr 0.2 wd 0.1 0.7356 · lr 0.2 without y range 0.7569 · initStd 0.03 0.7044 ·
 *     initStd 0.3 0.8314; sgd lr 0.01 wd 0.1 0.8394 (biases from 0) — the ONNX engine 0.756.
 *   ml-100k r90: wd 0.2 0.9002 · wd 0.15 0.9111 · wd 0.1 0.9367 · lr 0.1 wd 0.2 0.8994 ·
 *     sgd lr 0.01 wd 0.1 0.9106.
 *   Per-row decay normalised by the row's count ((mean/n)^½ or ^1) lost at 1M (0.855–0.872 vs 0.850).
 */
export const FUSED_DEFAULTS: Omit<FusedConfig, 'epochs' | 'seed' | 'workers' | 'factors'> = {
  model: 'dotbias',
  yRange: [0, 5.5],
  optimizer: 'adagrad',
  lr: 0.3,
  wd: 0.1,
  schedule: 'one-cycle',
  initStd: 0.1,
};

/**
 * The adaptive rule's per-update L2 for a training set of this many ratings: 0.2 up to 1M, 0.1
 * from 25M, log-linear between (5M: 0.15) — the best of those measured at each size (above),
 * since the smaller the data the more each rating's update must be held back.
 */
export function fusedWdFor(ratings: number): number {
  const t = Math.min(1, Math.max(0, Math.log(ratings / 1e6) / Math.log(25)));
  return 0.2 - 0.1 * t;
}

/** null when cfg can run fused, else the reason in plain words. */
export function fusedUnsupported(cfg: TrainConfig): string | null {
  const kind = cfg.model.kind;
  if (kind === 'nn') return 'the neural model trains in ONNX Runtime';
  if (kind === 'classes') return 'the ratings-as-classes model trains in ONNX Runtime';
  if (kind === 'autorec') return 'AutoRec trains in ONNX Runtime, on batches of movies';
  if (cfg.optim.optimizer === 'lbfgs') return 'L-BFGS (the sheet\'s Solve) trains in ONNX Runtime';
  if (cfg.batchSize === 'full') return 'full-batch training (the sheet\'s Solve) runs in ONNX Runtime; the fused engine updates per rating';
  if (cfg.device !== 'cpu') return `the fused engine runs on the CPU; device ${cfg.device} trains in ONNX Runtime`;
  if (cfg.model.init === 'uniform') return 'Excel\'s uniform [0, 1) init trains in ONNX Runtime; the fused engine starts from a small truncated normal';
  if (cfg.earlyStopPatience > 0) return 'early stopping runs in ONNX Runtime';
  return null;
}

/**
 * The fused config for a TrainConfig the fused engine supports: its model, factors, y range,
 * schedule, epochs and seed. The optimizer maps as 'sgd' → 'sgd', every other (momentum, Adam)
 * → 'adagrad', the fused engine's adaptive rule; lr and wd are FUSED_DEFAULTS' for that
 * optimizer, since a batch optimizer's numbers mean something else per rating (Adam at 0.01 on
 * batches of 32768 is not SGD at 0.01 on single ratings). Given the training set's size, the
 * adaptive rule's wd follows it (fusedWdFor).
 */
export function fusedConfigFrom(cfg: TrainConfig, workers: number, ratings?: number): FusedConfig {
  const why = fusedUnsupported(cfg);
  if (why) throw new Error(`this configuration cannot train fused: ${why}`);
  const optimizer: FusedOptimizer = cfg.optim.optimizer === 'sgd' ? 'sgd' : 'adagrad';
  const rates = optimizer === FUSED_DEFAULTS.optimizer
    ? { lr: FUSED_DEFAULTS.lr, wd: ratings === undefined ? FUSED_DEFAULTS.wd : fusedWdFor(ratings) }
    : FUSED_SGD;
  return {
    ...FUSED_DEFAULTS,
    ...rates,
    model: cfg.model.kind as FusedModel,
    factors: cfg.model.factors,
    yRange: cfg.model.yRange,
    optimizer,
    schedule: cfg.optim.schedule,
    epochs: cfg.epochs,
    seed: cfg.seed,
    workers,
  };
}

/**
 * The threads of an experiment's fused run (engine/experiments/run.ts) and of the `collabsheet
 * train --cores` that reproduces it: the kernel's blocking follows the thread count, so a run
 * gives the same factors anywhere only at a fixed one; one, since runs of a tune follow each other.
 */
export const FUSED_RUN_WORKERS = 1;

/** Plain SGD's lr and wd (measured beside the defaults: ml-100k 0.9106, planted 5M 0.8394). */
export const FUSED_SGD: Pick<FusedConfig, 'lr' | 'wd'> = { lr: 0.01, wd: 0.1 };

/** The fused run's settings in one line (the CLI prints it, the app tells it as a Solve starts). */
export function describeFusedConfig(cfg: FusedConfig): string {
  return `${cfg.optimizer === 'adagrad' ? 'per-row AdaGrad' : 'per-rating SGD'}, lr ${cfg.lr}, wd ${+cfg.wd.toFixed(4)} per update, ` +
    `${cfg.workers} thread${cfg.workers === 1 ? '' : 's'}`;
}
