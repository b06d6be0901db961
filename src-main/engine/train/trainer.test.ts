import { describe, expect, it } from 'vitest';
import { type RatingsDataset, selectRows } from '../../data/dataset.ts';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted, plantedRmse } from '../../data/synthetic.ts';
import type { Feature } from '../../data/import/features.ts';
import { COUNT_TERM_PARAMS, encodeFeatures } from '../models/index.ts';
import { fastbookNN, fastbookRecipe, excelSolve } from './recipes.ts';
import { createTrainer, defaultUpdates } from './trainer.ts';
import type { TrainConfig } from '../types.ts';

const fastbook = fastbookRecipe(1024);

async function train(data: RatingsDataset, valid: RatingsDataset | null, config: TrainConfig) {
  const trainer = await createTrainer(data, valid, config);
  let last = null;
  while (trainer.epochsDone < config.epochs) {
    const r = await trainer.runEpoch();
    // A converged full-batch Solve says so each epoch; running on past it is the reference run.
    if (r.stopped?.kind !== 'converged') expect(r.stopped).toBeNull();
    last = r.metrics!;
  }
  return { trainer, last: last! };
}


describe('the Excel sheet: a 15 × 15 planted sheet solved in full batch', () => {
  // Like ../shared/data/excel/ratings.csv: 206 of 225 cells, whole stars 1–5.
  const rank = 3;
  const { data, truth } = generatePlanted({ users: 15, items: 15, ratings: 206, rank, noise: 0.5, factorStd: 0.7, seed: 1, scale: { lo: 1, hi: 5, step: 1 } });

  // "In under a second" is the figures script's and the bench's to measure, not a unit test's.
  it('reaches at least the planted model with dot and dot+bias', async () => {
    // mean + b_u + b_i + rank-3 dot fits in 5 factors ((b_u + mean, 1)·(1, b_i) takes two), so
    // the planted model is a feasible point of both models: the optimum can only be lower.
    const floor = plantedRmse(data, truth);
    const dot = await train(data, null, excelSolve('dot'));
    const dotbias = await train(data, null, excelSolve('dotbias'));
    expect(dot.last.trainRmse).toBeLessThan(floor);
    expect(dotbias.last.trainRmse).toBeLessThan(dot.last.trainRmse); // the bias model nests the dot model
    await dot.trainer.dispose();
    await dotbias.trainer.dispose();
  });
});

describe('a full-batch Solve stops at convergence (issue 16 item 4)', () => {
  const { data } = generatePlanted({ users: 15, items: 15, ratings: 206, rank: 3, noise: 0.5, factorStd: 0.7, seed: 1, scale: { lo: 1, hi: 5, step: 1 } });

  // Measured: dot flat (no change at all) from epoch ~75; dotbias still creeps down by ~1e-6 per
  // epoch until ~147, where it ends within 1.1e-5 of epoch 200's RMSE.
  it.each([['dot', 100], ['dotbias', 200]] as const)('%s: converged before epoch %i of 200, at the RMSE all 200 epochs reach (to 1e-4)', async (kind, within) => {
    const config = excelSolve(kind, 200);
    const trainer = await createTrainer(data, null, config);
    let stop = null;
    while (!stop && trainer.epochsDone < config.epochs) stop = (await trainer.runEpoch()).stopped;
    expect(stop).toEqual({ kind: 'converged', epoch: trainer.epochsDone });
    const convergedAt = trainer.epochsDone;
    expect(convergedAt).toBeLessThan(within);
    const atConvergence = trainer.evaluate().trainRmse;
    // Before the change the Solve ran on to epoch 200: run those epochs and compare.
    while (trainer.epochsDone < config.epochs) await trainer.runEpoch();
    expect(Math.abs(trainer.evaluate().trainRmse - atConvergence)).toBeLessThan(1e-4);
    await trainer.dispose();
  });

  it('an edit to the parameters starts the count over: the next epoch does not stop at once', async () => {
    const config = excelSolve('dotbias', 200);
    const trainer = await createTrainer(data, null, config);
    let stop = null;
    while (!stop) stop = (await trainer.runEpoch()).stopped;
    const row = Array.from(trainer.paramViews()['user_factors'].data.subarray(0, 5));
    row[0] += 1;
    trainer.setRows('user_factors', [0], row);
    expect((await trainer.runEpoch()).stopped).toBeNull();
    await trainer.dispose();
  });

  it('mini-batch training never stops for convergence', async () => {
    const config = { ...fastbook, epochs: 8 };
    const trainer = await createTrainer(data, null, config);
    for (let e = 0; e < config.epochs; e++) expect((await trainer.runEpoch()).stopped).toBeNull();
    await trainer.dispose();
  });
});

describe('planted rank-5 data, σ = 0.3', () => {
  // Why the 1.05 σ cannot hold at 60k ratings, whatever the settings: with 90% for
  // training, a user has 54 ratings and an item 67.5, and each has p = 6 parameters (5 factors +
  // a bias). Least squares with the other side known exactly leaves an excess variance of about
  // σ²·p/n per side, so even an oracle on one side reaches σ·√(1 + 6/54 + 6/67.5) = 1.095 σ (numpy
  // ALS at the planted rank measured 1.11 σ). At 200k ratings (180 and 225 per row) the same
  // arithmetic gives 1.03 σ, so 1.05 σ is a fair target there.
  const planted = (ratings: number) => {
    const { data } = generatePlanted({ users: 1000, items: 800, ratings, rank: 5, noise: 0.3, seed: 1 });
    return randomSplit(data, 0.1, 42);
  };

  it('default settings (fastbook: 50 factors, bs 64, 5 epochs), 60k ratings: valid RMSE ≤ 1.35 σ', async () => {
    // Measured 1.29 σ. A bias-only model scores √(σ² + 5·0.5⁴) = 2.11 σ here, so 1.35 σ means
    // the defaults recover ≥ 76% of the planted interaction variance that biases miss. They
    // were not tuned for this data: fastai's 50 factors fit ml-100k's 106 ratings per user; with
    // 54 they overfit (train 0.55 σ), and fewer factors alone gain little (k 20: 1.23 σ).
    const { train: t, valid } = planted(60_000);
    const { trainer, last } = await train(t, valid, fastbookRecipe(64));
    expect(last.validRmse! / 0.3).toBeLessThanOrEqual(1.35);
    await trainer.dispose();
  });

  // Tuned settings: k = the planted rank, a higher peak lr, 10 epochs; y_range wide enough for
  // ratings that are not clipped to a scale.
  const tuned: TrainConfig = {
    ...fastbook,
    model: { ...fastbook.model, factors: 5, yRange: [-0.5, 8] },
    optim: { ...fastbook.optim, lr: 2e-2 },
    epochs: 10,
  };

  it('tuned, 60k ratings: valid RMSE ≤ 1.15 σ (the floor is ≈ 1.1 σ)', async () => {
    const { train: t, valid } = planted(60_000);
    const { trainer, last } = await train(t, valid, tuned);
    expect(last.validRmse! / 0.3).toBeLessThanOrEqual(1.15);
    await trainer.dispose();
  });

  it('tuned, denser, 200k ratings: valid RMSE ≤ 1.05 σ', async () => {
    const { train: t, valid } = planted(200_000);
    const { trainer, last } = await train(t, valid, tuned);
    expect(last.validRmse! / 0.3).toBeLessThanOrEqual(1.05);
    await trainer.dispose();
  });
});

describe('trainer contract', () => {
  const { data } = generatePlanted({ users: 200, items: 150, ratings: 6000, rank: 4, noise: 0.3, seed: 3, scale: { lo: 0.5, hi: 5, step: 0.5 } });
  const split = randomSplit(data, 0.1, 42);
  const small: TrainConfig = { ...fastbook, model: { ...fastbook.model, factors: 8 }, batchSize: 256, epochs: 3 };

  it('is bit-identical for the same seed, and not for another', async () => {
    const run = async (seed: number) => {
      const { trainer } = await train(split.train, split.valid, { ...small, seed });
      const p = trainer.exportParams().params;
      await trainer.dispose();
      return p;
    };
    const [a, b, c] = [await run(42), await run(42), await run(43)];
    for (const name of Object.keys(a)) expect(Buffer.compare(Buffer.from(a[name].data.buffer), Buffer.from(b[name].data.buffer))).toBe(0);
    expect(Array.from(a.user_factors.data)).not.toEqual(Array.from(c.user_factors.data));
  });

  it('names parameters as the API promises', async () => {
    const trainer = await createTrainer(split.train, split.valid, small);
    const p = trainer.exportParams().params;
    expect(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.shape]))).toEqual({
      user_factors: [200, 8], item_factors: [150, 8], user_bias: [200], item_bias: [150],
    });
    await trainer.dispose();
  });

  it('stops between batches when asked, and reports progress', async () => {
    const trainer = await createTrainer(split.train, split.valid, { ...small, batchSize: 16 });
    let polls = 0;
    const progress: number[] = [];
    const r = await trainer.runEpoch({ shouldStop: () => ++polls > 40, onProgress: (p) => progress.push(p.fraction) });
    expect(r).toEqual({ metrics: null, stopped: { kind: 'cancelled' } });
    expect(trainer.epochsDone).toBe(0);
    expect(polls).toBe(41);
    for (const f of progress) expect(f).toBeGreaterThan(0);
    await trainer.dispose();
  });

  // The 100 ms budget is measured (printed here; e2e/measure for the app), not asserted: a timed
  // threshold fails on a loaded machine for no fault of the code. What must hold is that a timer
  // set by someone else gets to run mid-epoch and its stop request ends the epoch early.
  it('hands the event loop a turn mid-epoch, so a stop requested by a timer ends the epoch', async () => {
    const big = generatePlanted({ users: 2000, items: 1000, ratings: 200_000, rank: 4, noise: 0.3, seed: 5 }).data;
    const trainer = await createTrainer(big, null, { ...fastbook, batchSize: 64, epochs: 1 });
    let stop = false;
    let asked = 0;
    setTimeout(() => {
      stop = true;
      asked = performance.now();
    }, 150);
    const r = await trainer.runEpoch({ shouldStop: () => stop });
    expect(r.stopped).toEqual({ kind: 'cancelled' });
    console.log(`stop honoured ${(performance.now() - asked).toFixed(1)} ms after it was asked`);
    await trainer.dispose();
  });

  it('guards against divergence: stops, restores the last good parameters, says why', async () => {
    const config: TrainConfig = { ...small, model: { ...small.model, yRange: null }, optim: { ...small.optim, optimizer: 'sgd', lr: 1e4, schedule: 'constant' } };
    const trainer = await createTrainer(split.train, split.valid, config);
    const before = trainer.exportParams().params;
    const r = await trainer.runEpoch();
    expect(r.metrics).toBeNull();
    expect(r.stopped?.kind).toBe('diverged');
    expect(r.stopped?.kind === 'diverged' && r.stopped.message).toMatch(/became (NaN|Infinity).*restored to their values before training/);
    const after = trainer.exportParams().params;
    for (const name of Object.keys(before)) expect(after[name].data).toEqual(before[name].data);
    expect(Number.isFinite(trainer.evaluate().trainRmse)).toBe(true);
    await trainer.dispose();
  });

  // Issue 13 finding 11: SGD at lr 100 on the demo sheet reached RMSE 28,403 without a word —
  // only a non-finite loss stopped training. Now a loss far above the start stops it too.
  it('guards against divergence by magnitude: a finite RMSE far above the start stops, names the learning rate, keeps the last good parameters', async () => {
    const sheet = generatePlanted({ users: 15, items: 15, ratings: 180, rank: 3, noise: 0.5, seed: 7, scale: { lo: 0.5, hi: 5, step: 0.5 } }).data;
    const config: TrainConfig = {
      ...excelSolve('dotbias'), model: { ...excelSolve('dotbias').model, init: 'trunc-normal' },
      optim: { optimizer: 'sgd', lr: 100, wd: 0.01, wdMode: 'l2', schedule: 'constant' }, epochs: 30,
    };
    const trainer = await createTrainer(sheet, null, config);
    const start = trainer.evaluate().trainRmse;
    const before = trainer.exportParams().params;
    const seen: number[] = [];
    let stopped = null;
    while (!stopped && trainer.epochsDone < config.epochs) {
      const r = await trainer.runEpoch();
      if (r.metrics) seen.push(r.metrics.trainRmse);
      stopped = r.stopped;
    }
    expect(stopped?.kind).toBe('diverged');
    const message = stopped?.kind === 'diverged' ? stopped.message : '';
    expect(message).toMatch(/train RMSE [\d.e+]+ in epoch 1 is more than 10× the starting [\d.]+/);
    expect(message).toMatch(/learning rate 100 is too high: try 10 or lower/);
    expect(seen.every((rmse) => Number.isFinite(rmse) && rmse <= 10 * start)).toBe(true);
    const after = trainer.exportParams().params;
    for (const name of Object.keys(before)) expect(after[name].data).toEqual(before[name].data);
    await trainer.dispose();
  });

  it('does not call a bounded, noisy run diverged (y_range keeps SGD at lr 100 within a few × the start)', async () => {
    const sheet = generatePlanted({ users: 15, items: 15, ratings: 180, rank: 3, noise: 0.5, seed: 7, scale: { lo: 0.5, hi: 5, step: 0.5 } }).data;
    const config: TrainConfig = {
      ...excelSolve('dotbias'), model: { ...excelSolve('dotbias').model, init: 'trunc-normal', yRange: [0, 5.5] },
      optim: { optimizer: 'sgd', lr: 100, wd: 0.01, wdMode: 'l2', schedule: 'constant' }, epochs: 20,
    };
    const { trainer } = await train(sheet, null, config);
    await trainer.dispose();
  });

  it('stops early when validation stops improving and keeps the best epoch', async () => {
    // Heavy overfitting: many factors, no weight decay, a constant high learning rate.
    const config: TrainConfig = {
      ...small, model: { ...small.model, factors: 64 }, optim: { ...small.optim, wd: 0, lr: 3e-2, schedule: 'constant' }, epochs: 40, earlyStopPatience: 2,
    };
    const trainer = await createTrainer(split.train, split.valid, config);
    const valid: number[] = [];
    let stopped = null;
    while (!stopped && trainer.epochsDone < config.epochs) {
      const r = await trainer.runEpoch();
      if (r.metrics) valid.push(r.metrics.validRmse!);
      stopped = r.stopped;
    }
    expect(stopped?.kind).toBe('early-stopped');
    const best = stopped?.kind === 'early-stopped' ? stopped.bestEpoch : -1;
    expect(valid.length).toBe(best + 2);
    expect(Math.min(...valid)).toBe(valid[best - 1]);
    expect(trainer.evaluate().validRmse).toBeCloseTo(valid[best - 1], 6);
    await trainer.dispose();
  });

  it('snapshots rows and the prediction block consistently with predict()', async () => {
    const { trainer } = await train(split.train, split.valid, { ...small, epochs: 1 });
    const s = trainer.snapshot([3, 0], [5, 7, 1]);
    const p = trainer.exportParams().params;
    expect(s.userFactors).toEqual([...p.user_factors.data.subarray(24, 32), ...p.user_factors.data.subarray(0, 8)]);
    expect(s.itemBias).toEqual([p.item_bias.data[5], p.item_bias.data[7], p.item_bias.data[1]]);
    const direct = trainer.predict(Int32Array.from([3, 3, 3, 0, 0, 0]), Int32Array.from([5, 7, 1, 5, 7, 1]));
    expect(s.predictions).toEqual(Array.from(direct));
    // dot + bias through sigmoid_range, recomputed by hand.
    let dot = p.user_bias.data[3] + p.item_bias.data[7];
    for (let f = 0; f < 8; f++) dot += p.user_factors.data[3 * 8 + f] * p.item_factors.data[7 * 8 + f];
    expect(s.predictions[1]).toBeCloseTo(5.5 / (1 + Math.exp(-dot)), 5);
    expect(() => trainer.predict(Int32Array.from([200]), Int32Array.from([0]))).toThrow(/user code 200 is outside 0..199/);
    await trainer.dispose();
  });

  it('exports and imports parameters: a new trainer predicts the same', async () => {
    const { trainer } = await train(split.train, split.valid, { ...small, epochs: 1 });
    const other = await createTrainer(split.train, split.valid, { ...small, seed: 7 });
    other.importParams(trainer.exportParams());
    expect(other.evaluate()).toEqual(trainer.evaluate());
    await trainer.dispose();
    await other.dispose();
  });

  // Issue 13 finding 10: a tensor whose values did not fill its shape was reported as "has shape
  // [943,50], the model needs [943,50]" — two equal shapes, and no word of what was wrong.
  it('refuses saved parameters with a message that says what differs', async () => {
    const trainer = await createTrainer(split.train, split.valid, small);
    const saved = trainer.exportParams();
    const uf = saved.params.user_factors;
    const short = { ...saved, params: { ...saved.params, user_factors: { shape: uf.shape, data: uf.data.subarray(1) } } };
    expect(() => trainer.importParams(short)).toThrow(`saved user_factors has ${uf.data.length - 1} values, but its shape [200,8] needs ${uf.data.length}`);
    const items = saved.params.item_factors.shape[0];
    const wider = { ...saved, params: { ...saved.params, item_factors: { shape: [items, 9], data: new Float32Array(items * 9) } } };
    expect(() => trainer.importParams(wider)).toThrow(`saved item_factors has shape [${items},9], the model needs [${items},8] (at most ${items} rows)`);
    await trainer.dispose();
  });

  it('takes new data with more users and items, keeping what was learned', async () => {
    // The first 150 users and 100 items only, then the full data (same id coding).
    const rows = Array.from(data.ratings.keys()).filter((n) => data.users[n] < 150 && data.items[n] < 100);
    const part = { ...selectRows(data, rows), userIds: data.userIds.slice(0, 150), itemIds: data.itemIds.slice(0, 100) };
    const { trainer } = await train(part, null, { ...small, epochs: 1 });
    const learned = trainer.exportParams().params.user_factors.data.slice();
    trainer.setData(split.train, split.valid);
    const grown = trainer.exportParams().params;
    expect(grown.user_factors.shape).toEqual([200, 8]);
    expect(grown.user_factors.data.subarray(0, learned.length)).toEqual(learned);
    expect((await trainer.runEpoch()).metrics!.validRmse).toBeLessThan(1.5);
    await trainer.dispose();
  });

  it('reinit restarts from a seed', async () => {
    const fresh = await createTrainer(split.train, split.valid, { ...small, seed: 9 });
    const { trainer } = await train(split.train, split.valid, small);
    trainer.reinit(9);
    expect(trainer.epochsDone).toBe(0);
    expect(trainer.exportParams().params).toEqual(fresh.exportParams().params);
    await trainer.dispose();
    await fresh.dispose();
  });

  it('trains the neural model (with dropout) and ratings as classes', async () => {
    for (const kind of ['nn', 'classes'] as const) {
      const config: TrainConfig = { ...small, model: { ...small.model, kind, layers: [32], dropout: 0.2 }, epochs: 10, optim: { ...small.optim, lr: 1e-2 } };
      const { trainer, last } = await train(split.train, split.valid, config);
      // Better than predicting the mean rating for everything.
      expect(last.validRmse!).toBeLessThan(meanBaseline(split.train, split.valid) * 0.9);
      expect(trainer.snapshot([0], [0]).userFactors).toEqual([]);
      await trainer.dispose();
    }
  });

  it('rejects settings that cannot work, with a message', async () => {
    await expect(createTrainer(split.train, null, { ...small, optim: { ...small.optim, optimizer: 'lbfgs' } })).rejects.toThrow(/L-BFGS is a full-batch method/);
    await expect(createTrainer(split.train, null, { ...small, batchSize: 0 })).rejects.toThrow(/batch size/);
    // Issue 13 finding 10: sizes are bounded before they are allocated (was a typed-array error or an OOM).
    await expect(createTrainer(split.train, null, { ...small, model: { ...small.model, kind: 'nn', layers: [99_999_999] } }))
      .rejects.toThrow('invalid training settings: each hidden layer has 1 to 4096 units, got 99999999');
    await expect(createTrainer(split.train, null, { ...small, model: { ...small.model, factors: 1e6 } }))
      .rejects.toThrow('invalid training settings: factors must be an integer from 1 to 512, got 1000000');
    // Issue 13 finding 11: an 8 × 4096 full-batch network held the worker for minutes, one
    // uninterruptible ONNX Runtime call per batch; refused with what to change instead.
    const huge = { ...small, model: { ...small.model, kind: 'nn' as const, layers: Array(8).fill(4096) } };
    await expect(createTrainer(split.train, null, { ...huge, batchSize: 'full' }))
      .rejects.toThrow(/one batch of this network is about 3800 billion operations \(118 million weights × 5400 ratings\).*Stop could not interrupt it: use fewer or smaller hidden layers, or batches of at most 28 ratings$/);
  });
});

function meanBaseline(train: RatingsDataset, valid: RatingsDataset): number {
  const mean = train.ratings.reduce((a, b) => a + b, 0) / train.ratings.length;
  return Math.sqrt(valid.ratings.reduce((a, r) => a + (r - mean) ** 2, 0) / valid.ratings.length);
}

describe('lazy or dense table updates by default', () => {
  const ml100k = { users: 943, items: 1682 };
  const elements = (943 + 1682) * 51;
  it('dense where batches touch few rows and a dense step is affordable', () => {
    expect(defaultUpdates(ml100k, elements, 90_000, 64)).toBe('dense');
  });
  it('lazy where batches touch most rows, or the tables are big', () => {
    expect(defaultUpdates(ml100k, elements, 90_000, 1024)).toBe('lazy');
    expect(defaultUpdates({ users: 162_000, items: 59_000 }, 221_000 * 51, 25_000_000, 1024)).toBe('lazy');
  });
});

describe('paramViews and setRows (cold-start fold-in writes a row without retraining)', () => {
  it('reads the live tables and writes rows that predictions then use', async () => {
    const { data } = generatePlanted({ users: 6, items: 5, ratings: 20, rank: 2, noise: 0.3, seed: 4 });
    const trainer = await createTrainer(data, null, excelSolve('dotbias'));
    const k = excelSolve('dotbias').model.factors;
    const views = trainer.paramViews();
    expect(views.user_factors.shape).toEqual([6, k]);
    trainer.setRows('user_factors', [2], Array.from({ length: k }, (_, c) => (c === 0 ? 1 : 0)));
    trainer.setRows('user_bias', [2], [0.25]);
    // The view is live (no copy) and the prediction session reads the same memory.
    expect(views.user_factors.data[2 * k]).toBe(1);
    const [p] = trainer.predict(Int32Array.of(2), Int32Array.of(3));
    // Excel's model has no y_range: the prediction is the raw u·v + b_u + b_i.
    expect(p).toBeCloseTo(views.item_factors.data[3 * k] + 0.25 + views.item_bias.data[3], 5);
    expect(() => trainer.setRows('user_factors', [6], new Array(k).fill(0))).toThrow(/row 6 of user_factors is outside \[0, 6\)/);
    expect(() => trainer.setRows('user_bias', [0, 1], [1])).toThrow(/need 2 values, got 1/);
    await trainer.dispose();
  });
});

describe("the neural model's count terms, with or without features", () => {
  const { data } = generatePlanted({ users: 40, items: 60, ratings: 800, rank: 2, noise: 0.3, seed: 3 });
  const config: TrainConfig = { ...fastbookNN(64), epochs: 1 };

  it('are fed to the network without features: the item counts table and its parameters', async () => {
    const trainer = await createTrainer(data, null, config);
    expect(trainer.features?.item?.counts?.length).toBe(2 * 60);
    expect(trainer.features?.item?.gate).toBeUndefined();
    expect(Object.keys(trainer.paramViews())).toEqual(expect.arrayContaining([...COUNT_TERM_PARAMS]));
    await trainer.dispose();
  });

  // Item 3 of every 3 in one of two genres (the unknown code 0 for the rest): the genres' taste term.
  const genres: Feature = {
    kind: 'multi', name: 'genres', unknown: 20, vocabulary: ['(unknown)', 'a', 'b'],
    offsets: Int32Array.from({ length: 61 }, (_, i) => i), codes: Int32Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 0 : 1 + (i % 2))),
  };
  const withGenres = { features: { user: null, item: encodeFeatures('item', [genres], 60) } };
  const added = [...COUNT_TERM_PARAMS, 'user_item_genres_taste', 'item_genres_taste_embedding'];

  for (const [name, options, terms] of [['without features', {}, COUNT_TERM_PARAMS], ['with genres', withGenres, added]] as const) {
    it(`a model saved before them (no count- or taste-term parameters) opens with them at zero, its other parameters as saved: ${name}`, async () => {
      const trained = await createTrainer(data, null, config, options);
      await trained.runEpoch();
      const saved = trained.exportParams();
      expect(Object.keys(saved.params)).toEqual(expect.arrayContaining([...terms]));
      const old = Object.fromEntries(Object.entries(saved.params).filter(([p]) => !(terms as readonly string[]).includes(p)));
      const opened = await createTrainer(data, null, config, options);
      opened.importParams({ params: old, optimizer: saved.optimizer });
      const views = opened.paramViews();
      for (const p of terms) expect(views[p].data.every((x) => x === 0), p).toBe(true);
      for (const [p, t] of Object.entries(old)) expect(Array.from(views[p].data), p).toEqual(Array.from(t.data));
      await trained.dispose();
      await opened.dispose();
    });
  }
});
