/**
 * The scale benchmark's data and settings (bench/scale.ts, bench/gpu.ts).
 *
 * Synthetic ratings of MovieLens-25M shape (issue 6): 162,541 users ×
 * 59,047 items × 25M ratings at full size (smaller sizes shrink users and items by √(rows/25M),
 * as ml25m-shape.ts does for the import benchmark's files), power-law popularity (items 0.6, users 0.5), a planted rank-20 model
 * with biases, half stars 0.5–5. The noise σ is chosen so that the planted model itself scores
 * ≈ 0.5 RMSE against the rounded, clipped ratings: the floor any solver can reach.
 * Generated in memory by data/synthetic.ts's generatePlanted (no file), split 90/10 by the
 * benchmarks' random split.
 */
import type { RatingsDataset } from '../src-main/data/dataset.ts';
import type { Device, TrainConfig } from '../src-main/engine/types.ts';
import { randomSplit } from '../src-main/data/split.ts';
import { type PlantedSpec, generatePlanted, plantedRmse } from '../src-main/data/synthetic.ts';
import { ML25M } from './ml25m-shape.ts';
import { scaleRecipe } from '../src-main/engine/train/recipes.ts';

export const PLANTED_RANK = 20;
export const EPOCHS = 10;

/** The scale recipe (src-main/engine/train/recipes.ts) on the given threads and device. */
export function scaleConfig(threads: number, device: Device = 'cpu', batchSize = 32768): TrainConfig {
  return { ...scaleRecipe(batchSize), epochs: EPOCHS, threads, device };
}

export function scaleSpec(rows: number): PlantedSpec {
  const f = Math.sqrt(rows / ML25M.ratings);
  return {
    users: Math.round(ML25M.users * f),
    items: Math.round(ML25M.items * f),
    ratings: rows,
    rank: PLANTED_RANK,
    // σ² + half-star rounding (0.5²/12) + clipping ≈ 0.5²: measured floor 0.50 (see planted RMSE below).
    noise: 0.49,
    // Each factor entry N(0, 0.4²): the dot product's std is √20·0.16 ≈ 0.72, MovieLens-like spread.
    factorStd: 0.4,
    biasStd: 0.35,
    mean: 3.5,
    seed: 25,
    popularitySkew: 0.6,
    userSkew: 0.5,
    scale: { lo: 0.5, hi: 5, step: 0.5 },
  };
}

export interface ScaleData {
  train: RatingsDataset;
  valid: RatingsDataset;
  /** RMSE of the planted model itself on the validation ratings. */
  plantedValidRmse: number;
  users: number;
  items: number;
  generateSeconds: number;
}

export function scaleData(rows: number): ScaleData {
  const started = performance.now();
  const spec = scaleSpec(rows);
  const { data, truth } = generatePlanted(spec);
  const { train, valid } = randomSplit(data, 0.1, 42);
  return {
    train, valid, users: spec.users, items: spec.items,
    plantedValidRmse: plantedRmse(valid, truth),
    generateSeconds: (performance.now() - started) / 1000,
  };
}

