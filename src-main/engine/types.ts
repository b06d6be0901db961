/**
 * The engine's vocabulary: the training config (model, optimizer, schedule), and what training
 * reports (epoch metrics, snapshots, parameters). At the engine's root, below models/, optim/,
 * runtime/ and train/, so each of them imports it without climbing; and the trainer's public
 * contract that the CLI, the benchmarks and the app's worker rely on. Everything is plain data
 * (structured-clone and JSON safe) so it crosses worker and IPC boundaries unchanged.
 */
import type { OptimizerState } from './optim/types.ts';

/** 'autorec': I-AutoRec (models/autorec.ts), trained on batches of movies. */
export type ModelKind = 'dot' | 'dotbias' | 'nn' | 'classes' | 'autorec';
export type InitKind = 'trunc-normal' | 'uniform';
export type OptimizerKind = 'sgd' | 'momentum' | 'adam' | 'lbfgs';
export type WeightDecayMode = 'decoupled' | 'l2';
export type ScheduleKind = 'one-cycle' | 'constant';
export type Device = 'cpu' | 'cuda' | 'webgpu';

export interface ModelConfig {
  kind: ModelKind;
  /** Latent factors k (dot / dotbias; AutoRec's code width; the NN sizes its embeddings by fastai's rule). */
  factors: number;
  /** sigmoid_range(x, lo, hi); null = raw output. fastbook: [0, 5.5]. */
  yRange: [number, number] | null;
  /** fastai truncated normal std 0.01, or Excel's uniform [0, 1). */
  init: InitKind;
  /** NN hidden layer sizes (fastai default [100]). */
  layers: number[];
  /** NN dropout probability after each hidden layer. */
  dropout: number;
}

export interface OptimConfig {
  optimizer: OptimizerKind;
  /** Peak learning rate (lr_max of one-cycle). */
  lr: number;
  wd: number;
  /** decoupled = AdamW-style p -= lr*wd*p (fastai default); l2 = wd*sum(p²) added to the loss. */
  wdMode: WeightDecayMode;
  schedule: ScheduleKind;
  /**
   * How embedding tables are updated from a batch's gradient rows. 'lazy': only the rows the
   * batch touched move (their moments decay, they get weight decay): cost O(batch).
   * 'dense': every row moves every step, exactly PyTorch's (dense) Adam: cost O(table).
   * Default: see defaultUpdates in engine/train/trainer.ts.
   */
  updates?: 'lazy' | 'dense';
}

/** Which engine trains a model (engine-choice.ts chooses): 'auto' lets it decide. */
export const ENGINE_REQUESTS = ['auto', 'onnx', 'fused'] as const;
export type EngineRequest = (typeof ENGINE_REQUESTS)[number];
export type EngineName = Exclude<EngineRequest, 'auto'>;

export interface TrainConfig {
  model: ModelConfig;
  optim: OptimConfig;
  epochs: number;
  /** Ratings per batch, or the whole training set at once ("Solve" on small sheets). */
  batchSize: number | 'full';
  seed: number;
  /** ONNX Runtime intra-op threads. */
  threads: number;
  device: Device;
  /** Stop when valid RMSE has not improved for this many epochs (0 = off). */
  earlyStopPatience: number;
  /** Which engine trains it (engine-choice.ts); absent: 'auto'. The CLI takes it as --engine instead. */
  engine?: EngineRequest;
}

/** An allowed range of a numeric setting; `above`: min itself is not allowed (a positive learning rate). */
export interface SettingLimit {
  min: number;
  max: number;
  integer?: boolean;
  above?: boolean;
}

/**
 * The allowed range of every numeric training setting: the one definition that the app's contract
 * schema (service/contract.ts), the CLI's flags (cli/args.ts) and the trainer's own check of the
 * sizes read, so the app and the CLI refuse the same numbers, before anything is allocated.
 * `layers` is how many hidden layers, `layerSize` the units of each: 8 × 4096 keeps the NN's
 * weights under 130M floats (0.5 GB), where `--layers 99999999` asked for 480 GB.
 */
export const CONFIG_LIMITS = {
  factors: { min: 1, max: 512, integer: true },
  layers: { min: 0, max: 8, integer: true },
  layerSize: { min: 1, max: 4096, integer: true },
  dropout: { min: 0, max: 0.95 },
  lr: { min: 0, max: 100, above: true },
  wd: { min: 0, max: 100 },
  epochs: { min: 1, max: 100_000, integer: true },
  batchSize: { min: 1, max: 2 ** 31 - 1, integer: true },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  threads: { min: 1, max: 64, integer: true },
  earlyStopPatience: { min: 0, max: 100_000, integer: true },
} as const satisfies Record<string, SettingLimit>;

export interface EpochMetrics {
  epoch: number;
  /**
   * Train RMSE/MAE. With several batches per epoch: over the epoch's batches, each measured with
   * the parameters before its step (fastai's train_loss convention, not smoothed) — free, as the
   * training graph computes the predictions anyway. Full batch: of the parameters after the
   * epoch (the Excel sheet's RMSE cell). Trainer.evaluate() always gives the latter.
   */
  trainRmse: number;
  trainMae: number;
  validRmse: number | null;
  validMae: number | null;
  /** Learning rate at the end of the epoch. */
  lr: number;
  /** Seconds spent in this epoch. */
  seconds: number;
}

export interface TrainProgress {
  epoch: number;
  /** Fraction of the current epoch done, in [0, 1]. */
  fraction: number;
  lr: number;
  elapsedSeconds: number;
}

/** Why a run of epochs ended early. */
export type StopReason =
  | { kind: 'cancelled' }
  | { kind: 'diverged'; message: string }
  | { kind: 'early-stopped'; bestEpoch: number }
  /** A full-batch Solve whose RMSE stopped moving (train/convergence.ts); `epoch` is the trainer's count. */
  | { kind: 'converged'; epoch: number };

/** Cheap view for the UI: factors/biases of chosen rows and predictions for a user × item block. */
export interface Snapshot {
  userRows: number[];
  itemRows: number[];
  /** userRows.length × k, row-major (dot/dotbias; empty for the NN). */
  userFactors: number[];
  /** itemRows.length × k, row-major. */
  itemFactors: number[];
  userBias: number[];
  itemBias: number[];
  /** userRows.length × itemRows.length, row-major. */
  predictions: number[];
}

/** One parameter tensor as plain data: row-major values and the full shape. */
export interface ParamTensor {
  shape: number[];
  data: Float32Array;
}

/** Everything needed to resume training: parameters by name and the optimizer's state. */
export interface ModelParams {
  /** user_factors [nUsers, k], item_factors [nItems, k], user_bias [nUsers], item_bias [nItems], or the NN's weights. */
  params: Record<string, ParamTensor>;
  /** Moments and step count of the stepper optimizer; null for L-BFGS (its history is rebuilt). */
  optimizer: OptimizerState | null;
}
