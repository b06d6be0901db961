/**
 * Named training settings that reproduce the references our figures are compared with, so the
 * CLI, the benchmarks, the tests and the app mean the same thing by "the fastbook recipe".
 */
import type { TrainConfig } from './types.ts';

const base: Omit<TrainConfig, 'model' | 'optim'> = {
  epochs: 5, batchSize: 64, seed: 42, threads: 1, device: 'cpu', earlyStopPatience: 0,
};

/**
 * fastbook ch. 8: DotProductBias, 50 factors, y_range (0, 5.5), fit_one_cycle(5, 5e-3), wd 0.1,
 * fastai Adam with decoupled weight decay, batch size 64 (fastai's default).
 */
export function fastbookRecipe(batchSize: number = 64): TrainConfig {
  return {
    ...base,
    batchSize,
    model: { kind: 'dotbias', factors: 50, yRange: [0, 5.5], init: 'trunc-normal', layers: [100], dropout: 0 },
    optim: { optimizer: 'adam', lr: 5e-3, wd: 0.1, wdMode: 'decoupled', schedule: 'one-cycle' },
  };
}

/** fastbook ch. 8's CollabNN: fastai embedding sizes, one hidden layer of 100, wd 0.01. */
export function fastbookNN(batchSize: number = 64): TrainConfig {
  const r = fastbookRecipe(batchSize);
  return { ...r, model: { ...r.model, kind: 'nn' }, optim: { ...r.optim, wd: 0.01 } };
}

/**
 * The Excel sheet's Solver: 5 factors, the raw dot product (no sigmoid), no weight decay, the
 * whole sheet as one batch, minimised by L-BFGS (one iteration per "epoch").
 */
export function excelSolve(kind: 'dot' | 'dotbias', iterations = 200): TrainConfig {
  return {
    ...base,
    epochs: iterations,
    batchSize: 'full',
    model: { kind, factors: 5, yRange: null, init: 'uniform', layers: [], dropout: 0 },
    optim: { optimizer: 'lbfgs', lr: 1, wd: 0, wdMode: 'l2', schedule: 'constant' },
  };
}
