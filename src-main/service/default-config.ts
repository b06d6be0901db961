/**
 * The configuration a freshly opened sheet starts with. Small sheets get the Excel experience:
 * the whole sheet as one batch, 5 factors like the `dotprod` sheet, minimised by L-BFGS as
 * Excel's Solver would (one iteration per epoch: 100 of them take 3 s at the default 30
 * epochs/s; it converges in 30–50, so the student sees RMSE fall over ~1.5 s, then settle).
 * Datasets up to a few million ratings get fastbook ch. 8's recipe (50 factors,
 * fit_one_cycle(5, 5e-3), wd 0.1, batch 1024); bigger ones our scale recipe (batch 32768, lazy
 * Adam, lr 0.01), which trains a 25M-rating epoch in ~22 s where batch 1024 takes ~50 s.
 */
import { scaleRecipe } from '../engine/train/recipes.ts';
import type { TrainConfig } from '../engine/types.ts';

/** Below this many ratings the whole sheet is one batch (the Excel Solver's view). */
export const FULL_BATCH_LIMIT = 10_000;
/** From this many ratings on, the scale recipe's big batches. */
export const SCALE_RECIPE_FROM = 2_000_000;

export function defaultConfig(ratingCount: number, scale: { lo: number; hi: number }): TrainConfig {
  const small = ratingCount <= FULL_BATCH_LIMIT;
  const config = sheetConfig(small, scale);
  if (ratingCount < SCALE_RECIPE_FROM) return config;
  const big = scaleRecipe();
  return { ...config, batchSize: big.batchSize, optim: big.optim };
}

function sheetConfig(small: boolean, scale: { lo: number; hi: number }): TrainConfig {
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
      ? // L-BFGS reaches the minimum (full-batch Adam, lr 0.1 one-cycle, stopped at 0.23 on the
        // demo sheet and 0.42 on the 15×15 Excel sheet after 100 epochs). wd, an L2 penalty
        // (wd/2)·Σp² here, chosen on the demo sheet with a 20% split, after 100 iterations
        // (train / valid RMSE): 0 → 0.07 / 1.03 (it memorises the 160 ratings), 0.003 → 0.12 / 0.70,
        // 0.01 → 0.20 / 0.58–0.61, 0.02 → 0.32 / 0.60, 0.1 → 0.79 / 0.99. lr is L-BFGS's first
        // trial step (PyTorch's default 1).
        { optimizer: 'lbfgs', lr: 1, wd: 0.01, wdMode: 'l2', schedule: 'constant' }
      : { optimizer: 'adam', lr: 5e-3, wd: 0.1, wdMode: 'decoupled', schedule: 'one-cycle' },
    epochs: small ? 100 : 5,
    batchSize: small ? 'full' : 1024,
    seed: 42,
    threads: 1,
    device: 'cpu',
    earlyStopPatience: 0,
  };
}
