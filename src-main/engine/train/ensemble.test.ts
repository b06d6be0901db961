import { describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { rmse } from '../metrics.ts';
import { encodeFeatures } from '../models/index.ts';
import { fitEnsemble } from './ensemble.ts';
import { fastbookRecipe } from './recipes.ts';
import type { TrainConfig } from '../types.ts';

describe('fitEnsemble', () => {
  const { data } = generatePlanted({ users: 150, items: 120, ratings: 5000, rank: 3, noise: 0.3, seed: 4 });
  const { train, valid } = randomSplit(data, 0.1, 42);
  const base = fastbookRecipe(128);
  const member = (seed: number): TrainConfig => ({ ...base, seed, epochs: 3, model: { ...base.model, factors: 8, yRange: [0, 7] }, optim: { ...base.optim, lr: 2e-2 } });

  it('with one member reports that member', async () => {
    const fit = await fitEnsemble(train, valid, { members: [member(1)] });
    expect(fit.validRmse).toBeCloseTo(fit.members[0].validRmse!, 5);
    expect(fit.trainRmse).toBeCloseTo(fit.members[0].trainRmse, 5);
  });

  it('averages predictions: never worse than its members on average (squared error is convex)', async () => {
    const fit = await fitEnsemble(train, valid, { members: [member(1), member(2), member(3)] });
    expect(fit.members).toHaveLength(3);
    const meanOfMembers = fit.members.reduce((s, m) => s + m.validRmse! ** 2, 0) / 3;
    expect(fit.validRmse! ** 2).toBeLessThanOrEqual(meanOfMembers);
    expect(new Set(fit.members.map((m) => m.validRmse)).size).toBe(3);
  });

  it('gives side features to its neural members only, and returns the averaged validation predictions', async () => {
    const planted = generatePlanted({ users: 80, items: 60, ratings: 2500, rank: 3, noise: 0.3, seed: 5, features: { genres: 5, ageBuckets: 3 } });
    const split = randomSplit(planted.data, 0.1, 42);
    const f = planted.truth.features!;
    const genres = ['(unknown)', 'g1', 'g2', 'g3', 'g4', 'g5'];
    const item = encodeFeatures('item', [{ kind: 'multi', name: 'genres', unknown: 0, vocabulary: genres, offsets: f.itemGenreOffsets, codes: f.itemGenres.map((g) => g + 1) }], 60);
    const classes: TrainConfig = { ...member(1), epochs: 2, model: { ...member(1).model, kind: 'classes', layers: [8] } };
    const recipe = { members: [member(1), classes] };
    const plain = await fitEnsemble(split.train, split.valid, recipe);
    const withFeatures = await fitEnsemble(split.train, split.valid, recipe, { user: null, item });
    expect(withFeatures.members[0].validRmse).toBe(plain.members[0].validRmse); // dotbias: no features
    expect(withFeatures.members[1].validRmse).not.toBe(plain.members[1].validRmse);
    expect(withFeatures.validPredictions).toHaveLength(split.valid.ratings.length);
    expect(rmse(withFeatures.validPredictions, split.valid.ratings)).toBeCloseTo(withFeatures.validRmse!, 10);
  });

  it('names the member that diverged', async () => {
    const bad: TrainConfig = { ...member(1), model: { ...member(1).model, yRange: null }, optim: { ...member(1).optim, optimizer: 'sgd', lr: 1e4, schedule: 'constant' } };
    await expect(fitEnsemble(train, valid, { members: [member(1), bad] })).rejects.toThrow(/ensemble member 2 \(dotbias, seed 1\) stopped: .*became/);
  });
});
