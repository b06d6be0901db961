/** Issue 11 item 5 (engine half): which TrainConfigs the fused engine takes, and how they map. */
import { describe, expect, it } from 'vitest';
import { fastbookNN, scaleRecipe } from '../train/recipes.ts';
import type { TrainConfig } from '../types.ts';
import { FUSED_DEFAULTS, FUSED_SGD, fusedConfigFrom, fusedUnsupported, fusedWdFor } from './config.ts';

const scale = (): TrainConfig => scaleRecipe();

describe('fusedUnsupported', () => {
  it('takes the scale recipe (dotbias, Adam, one-cycle, big batches)', () => {
    expect(fusedUnsupported(scale())).toBeNull();
    expect(fusedUnsupported({ ...scale(), model: { ...scale().model, kind: 'dot', yRange: null } })).toBeNull();
  });

  it('names why the others train in ONNX Runtime', () => {
    const s = scale();
    expect(fusedUnsupported(fastbookNN())).toMatch(/neural model trains in ONNX Runtime/);
    expect(fusedUnsupported({ ...s, model: { ...s.model, kind: 'classes' } })).toMatch(/ratings-as-classes/);
    expect(fusedUnsupported({ ...s, optim: { ...s.optim, optimizer: 'lbfgs' } })).toMatch(/L-BFGS/);
    expect(fusedUnsupported({ ...s, batchSize: 'full' })).toMatch(/full-batch/);
    expect(fusedUnsupported({ ...s, device: 'cuda' })).toMatch(/runs on the CPU; device cuda/);
    expect(fusedUnsupported({ ...s, model: { ...s.model, init: 'uniform' } })).toMatch(/uniform/);
    expect(fusedUnsupported({ ...s, earlyStopPatience: 3 })).toMatch(/early stopping/);
  });
});

describe('fusedConfigFrom', () => {
  it('keeps the model, schedule, epochs and seed; Adam maps to the adaptive rule with its own lr and wd', () => {
    const s = { ...scale(), seed: 9, epochs: 7, model: { ...scale().model, factors: 20 } };
    expect(fusedConfigFrom(s, 2)).toEqual({
      ...FUSED_DEFAULTS, model: 'dotbias', factors: 20, yRange: [0, 5.5], schedule: 'one-cycle', epochs: 7, seed: 9, workers: 2,
    });
  });

  it('given the data size, the adaptive rule\'s wd follows it: 0.2 to 1M ratings, 0.15 at 5M, 0.1 from 25M', () => {
    expect([1e5, 1e6, 5e6, 25e6, 1e8].map((n) => fusedWdFor(n))).toEqual([0.2, 0.2, expect.closeTo(0.15, 12), 0.1, 0.1]);
    expect(fusedConfigFrom(scale(), 2, 90_000).wd).toBe(0.2);
    expect(fusedConfigFrom(scale(), 2).wd).toBe(FUSED_DEFAULTS.wd);
  });

  it('maps sgd to sgd with its rates, and refuses what it does not support', () => {
    const s = { ...scale(), optim: { ...scale().optim, optimizer: 'sgd' as const, schedule: 'constant' as const } };
    expect(fusedConfigFrom(s, 1)).toMatchObject({ optimizer: 'sgd', ...FUSED_SGD, schedule: 'constant' });
    expect(() => fusedConfigFrom(fastbookNN(), 1)).toThrow(/cannot train fused: the neural model/);
  });
});
