// fitToEnd: a cancelled fit hands control back without the final pass over the training set.
import { describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { fitToEnd } from './fit.ts';
import { fastbookRecipe } from './recipes.ts';

const { data } = generatePlanted({ users: 40, items: 30, ratings: 800, rank: 2, noise: 0.3, seed: 3 });
const { train, valid } = randomSplit(data, 0.2, 42);
const config = { ...fastbookRecipe(64), epochs: 4, model: { ...fastbookRecipe(64).model, factors: 4 } };

describe('fitToEnd', () => {
  it('evaluates the model at the end of its epochs and shows it to atEnd', async () => {
    let seen = 0;
    const r = await fitToEnd(train, valid, config, { atEnd: () => seen++ });
    expect(r.stopped).toBeNull();
    expect(r.epochs).toHaveLength(4);
    expect(seen).toBe(1);
    expect(r.final.validRmse).toEqual(expect.any(Number));
  });

  it('cancelled: no final evaluation and no atEnd, the last epoch\'s figures as its final ones', async () => {
    let epochs = 0;
    let seen = 0;
    const r = await fitToEnd(train, valid, config, { onEpoch: () => epochs++, shouldStop: () => epochs >= 2, atEnd: () => seen++ });
    expect(r.stopped).toEqual({ kind: 'cancelled' });
    expect(seen).toBe(0);
    expect(r.epochs).toHaveLength(2);
    expect(r.final).toEqual({ trainRmse: r.epochs[1].trainRmse, trainMae: r.epochs[1].trainMae, validRmse: r.epochs[1].validRmse, validMae: r.epochs[1].validMae });
    const before = await fitToEnd(train, valid, config, { shouldStop: () => true });
    expect(before.final.validRmse).toBeNull();
    expect(before.final.trainRmse).toBeNaN();
  });
});
