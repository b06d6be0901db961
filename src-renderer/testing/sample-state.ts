/** A small AppState for the renderer's unit tests. */
import type { AppState } from '../../src-main/service/contract.ts';

/** A 2 users × 2 movies sheet with k = 2: Ana rated Die Hard 4 (held out), Ben rated nothing. */
export function sampleState(): AppState {
  return {
    sheet: {
      name: 't',
      scale: { lo: 0.5, hi: 5, step: 0.5 },
      users: [{ id: 'u1', label: 'Ana' }, { id: 'u2', label: 'Ben' }],
      movies: [{ id: 'm1', title: 'Die Hard' }, { id: 'm2', title: 'Titanic' }],
      ratings: [[4, null], [null, null]],
      heldOut: [[true, false], [false, false]],
      totals: { users: 2, movies: 2, ratings: 1, validRatings: 1 },
      planted: null,
      data: {
        source: 'sheet',
        path: null,
        hasTimestamps: false,
        validPath: null,
        split: { method: 'random', trainRows: 0, validRows: 1, coldUsers: 0, coldItems: 0, coldUserRatings: 0, coldItemRatings: 0 },
        crosstab: 15,
        pinned: { users: [], items: [] },
        features: [],
      },
    },
    numbers: {
      snapshot: {
        userRows: [0, 1],
        itemRows: [0, 1],
        userFactors: [1, 2, 0, 0],
        itemFactors: [0.5, -0.25, 0, 0],
        userBias: [0.1, 0],
        itemBias: [-0.2, 0],
        predictions: [3.5, 2.75, 2.75, 2.75],
      },
      fit: { trainRmse: 0.5, trainMae: 0.5, validRmse: 0.5, validMae: 0.5 },
    },
    config: {
      model: { kind: 'dotbias', factors: 2, yRange: [0, 5.5], init: 'trunc-normal', layers: [100], dropout: 0 },
      optim: { optimizer: 'adam', lr: 0.1, wd: 1, wdMode: 'decoupled', schedule: 'one-cycle' },
      epochs: 100,
      batchSize: 'full',
      seed: 42,
      threads: 1,
      device: 'cpu',
      earlyStopPatience: 0,
    },
    settings: { validPct: 0.2, splitSeed: 42, epochsPerSecond: 30 },
    history: [],
    status: 'idle',
    engine: null,
    canUndo: false,
    canRedo: false,
    project: { path: null, unsaved: false },
    runs: [],
  };
}
