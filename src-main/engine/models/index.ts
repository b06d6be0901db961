/**
 * The models of fastbook ch. 8, chosen by ModelConfig.kind. Where each idea lives:
 * embedding → builder.ts (ModelBuilder.embedding) and embedding-nn.ts (embeddingSize);
 * dot product and biases → dot-bias.ts; sigmoid_range → graph/compose.ts;
 * initialisation → init.ts; weight decay and one-cycle → ../optim. Beyond the chapter: ratings as
 * classes → classes.ts; I-AutoRec → autorec.ts (trained by ../train/autorec-trainer.ts).
 */
import type { ModelConfig } from '../types.ts';
import type { ModelDefinition } from './builder.ts';
import { ratingClasses, ratingClassesModel } from './classes.ts';
import { dotProductModel } from './dot-bias.ts';
import { type NNOptions, embeddingNNModel, embeddingSize } from './embedding-nn.ts';
import type { ModelFeatures } from './side-features.ts';

export {
  type BuiltInto, type ModelDefinition, type ModelGraph, type ParamSpec, type MaskSpec, type GraphParam,
  buildModelGraph, buildPredictionInto, modelBytes, gradOutputName, rowSize,
} from './builder.ts';
export { dotBiasPrediction, dotProductModel } from './dot-bias.ts';
export { initParam, type ParamInit } from './init.ts';
export { COUNT_TERM_PARAMS, embeddingSize, featureEmbeddingSize, isAddedTermParam } from './embedding-nn.ts';
export {
  type FeatureColumn, type FeatureSide, type FeatureTensor, type ModelFeatures, type SideFeatureSet,
  ID_GATE_RATINGS, embeddingName, encodeFeatures, featureTensors, growColumns, usesSideFeatures, withItemCounts,
} from './side-features.ts';
export { ratingClasses } from './classes.ts';

export interface ModelData {
  users: number;
  items: number;
  /** Training ratings: the classes of the 'classes' model are their distinct values. */
  ratings: Float32Array;
  /** Side features (issue 15): the neural models take them; the factor models do not. */
  features?: ModelFeatures | null;
}

export interface ModelChoice {
  definition: ModelDefinition;
  /** The rating values of the 'classes' model; null for the others. */
  classes: number[] | null;
}

export function defineModel(config: ModelConfig, data: ModelData): ModelChoice {
  if (!(Number.isInteger(config.factors) && config.factors > 0)) throw new Error(`factors must be a positive integer, got ${config.factors}`);
  if (config.yRange && !(config.yRange[0] < config.yRange[1])) throw new Error(`y_range must be [lo, hi] with lo < hi, got [${config.yRange}]`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`dropout must be in [0, 1), got ${config.dropout}`);
  const nn: NNOptions = {
    userEmbedding: embeddingSize(data.users),
    itemEmbedding: embeddingSize(data.items),
    layers: config.layers,
    dropout: config.dropout,
    yRange: config.yRange,
    features: data.features ?? null,
  };
  switch (config.kind) {
    case 'dot': return { definition: dotProductModel({ factors: config.factors, bias: false, yRange: config.yRange }), classes: null };
    case 'dotbias': return { definition: dotProductModel({ factors: config.factors, bias: true, yRange: config.yRange }), classes: null };
    case 'nn': return { definition: embeddingNNModel(nn), classes: null };
    // Trained by train/autorec-trainer.ts; this is its serving form, which its exported parameters fill (models/autorec.ts).
    case 'autorec': return { definition: dotProductModel({ factors: config.factors, bias: true, yRange: config.yRange }), classes: null };
    case 'classes': {
      const classes = ratingClasses(data.ratings);
      return { definition: ratingClassesModel(nn, classes), classes };
    }
  }
}
