// A run in either engine (issue 12 item 5): the fused kernel's runs are records like ONNX Runtime's, reproducible for a seed.
import { describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { rmse } from '../metrics.ts';
import { fusedRecipe } from './search-space.ts';
import { trainRun } from './run.ts';

const { data } = generatePlanted({ users: 60, items: 50, ratings: 1500, rank: 3, noise: 0.3, seed: 5 });
const { train, valid } = randomSplit(data, 0.15, 42);
const settings = { ...fusedRecipe(42), epochs: 6, model: { ...fusedRecipe(42).model, factors: 8 } };

describe('trainRun in the fused kernel', () => {
  it('records its engine, its epochs and validation predictions that give its valid RMSE', async () => {
    const { run, validPredictions } = await trainRun(train, valid, settings, { id: 'r1', label: 'fused', engine: 'fused' });
    expect(run).toMatchObject({ engine: 'fused', seed: 42, stopped: null });
    expect(run.history.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(validPredictions).toHaveLength(valid.ratings.length);
    expect(run.validRmse).toBe(rmse(validPredictions!, valid.ratings));
    // What the kernel measured after its last epoch (`collabsheet train --engine fused` prints it).
    expect(run.history.at(-1)!.validRmse).toBeCloseTo(run.validRmse!, 5);
    // Learned something: the planted ratings' spread is about 1.
    expect(run.validRmse!).toBeLessThan(run.history[0].validRmse!);
  });

  it('gives the same run for the same settings, another for another seed', async () => {
    const a = await trainRun(train, valid, settings, { id: 'a', label: '', engine: 'fused' });
    const b = await trainRun(train, valid, settings, { id: 'b', label: '', engine: 'fused' });
    const c = await trainRun(train, valid, { ...settings, seed: 43 }, { id: 'c', label: '', engine: 'fused' });
    expect(b.run.validRmse).toBe(a.run.validRmse);
    expect(b.validPredictions).toEqual(a.validPredictions);
    expect(c.run.validRmse).not.toBe(a.run.validRmse);
  });

  it('takes the settings\' lr and wd as the per-rating optimizer\'s', async () => {
    const held = await trainRun(train, valid, settings, { id: 'a', label: '', engine: 'fused' });
    const loose = await trainRun(train, valid, { ...settings, optim: { ...settings.optim, wd: 0 } }, { id: 'b', label: '', engine: 'fused' });
    expect(loose.run.trainRmse).toBeLessThan(held.run.trainRmse);
  });

  it('stops when asked, as cancelled', async () => {
    const r = await trainRun(train, valid, { ...settings, epochs: 50 }, { id: 'r1', label: '', engine: 'fused', shouldStop: () => true });
    expect(r.run.stopped).toEqual({ kind: 'cancelled' });
  });
});
