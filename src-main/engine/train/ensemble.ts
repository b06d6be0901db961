/**
 * Train each model of an ensemble to the end of its epochs and average their predictions: how
 * bestRecipe() is measured. Members train one after another, so memory holds one model at a time
 * plus the running sums of predictions.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { rmse } from '../metrics.ts';
import { type ModelFeatures, usesSideFeatures } from '../models/index.ts';
import type { EnsembleRecipe } from './recipes.ts';
import { type Fit, createTrainer } from './trainer.ts';

export interface EnsembleFit {
  /** RMSE of the averaged predictions. */
  trainRmse: number;
  validRmse: number | null;
  /** Each member's own metrics, in recipe order. */
  members: Fit[];
  /** Sum of all members' epoch seconds. */
  trainSeconds: number;
  /** The averaged prediction of each validation rating (empty without valid). */
  validPredictions: Float64Array;
}

/** `features`: side features, given to the members whose model takes them (the neural ones). */
export async function fitEnsemble(
  train: RatingsDataset, valid: RatingsDataset | null, recipe: EnsembleRecipe, features: ModelFeatures | null = null,
): Promise<EnsembleFit> {
  if (recipe.members.length === 0) throw new Error('an ensemble needs at least one member');
  const trainSum = new Float64Array(train.ratings.length);
  const validSum = new Float64Array(valid?.ratings.length ?? 0);
  const members: Fit[] = [];
  let trainSeconds = 0;
  for (const [m, config] of recipe.members.entries()) {
    const trainer = await createTrainer(train, valid, config, features && usesSideFeatures(config.model.kind) ? { features } : {});
    try {
      while (trainer.epochsDone < config.epochs) {
        const r = await trainer.runEpoch();
        trainSeconds += r.metrics?.seconds ?? 0;
        if (r.stopped) throw new Error(`ensemble member ${m + 1} (${config.model.kind}, seed ${config.seed}) stopped: ${describe(r.stopped)}`);
      }
      accumulate(trainSum, trainer.predict(train.users, train.items));
      if (valid) accumulate(validSum, trainer.predict(valid.users, valid.items));
      members.push(trainer.evaluate());
    } finally {
      await trainer.dispose();
    }
  }
  const n = recipe.members.length;
  return {
    trainRmse: rmseOfMean(trainSum, n, train.ratings),
    validRmse: valid && valid.ratings.length > 0 ? rmseOfMean(validSum, n, valid.ratings) : null,
    members,
    trainSeconds,
    validPredictions: validSum,
  };
}

function accumulate(sum: Float64Array, predictions: Float32Array): void {
  for (let i = 0; i < sum.length; i++) sum[i] += predictions[i];
}

/** RMSE of the members' mean prediction; turns the sums into the means. */
function rmseOfMean(sum: Float64Array, members: number, ratings: Float32Array): number {
  for (let i = 0; i < sum.length; i++) sum[i] /= members;
  return rmse(sum, ratings);
}

function describe(stopped: { kind: string; message?: string }): string {
  return stopped.message ?? stopped.kind;
}
