/**
 * The configuration a freshly opened sheet starts with. Small sheets get the Excel experience:
 * the whole sheet as one batch, 5 factors like the `dotprod` sheet, 100 epochs (3 s at the
 * default 30 epochs/s) to watch it converge. Big datasets get fastbook ch. 8's recipe (50
 * factors, fit_one_cycle(5, 5e-3), wd 0.1).
 */
import type { TrainConfig } from '../engine/train/types.ts';

/** Below this many ratings the whole sheet is one batch (the Excel Solver's view). */
export const FULL_BATCH_LIMIT = 10_000;

export function defaultConfig(ratingCount: number, scale: { lo: number; hi: number }): TrainConfig {
  const small = ratingCount <= FULL_BATCH_LIMIT;
  return {
    model: {
      kind: 'dotbias',
      factors: small ? 5 : 50,
      // fastbook's y_range (0, 5.5) for a 1–5 scale: headroom above the top rating, because a
      // sigmoid only reaches its bounds at infinity.
      yRange: [Math.min(0, scale.lo), scale.hi + 0.5],
      init: 'trunc-normal',
      layers: [100],
      dropout: 0,
    },
    optim: small
      ? // Tuned on the demo sheet with a 20% split: lower wd fits the 200 ratings almost exactly
        // (train RMSE 0.09) and generalises worse (valid 1.0 vs 0.6).
        { optimizer: 'adam', lr: 0.1, wd: 1, wdMode: 'decoupled', schedule: 'one-cycle' }
      : { optimizer: 'adam', lr: 5e-3, wd: 0.1, wdMode: 'decoupled', schedule: 'one-cycle' },
    epochs: small ? 100 : 5,
    batchSize: small ? 'full' : 1024,
    seed: 42,
    threads: 1,
    device: 'cpu',
    earlyStopPatience: 0,
  };
}
