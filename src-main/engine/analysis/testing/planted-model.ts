import type { RatingsDataset } from '../../../data/dataset.ts';
import { type PlantedSpec, type PlantedTruth, generatePlanted } from '../../../data/synthetic.ts';
import type { FactorModel } from '../factor-model.ts';

/**
 * Planted data and the model that generated it, for tests that need factors with a known truth.
 * Our models have no global mean term, so the planted mean is folded into the user biases.
 */
export function plantedModel(spec: PlantedSpec): { data: RatingsDataset; model: FactorModel; truth: PlantedTruth } {
  const { data, truth } = generatePlanted(spec);
  const model: FactorModel = {
    k: spec.rank,
    userFactors: truth.userFactors,
    itemFactors: truth.itemFactors,
    userBias: truth.userBias.map((b) => b + truth.mean),
    itemBias: truth.itemBias,
    yRange: null,
  };
  return { data, model, truth };
}

/** Titles with the characters that break naive CSV/TSV writers: commas, quotes, a tab, a newline. */
export function withAwkwardTitles(data: RatingsDataset): RatingsDataset {
  const awkward = ['Silence of the Lambs, The (1991)', 'He said "no", twice', 'tab\there', 'two\nlines', 'Amélie (2001)'];
  return { ...data, itemTitles: data.itemIds.map((id, i) => awkward[i] ?? `Movie ${id}`) };
}
