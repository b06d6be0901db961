/**
 * The settings a tune searches, as seeded draws: model (dotbias, dot, nn, ratings as classes),
 * k, lr, wd, optimizer, batch size, epochs and y_range. The first candidates are the recipes we
 * measured best (recipes.ts), so a tune with room for them never does worse than those; the rest
 * are drawn around them — wide enough to find something else, not so wide that most draws are
 * wasted (lr and wd log-uniform over about a decade; SGD and momentum at their own rates).
 */
import { mulberry32 } from '../../data/random.ts';
import { bestDotBias, classesMember, fastbookRecipe, nnRecipe } from '../train/recipes.ts';
import type { ModelKind, OptimizerKind, TrainConfig } from '../types.ts';

type Rand = () => number;

const pick = <T>(rand: Rand, choices: readonly T[]): T => choices[Math.floor(rand() * choices.length)];
const logUniform = (rand: Rand, lo: number, hi: number): number => Number((lo * (hi / lo) ** rand()).toPrecision(2));
const intBetween = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

/** Weighted by how often each did well in our measurements (recipes.ts). */
const MODELS: readonly ModelKind[] = ['dotbias', 'dotbias', 'dotbias', 'dotbias', 'dotbias', 'dotbias', 'classes', 'classes', 'nn', 'dot'];
const OPTIMIZERS: readonly OptimizerKind[] = ['adam', 'adam', 'adam', 'adam', 'adam', 'adam', 'adam', 'adam', 'momentum', 'sgd'];
const FACTORS = [16, 24, 32, 40, 50, 64, 80, 100, 128];
const BATCH_SIZES = [32, 48, 64, 64, 64, 96, 128, 256];
const Y_RANGES: readonly ([number, number] | null)[] = [[0, 5.5], [0.8, 5.2], [0.8, 5.2], [0.5, 5.5], [1, 5], null];
const LAYERS = [[50], [100], [100], [200], [200, 100]];

/** The measured recipes, with the tune's seed: tried first. */
export function seededCandidates(seed: number): TrainConfig[] {
  const slow = bestDotBias(seed);
  return [
    bestDotBias(seed),
    // bestDotBias at a lower rate for longer: 0.8918 on the random split, 0.9121 on u1.
    { ...slow, epochs: 7, optim: { ...slow.optim, lr: 3e-3 } },
    classesMember(seed),
    { ...nnRecipe(), seed },
  ];
}

/** One random candidate. */
export function drawCandidate(rand: Rand, seed: number): TrainConfig {
  const base = fastbookRecipe(64);
  const kind = pick(rand, MODELS);
  const optimizer = pick(rand, OPTIMIZERS);
  const network = kind === 'nn' || kind === 'classes';
  const lr = optimizer === 'adam' ? logUniform(rand, 1.5e-3, 1.2e-2) : logUniform(rand, 0.02, 0.3);
  const wd = network ? logUniform(rand, 0.05, 0.4) : logUniform(rand, 0.04, 0.3);
  const yRange = pick(rand, Y_RANGES);
  return {
    ...base,
    seed,
    epochs: network ? intBetween(rand, 4, 10) : intBetween(rand, 3, 12),
    batchSize: pick(rand, BATCH_SIZES),
    model: {
      ...base.model,
      kind,
      factors: pick(rand, FACTORS),
      yRange: kind === 'classes' ? base.model.yRange : yRange,
      layers: network ? pick(rand, LAYERS) : base.model.layers,
      dropout: network ? pick(rand, [0, 0, 0.1, 0.2]) : 0,
    },
    optim: { ...base.optim, optimizer, lr, wd },
  };
}

/** The tune's candidate list for a seed: the recipes, then `count − 4` draws. */
export function candidates(seed: number, count: number): TrainConfig[] {
  const rand = mulberry32(seed ^ 0x7a3d1f05);
  const list = seededCandidates(seed).slice(0, count);
  while (list.length < count) list.push(drawCandidate(rand, seed));
  return list;
}
