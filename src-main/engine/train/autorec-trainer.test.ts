/**
 * AutoRec (models/autorec.ts, train/autorec-trainer.ts): its backward graph against finite
 * differences; on planted low-rank data it learns to near the noise floor; its exported serving
 * form predicts what the trainer predicts and reopens to the same predictions; data it cannot
 * hold, a divergent rate and Stop are handled as for the other models.
 */
import { describe, expect, it } from 'vitest';
import type { RatingsDataset } from '../../data/dataset.ts';
import { mulberry32 } from '../../data/random.ts';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted, plantedRmse } from '../../data/synthetic.ts';
import { factorModelFromParams, predictRating } from '../analysis/factor-model.ts';
import { buildAutoRecTrainGraph } from '../models/autorec.ts';
import { gradcheck } from '../testing/gradcheck.ts';
import type { TensorArray } from '../runtime/session.ts';
import type { Value } from '../graph/index.ts';
import type { TrainConfig } from '../types.ts';
import { AUTOREC_MAX_CELLS, autoRecUnsupported } from './autorec-trainer.ts';
import { createTrainer } from './trainer.ts';
import { buildServingNetwork } from '../../io/export/serving-network.ts';
import { createSession, tensor } from '../runtime/session.ts';

describe('the AutoRec training graph against central finite differences (float64)', () => {
  for (const yRange of [null, [0, 5.5]] as const) {
    it(`${yRange ? 'with' : 'without'} sigmoid_range: every parameter's gradient`, () => {
      const users = 5, movies = 3, k = 3;
      const rand = mulberry32(11);
      const t = buildAutoRecTrainGraph({ factors: k, yRange: yRange ? [...yRange] : null }, 'float64');
      const observed = Float64Array.from({ length: movies * users }, () => (rand() < 0.6 ? 1 : 0));
      const ratings = Float64Array.from(observed, (o) => (o ? 1 + Math.floor(rand() * 5) : 0));
      const random = (n: number, scale: number) => Float64Array.from({ length: n }, () => (rand() - 0.5) * scale);
      const params = [random(users * k, 0.8), random(k, 0.5), random(users * k, 0.8), random(users, 1).map((c) => c + (yRange ? 0 : 3))];
      const feeds = new Map<Value, TensorArray>([
        [t.inputs.ratings, ratings], [t.inputs.observed, observed], [t.inputs.perEntry, Float64Array.of(1 / observed.reduce((a, b) => a + b, 0))],
        ...t.inputs.params.map((p, j) => [p, params[j]] as [Value, TensorArray]),
      ]);
      const report = gradcheck({ loss: t.loss, feeds, dims: { B: movies, n_users: users }, targets: t.inputs.params.map((input, j) => ({ input, grad: t.grads[j] })) });
      expect(report.checked).toBe(2 * users * k + k + users);
      expect(report.maxRelError, report.worst).toBeLessThan(1e-6);
    });
  }
});

const settings = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  model: { kind: 'autorec', factors: 32, yRange: null, init: 'trunc-normal', layers: [], dropout: 0 },
  optim: { optimizer: 'adam', lr: 1e-2, wd: 3e-4, wdMode: 'l2', schedule: 'one-cycle' },
  epochs: 40, batchSize: 16, seed: 5, threads: 1, device: 'cpu', earlyStopPatience: 0,
  ...over,
});

function planted(seed = 3) {
  const { data, truth } = generatePlanted({ users: 400, items: 200, ratings: 40_000, rank: 3, noise: 0.3, seed, factorStd: 0.6, biasStd: 0.3, idPrefix: { user: '', item: '' } });
  const { train, valid } = randomSplit(data, 0.1, seed);
  return { train, valid, floor: plantedRmse(valid, truth) };
}

const spread = (d: RatingsDataset) => {
  const mean = d.ratings.reduce((a, b) => a + b, 0) / d.ratings.length;
  return Math.sqrt(d.ratings.reduce((a, r) => a + (r - mean) ** 2, 0) / d.ratings.length);
};

describe('AutoRec training (the Trainer contract)', () => {
  const { train, valid, floor } = planted();

  it('learns a planted low-rank model: valid RMSE near the noise floor, far below the ratings\' spread', async () => {
    const trainer = await createTrainer(train, valid, settings());
    try {
      const start = trainer.evaluate();
      let last = null;
      while (trainer.epochsDone < 40) {
        const r = await trainer.runEpoch();
        expect(r.stopped).toBeNull();
        last = r.metrics!;
      }
      expect(start.validRmse!).toBeGreaterThan(0.9 * spread(valid));
      expect(last!.validRmse!, `valid RMSE against the planted floor ${floor} (spread ${spread(valid)})`).toBeLessThan(1.3 * floor);
      // Most of what the biases leave (the planted interaction, std 0.62) is learned: the spread is 0.8.
      expect(last!.validRmse!).toBeLessThan(0.5 * spread(valid));
    } finally {
      await trainer.dispose();
    }
  });

  it('exports its serving form: the dot-bias reading of the parameters predicts what the trainer does, and reopens to it', async () => {
    const cfg = settings({ epochs: 3, model: { ...settings().model, yRange: [0.5, 5.5] } });
    const trainer = await createTrainer(train, valid, cfg);
    const other = await createTrainer(train, valid, { ...cfg, seed: 99 });
    try {
      for (let e = 0; e < 3; e++) await trainer.runEpoch();
      const predicted = trainer.predict(valid.users, valid.items);
      const exported = trainer.exportParams();
      expect(Object.keys(exported.params).sort()).toEqual(['encoder', 'encoder_bias', 'item_bias', 'item_factors', 'user_bias', 'user_factors']);
      const model = factorModelFromParams(exported.params, cfg.model.yRange);
      let worst = 0;
      valid.users.forEach((u, j) => (worst = Math.max(worst, Math.abs(predictRating(model, u, valid.items[j]) - predicted[j]))));
      expect(worst).toBeLessThan(1e-4);
      other.importParams(exported);
      expect(Array.from(other.predict(valid.users, valid.items))).toEqual(Array.from(predicted));
    } finally {
      await trainer.dispose();
      await other.dispose();
    }
  });

  it('its ONNX serving model (the app exports it as a network: the dot product of its codes) predicts what the trainer does', async () => {
    const trainer = await createTrainer(train, valid, settings({ epochs: 2 }));
    try {
      for (let e = 0; e < 2; e++) await trainer.runEpoch();
      const bytes = buildServingNetwork({ definition: trainer.definition, params: trainer.exportParams().params, features: trainer.features },
        { users: train.userIds, items: train.itemIds }, 'pairs');
      const session = createSession(bytes, { threads: 1, device: 'cpu' });
      const u = Int32Array.from([0, 5, 77, 399]);
      const i = Int32Array.from([3, 150, 0, 42]);
      const ids = (codes: Int32Array, names: string[]) => tensor(BigInt64Array.from(codes, (c) => BigInt(names[c])), [codes.length]);
      const out = session.run({ pair_users: ids(u, train.userIds), pair_items: ids(i, train.itemIds) }, { predictions: null });
      session.dispose();
      const expected = trainer.predict(u, i);
      Array.from(out.predictions.data as Float32Array).forEach((p, j) => expect(p).toBeCloseTo(expected[j], 4));
    } finally {
      await trainer.dispose();
    }
  });

  it('a new user with ratings leaves everyone else\'s predictions as they were until it trains', async () => {
    const trainer = await createTrainer(train, valid, settings({ epochs: 2 }));
    try {
      await trainer.runEpoch();
      const before = trainer.predict(valid.users, valid.items);
      const grown: RatingsDataset = {
        ...train,
        users: Int32Array.from([...train.users, 400, 400]), items: Int32Array.from([...train.items, 0, 1]),
        ratings: Float32Array.from([...train.ratings, 5, 1]), userIds: [...train.userIds, 'new'],
      };
      trainer.setData(grown, valid);
      expect(Array.from(trainer.predict(valid.users, valid.items))).toEqual(Array.from(before));
      expect((await trainer.runEpoch()).stopped).toBeNull();
      expect(trainer.predict(Int32Array.of(400), Int32Array.of(2))[0]).toBeGreaterThan(0);
    } finally {
      await trainer.dispose();
    }
  });

  it('a divergent learning rate stops with a message and the last good parameters', async () => {
    const trainer = await createTrainer(train, valid, settings({ optim: { ...settings().optim, optimizer: 'sgd', lr: 1e4, schedule: 'constant' } }));
    try {
      const before = trainer.predict(valid.users, valid.items);
      const r = await trainer.runEpoch();
      expect(r.stopped?.kind).toBe('diverged');
      expect(r.stopped?.kind === 'diverged' && r.stopped.message).toMatch(/restored to their values before training.*learning rate 10,000 is too high/);
      expect(Array.from(trainer.predict(valid.users, valid.items))).toEqual(Array.from(before));
    } finally {
      await trainer.dispose();
    }
  });

  it('Stop ends an epoch between batches; lr_find\'s probe steps the batches it is asked for', async () => {
    const trainer = await createTrainer(train, valid, settings());
    try {
      let polls = 0;
      expect((await trainer.runEpoch({ shouldStop: () => ++polls > 2 })).stopped).toEqual({ kind: 'cancelled' });
      const lrs: number[] = [];
      const end = await trainer.probe(25, (pos) => 1e-5 * 10 ** (4 * pos), { onBatch: (_loss, lr) => lrs.push(lr) });
      expect(end).toEqual({ kind: 'done' });
      expect(lrs).toHaveLength(25);
      expect(lrs[24]).toBeGreaterThan(100 * lrs[0]);
    } finally {
      await trainer.dispose();
    }
  });

  it('refuses what it cannot hold or train, naming why, before allocating', async () => {
    const big = { users: 162_541, items: 59_047 };
    expect(autoRecUnsupported(settings(), big)).toMatch(/59,047 × 162,541 = 9.6 billion cells is over the 50 million/);
    expect(big.users * big.items).toBeGreaterThan(AUTOREC_MAX_CELLS);
    expect(autoRecUnsupported(settings({ optim: { ...settings().optim, optimizer: 'lbfgs' } }), { users: 5, items: 5 })).toMatch(/not L-BFGS/);
    await expect(createTrainer(train, valid, settings({ optim: { ...settings().optim, optimizer: 'lbfgs' }, batchSize: 'full' }))).rejects.toThrow(/not L-BFGS/);
  });
});
