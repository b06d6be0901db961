// Issue 12 item 2: a sweep trains one run per value (or grid cell), in order, and Cancel stops it.
import { describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { fastbookRecipe } from '../train/recipes.ts';
import type { TrainConfig } from '../types.ts';
import { sweep } from './sweep.ts';

const { data } = generatePlanted({ users: 60, items: 50, ratings: 1500, rank: 3, noise: 0.3, seed: 4 });
const { train, valid } = randomSplit(data, 0.1, 42);
const recipe = fastbookRecipe(128);
const base: TrainConfig = { ...recipe, epochs: 2, model: { ...recipe.model, factors: 4, yRange: [0, 7] }, optim: { ...recipe.optim, lr: 2e-2 } };

describe('sweep', () => {
  it('trains one run per value and reports them in order', async () => {
    const progress: number[] = [];
    const r = await sweep(train, valid, base, [{ setting: 'k', values: [1, 2, 5] }], { onProgress: (p) => progress.push(p.done) });
    expect(r.cancelled).toBe(false);
    expect(r.cells.map((c) => c.values)).toEqual([[1], [2], [5]]);
    expect(r.cells.map((c) => c.run.run.label)).toEqual(['k=1', 'k=2', 'k=5']);
    expect(r.cells.map((c) => c.run.run.id)).toEqual(['r1', 'r2', 'r3']);
    expect(r.cells.map((c) => c.run.run.settings.model.factors)).toEqual([1, 2, 5]);
    for (const c of r.cells) {
      expect(c.run.run.history).toHaveLength(2);
      expect(c.run.validPredictions).toHaveLength(valid.ratings.length);
      expect(c.run.run.validRmse).toBe(c.run.run.history[1].validRmse);
    }
    expect(r.best!.validRmse).toBe(Math.min(...r.cells.map((c) => c.run.run.validRmse!)));
    expect(progress).toEqual([0, 1, 2, 3]);
    // Plain data: a run survives JSON as it is.
    expect(JSON.parse(JSON.stringify(r.cells[0].run.run))).toEqual(r.cells[0].run.run);
  });

  it('walks two settings as a grid, the second fastest', async () => {
    const r = await sweep(train, valid, { ...base, epochs: 1 }, [{ setting: 'wd', values: [0, 0.1] }, { setting: 'y-range', values: ['on', null] }]);
    expect(r.cells.map((c) => c.run.run.label)).toEqual(['wd=0 y-range=on', 'wd=0 y-range=off', 'wd=0.1 y-range=on', 'wd=0.1 y-range=off']);
    expect(r.cells.map((c) => [c.run.run.settings.optim.wd, c.run.run.settings.model.yRange])).toEqual([[0, [0, 7]], [0, null], [0.1, [0, 7]], [0.1, null]]);
  });

  it('stops at Cancel, keeping the runs finished before it', async () => {
    const cancel = new AbortController();
    const r = await sweep(train, valid, base, [{ setting: 'lr', values: [1e-2, 2e-2, 3e-2] }], {
      signal: cancel.signal,
      onRun: (_, i) => { if (i === 0) cancel.abort(); },
    });
    expect(r.cancelled).toBe(true);
    expect(r.cells.map((c) => c.run.run.label)).toEqual(['lr=0.01']);
  });

  it('drops the run Cancel interrupts (the trainer polls it between batches)', async () => {
    const cancel = new AbortController();
    const r = await sweep(train, valid, base, [{ setting: 'epochs', values: [1, 3] }], {
      signal: cancel.signal,
      onProgress: (p) => { if (p.next === 'epochs=3') cancel.abort(); },
    });
    expect(r.cancelled).toBe(true);
    expect(r.cells.map((c) => c.run.run.label)).toEqual(['epochs=1']);
  });

  it('refuses sweeps that cannot run', async () => {
    await expect(sweep(train, valid, base, [])).rejects.toThrow('a sweep takes one or two settings, got 0');
    await expect(sweep(train, valid, base, [{ setting: 'k', values: [] }])).rejects.toThrow('at least one value');
    await expect(sweep(train, valid, base, [{ setting: 'k', values: [1] }, { setting: 'k', values: [2] }])).rejects.toThrow('k twice');
  });
});
