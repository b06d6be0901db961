/**
 * Issue 15, the serving export of a neural model trained with side features: model.onnx,
 * model-unrated.onnx and model-pairs.onnx carry the parameters and the feature tables as
 * initializers, run with original ids alone in ONNX Runtime, and answer what the trainer predicts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { encodeFeatures, type ModelFeatures } from '../../engine/models/index.ts';
import { createSession, tensor } from '../../engine/runtime/session.ts';
import { fastbookNN } from '../../engine/train/recipes.ts';
import { createTrainer, type Trainer } from '../../engine/train/trainer.ts';
import type { Feature } from '../../data/import/features.ts';
import { buildServingNetwork } from './serving-network.ts';
import type { ServingGraph, ServingIds } from './serving-model.ts';

const SPEC = { users: 60, items: 80, ratings: 2400, rank: 3, noise: 0.3, seed: 5, idPrefix: { user: '', item: '' }, features: { genres: 5, ageBuckets: 3 } };
const CONFIG = { ...fastbookNN(64), epochs: 2, model: { ...fastbookNN().model, layers: [16] } };

let trainer: Trainer;
let ids: ServingIds;
let files: Record<ServingGraph, Uint8Array>;

beforeAll(async () => {
  const { data, truth } = generatePlanted(SPEC);
  const { train, valid } = randomSplit(data, 0.1, 3);
  const f = truth.features!;
  const genres: Feature = { kind: 'multi', name: 'genres', unknown: 0, vocabulary: ['(unknown)', 'G1', 'G2', 'G3', 'G4', 'G5'], offsets: f.itemGenreOffsets, codes: f.itemGenres.map((g) => g + 1) };
  const age: Feature = { kind: 'categorical', name: 'age', unknown: 0, vocabulary: ['(unknown)', 'a1', 'a2', 'a3'], codes: f.userAge.map((b) => b + 1) };
  // A number too, so the normalised-numbers table travels as well (half of it unknown).
  const values = Float32Array.from({ length: SPEC.users }, (_, u) => (u % 2 ? NaN : 20 + u));
  const year: Feature = { kind: 'numeric', name: 'year', unknown: SPEC.users / 2, values, mean: 50, std: 17 };
  const features: ModelFeatures = { item: encodeFeatures('item', [genres], SPEC.items), user: encodeFeatures('user', [age, year], SPEC.users) };
  trainer = await createTrainer(train, valid, CONFIG, { features });
  while (trainer.epochsDone < CONFIG.epochs) await trainer.runEpoch();
  ids = { users: train.userIds, items: train.itemIds };
  // As the app exports: the trainer's definition and its features as fed (its item gate among them).
  const net = { definition: trainer.definition, params: trainer.exportParams().params, features: trainer.features };
  files = {
    recommend: buildServingNetwork(net, ids, 'recommend', { topK: 5 }),
    unrated: buildServingNetwork(net, ids, 'unrated', { topK: 5 }),
    pairs: buildServingNetwork(net, ids, 'pairs'),
  };
}, 60_000);

afterAll(() => trainer?.dispose());

const int64 = (xs: number[]) => tensor(BigInt64Array.from(xs, BigInt), [xs.length]);

function run(bytes: Uint8Array, feeds: Record<string, ReturnType<typeof tensor>>) {
  const session = createSession(bytes, { threads: 1, device: 'cpu' });
  try {
    expect([...session.inputNames].sort()).toEqual(Object.keys(feeds).sort()); // the tables are initializers, not inputs
    return session.run(feeds, Object.fromEntries(session.outputNames.map((name) => [name, null])));
  } finally {
    session.dispose();
  }
}

describe('the serving export of a neural model with side features (issue 15)', () => {
  it('model.onnx, fed user ids alone, scores every movie as the trainer predicts; an unknown id is answered and marked', () => {
    const users = [0, 7, 33];
    const out = run(files.recommend, { user_ids: int64([...users.map((u) => Number(ids.users[u])), 999_999]) });
    expect(out.scores.dims).toEqual([4, SPEC.items]);
    const scores = out.scores.data as Float32Array;
    users.forEach((u, n) => {
      const expected = trainer.predict(new Int32Array(SPEC.items).fill(u), Int32Array.from({ length: SPEC.items }, (_, i) => i));
      for (let i = 0; i < SPEC.items; i++) expect(scores[n * SPEC.items + i]).toBeCloseTo(expected[i], 4);
      // Its top 5 are the 5 best of those scores.
      const best = Array.from(expected.keys()).sort((a, b) => expected[b] - expected[a] || a - b).slice(0, 5).map((i) => Number(ids.items[i]));
      expect(Array.from(out.top_k_items.data as BigInt64Array, Number).slice(n * 5, n * 5 + 5)).toEqual(best);
    });
    expect(Array.from(out.user_known.data as Uint8Array, Boolean)).toEqual([true, true, true, false]);
    expect(scores.subarray(3 * SPEC.items).every(Number.isFinite)).toBe(true);
  });

  it('model-pairs.onnx predicts each pair as the trainer does; model-unrated.onnx leaves the rated movies out', () => {
    const u = [0, 5, 12, 59, 20];
    const i = [0, 9, 40, 79, 3];
    const out = run(files.pairs, { pair_users: int64(u.map((x) => Number(ids.users[x]))), pair_items: int64(i.map((x) => Number(ids.items[x]))) });
    const expected = trainer.predict(Int32Array.from(u), Int32Array.from(i));
    Array.from(out.predictions.data as Float32Array).forEach((p, k) => expect(p).toBeCloseTo(expected[k], 4));
    const top = run(files.recommend, { user_ids: int64([Number(ids.users[5])]) });
    const first = Number((top.top_k_items.data as BigInt64Array)[0]);
    const unrated = run(files.unrated, { user_ids: int64([Number(ids.users[5])]), rated_rows: int64([0]), rated_items: int64([first]) });
    const picks = Array.from(unrated.top_k_items.data as BigInt64Array, Number);
    expect(picks).not.toContain(first);
    expect(picks.slice(0, 4)).toEqual(Array.from(top.top_k_items.data as BigInt64Array, Number).slice(1, 5));
  });
});
