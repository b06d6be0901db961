/**
 * What a run costs, estimated before it runs, so a tune can decide its whole schedule from the
 * budget up front: the same command then trains the same runs whatever the machine's load (a
 * plan that read the clock would not). The constants were measured with `collabsheet train` on
 * ml-100k (90k ratings, ONNX Runtime on one thread) on the shared 2-core build machine, load
 * about 1.3: dotbias bs 64 dense 0.16 s an epoch at k 20, 0.30 at k 50, 0.56 at k 100; bs 128
 * 0.16 at k 50; the classes model 0.7 s. The fused kernel (one thread, load 0.4): 0.08–0.14 s for
 * 10 epochs at k 50, 0.26 s for 20 at k 100, validation included. A kNN member (load 4.7): by items
0.43 s (16.4M pairs, 1682² cells), by users 0.25–0.34 s (13.6M, 943²).
 * Checked against a real 120 s tune (r90, seed 42, load 0.0–2.0, the tune itself the load): fused runs took
 * 0.3–0.8× their estimate, ONNX dotbias/dot 0.4–0.9×, but classes and nn (Adam) 0.85–4.4× (2.3× in all) at the
 * old networkFactor 1.3: 2.5 brings them to 1.07× in all. The rest of the wall (20 s of 118: Node and tsx
 * starting, reading the data, sessions freed between runs, the blends) is what PLANNED_SHARE leaves out.
 * On a slower machine a session later (the fused kernel 1.5× slower at 5M ratings) a real r90 tune with AutoRec ran
 * out of budget 20 s into its seed stage: ONNX dotbias took 1.17× its estimate, nn 1.71×, classes 0.95×, AutoRec
 * 0.93×, fused 0.96×; the ONNX constants were raised by 1.2× (from 43e-6, 1.35e-9, 2e-9) so that a plan fits there.
 */
import { embeddingSize } from '../models/index.ts';
import { defaultUpdates } from '../train/trainer.ts';
import type { TrainConfig } from '../types.ts';
import type { RunEngine } from './run.ts';

export interface DataShape {
  ratings: number;
  users: number;
  items: number;
}

export interface CostModel {
  /** One ONNX Runtime call and the optimizer's fixed work, per batch. */
  batchSeconds: number;
  /** Per parameter element the optimizer steps in a batch (every element when updates are dense). */
  elementSeconds: number;
  /** Per rating of a batch, per unit of the model's row width (forward and backward). */
  ratingSeconds: number;
  /** The networks' matrix products on top (nn, classes). */
  networkFactor: number;
  /** Building the graphs and sessions, and the last evaluation. */
  runSeconds: number;
  /** The fused kernel, per rating of an epoch: fixed, and per factor. */
  fusedRatingSeconds: number;
  fusedFactorSeconds: number;
  /** The fused run's setup (blocking the ratings) and its validation predictions. */
  fusedRunSeconds: number;
  /** A kNN member (neighbour-members.ts): per pair of one row's ratings (Σ n²), and per cell of its similarity table. */
  knnPairSeconds: number;
  knnCellSeconds: number;
  /** AutoRec (models/autorec.ts), per movie × user × code unit of an epoch: its matrix products, forward and backward, and the validation's codes. */
  autorecCellSeconds: number;
}

export const MEASURED_COST: CostModel = {
  batchSeconds: 52e-6, elementSeconds: 1.6e-9, ratingSeconds: 2.4e-9, networkFactor: 2.5, runSeconds: 0.3,
  fusedRatingSeconds: 7.5e-8, fusedFactorSeconds: 7e-10, fusedRunSeconds: 0.03,
  knnPairSeconds: 2.5e-8, knnCellSeconds: 2e-8,
  autorecCellSeconds: 5.3e-10,
};

/** Parameter elements of the model, and how many a rating looks up (its row width). */
export function modelSize(config: TrainConfig, d: DataShape): { elements: number; width: number } {
  const { kind, factors: k, layers } = config.model;
  if (kind === 'dot' || kind === 'dotbias') {
    const width = kind === 'dot' ? k : k + 1;
    return { elements: (d.users + d.items) * width, width: 2 * width };
  }
  // AutoRec: encoder and decoder, a row of each per user, and their biases; every element is stepped every batch.
  if (kind === 'autorec') return { elements: 2 * d.users * k + d.users + k, width: 0 };
  const eu = embeddingSize(d.users);
  const ei = embeddingSize(d.items);
  const widths = [eu + ei, ...layers, kind === 'classes' ? 10 : 1];
  let dense = 0;
  for (let l = 0; l + 1 < widths.length; l++) dense += (widths[l] + 1) * widths[l + 1];
  return { elements: d.users * eu + d.items * ei + dense, width: eu + ei + dense / Math.max(1, widths[1]) };
}

export function estimateRunSeconds(config: TrainConfig, d: DataShape, cost: CostModel = MEASURED_COST, engine: RunEngine = 'onnx'): number {
  if (engine === 'fused') {
    return cost.fusedRunSeconds + config.epochs * d.ratings * (cost.fusedRatingSeconds + config.model.factors * cost.fusedFactorSeconds);
  }
  if (config.model.kind === 'autorec') {
    const movies = config.batchSize === 'full' ? d.items : Math.min(config.batchSize, d.items);
    const step = cost.batchSeconds + modelSize(config, d).elements * cost.elementSeconds;
    return cost.runSeconds + config.epochs * (d.items * d.users * config.model.factors * cost.autorecCellSeconds + Math.ceil(d.items / movies) * step);
  }
  const batch = config.batchSize === 'full' ? d.ratings : Math.min(config.batchSize, d.ratings);
  const batches = Math.ceil(d.ratings / batch);
  const { elements, width } = modelSize(config, d);
  const updates = config.optim.updates ?? defaultUpdates(d, elements, d.ratings, batch);
  const stepped = updates === 'lazy' ? Math.min(elements, batch * width) : elements;
  const network = config.model.kind === 'nn' || config.model.kind === 'classes' ? cost.networkFactor : 1;
  const perBatch = cost.batchSeconds + stepped * cost.elementSeconds + batch * width * cost.ratingSeconds * network;
  return cost.runSeconds + config.epochs * batches * perBatch * network;
}
