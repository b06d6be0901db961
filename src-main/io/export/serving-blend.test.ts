/**
 * Issue 12 item 4, a blend as one ONNX serving model: three members of different kinds (dot +
 * bias with y_range, plain dot, a neural network) trained on planted ratings, blended with
 * equal weights as the app's Blend does (engine blend on the members' validation predictions),
 * exported as one graph, and run in ONNX Runtime with original ids alone: its pair predictions
 * are the blend's own predictions and its scores the weighted mean of every member's, to float32
 * rounding; members of another sheet are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import type { RatingsDataset } from '../../data/dataset.ts';
import { factorModelFromParams } from '../../engine/analysis/index.ts';
import { blend } from '../../engine/experiments/blend.ts';
import { createSession, tensor } from '../../engine/runtime/session.ts';
import { fastbookNN, fastbookRecipe } from '../../engine/train/recipes.ts';
import { createTrainer, type Trainer } from '../../engine/train/trainer.ts';
import type { TrainConfig } from '../../engine/types.ts';
import { renderServingBlend } from './export-embeddings.ts';
import { blendServed } from './serving-blend.ts';
import { factorsServed } from './serving-model.ts';
import { networkServed } from './serving-network.ts';

const SPEC = { users: 50, items: 70, ratings: 2000, rank: 3, noise: 0.3, seed: 9, idPrefix: { user: '', item: '' } };
const dotbias = fastbookRecipe(64);
const CONFIGS: TrainConfig[] = [
  { ...dotbias, epochs: 3, model: { ...dotbias.model, factors: 4 } },
  { ...dotbias, epochs: 3, model: { ...dotbias.model, kind: 'dot', factors: 3, yRange: null } },
  { ...fastbookNN(64), epochs: 2, model: { ...fastbookNN().model, layers: [8] } },
];

let train: RatingsDataset;
let valid: RatingsDataset;
const trainers: Trainer[] = [];

beforeAll(async () => {
  ({ train, valid } = randomSplit(generatePlanted(SPEC).data, 0.2, 4));
  for (const config of CONFIGS) {
    const trainer = await createTrainer(train, valid, config);
    while (trainer.epochsDone < config.epochs) await trainer.runEpoch();
    trainers.push(trainer);
  }
});

afterAll(async () => {
  for (const t of trainers) await t.dispose();
});

const served = (i: number) => {
  const { model } = CONFIGS[i];
  return model.kind === 'nn'
    ? networkServed({ definition: trainers[i].definition, params: trainers[i].paramViews(), features: trainers[i].features })
    : factorsServed(factorModelFromParams(trainers[i].paramViews(), model.yRange));
};
const int64s = (ids: readonly string[]) => tensor(BigInt64Array.from(ids, BigInt), [ids.length]);

function run(bytes: Uint8Array, feeds: Record<string, ReturnType<typeof tensor>>) {
  const session = createSession(bytes, { threads: 1, device: 'cpu' });
  try {
    return session.run(feeds, Object.fromEntries(session.outputNames.map((name) => [name, null])));
  } finally {
    session.dispose();
  }
}

describe('a blend as one ONNX serving model', () => {
  it("answers the blend's validation predictions and the weighted mean of every member's scores, fed original ids", () => {
    const inputs = trainers.map((t, i) => ({ id: `r${i + 1}`, predictions: t.predict(valid.users, valid.items) }));
    // Equal weights: a fit here zeroes a member, and every kind should be in the graph.
    const b = blend(inputs, valid.ratings, 'equal');
    expect(b.members).toHaveLength(3);
    const weightOf = new Map(b.members.map((m) => [m.id, m.weight]));
    const members = inputs.map((x, i) => ({ served: served(i), weight: weightOf.get(x.id) ?? 0 }));
    const files = Object.fromEntries(renderServingBlend(members, train).map((f) => [f.name, f.bytes]));
    expect(Object.keys(files)).toEqual(['model.onnx', 'model-unrated.onnx', 'model-pairs.onnx', 'ids.json']);

    const pairs = run(files['model-pairs.onnx'], { pair_users: int64s(Array.from(valid.users, (u) => train.userIds[u])), pair_items: int64s(Array.from(valid.items, (i) => train.itemIds[i])) });
    const predictions = pairs.predictions.data as Float32Array;
    let worst = 0;
    for (let r = 0; r < valid.ratings.length; r++) worst = Math.max(worst, Math.abs(predictions[r] - b.predictions[r]));
    console.log(`blend of ${b.members.length} (weights ${b.members.map((m) => m.weight.toFixed(3)).join(', ')}): max |ONNX − blend| over ${valid.ratings.length} validation pairs = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);

    // Every item for three users: the weighted mean of the members' own predictions.
    const users = [0, 7, 49];
    const nItems = train.itemIds.length;
    const out = run(files['model.onnx'], { user_ids: int64s(users.map((u) => train.userIds[u])) });
    expect(out.scores.dims).toEqual([3, nItems]);
    const scores = out.scores.data as Float32Array;
    const items = Int32Array.from({ length: nItems }, (_, i) => i);
    users.forEach((u, n) => {
      const mean = new Float64Array(nItems);
      trainers.forEach((t, m) => {
        const p = t.predict(new Int32Array(nItems).fill(u), items);
        for (let i = 0; i < nItems; i++) mean[i] += members[m].weight * p[i];
      });
      for (let i = 0; i < nItems; i++) expect(Math.abs(scores[n * nItems + i] - mean[i])).toBeLessThan(1e-5);
    });
  });

  it('refuses members that answer for other users or items, naming the sizes', () => {
    const other = { ...served(0), users: 49 };
    expect(() => blendServed([{ served: served(1), weight: 0.5 }, { served: other, weight: 0.5 }]))
      .toThrow('blend member 2 answers for 49 users and 70 items, member 1 for 50 and 70: blend runs of one sheet');
  });
});
