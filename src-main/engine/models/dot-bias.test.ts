import { describe, expect, it } from 'vitest';
import { type FactorModel, predictRating } from '../analysis/factor-model.ts';
import { plantedModel } from '../analysis/testing/planted-model.ts';
import { createSession, tensor } from '../runtime/session.ts';
import { buildModelGraph, modelBytes } from './builder.ts';
import { dotProductModel } from './dot-bias.ts';

const { model: planted } = plantedModel({ users: 30, items: 200, ratings: 2000, rank: 6, noise: 0.3, seed: 5 });
const variants: [string, FactorModel][] = [
  ['dot + bias', planted],
  ['dot + bias, y_range (0, 5.5)', { ...planted, userBias: planted.userBias!.map((b) => b - 3.5), yRange: [0, 5.5] }],
  ['plain dot', { ...planted, userBias: null, itemBias: null }],
];

/** The prediction graph the trainer evaluates with, run in ONNX Runtime on the model's tables. */
function graphPredictions(model: FactorModel, dtype: 'float32' | 'float64', users: Int32Array, items: Int32Array): Float32Array | Float64Array {
  const definition = dotProductModel({ factors: model.k, bias: model.userBias !== null, yRange: model.yRange });
  const session = createSession(modelBytes(buildModelGraph(definition, dtype, 'predict')), { threads: 1, device: 'cpu' });
  const table = (data: Float32Array, width: number | null) => {
    const values = dtype === 'float32' ? data : Float64Array.from(data);
    return tensor(values, width === null ? [data.length] : [data.length / width, width]);
  };
  const feeds = {
    users: tensor(users, [users.length]),
    items: tensor(items, [items.length]),
    user_factors: table(model.userFactors, model.k),
    item_factors: table(model.itemFactors, model.k),
    ...(model.userBias && model.itemBias ? { user_bias: table(model.userBias, null), item_bias: table(model.itemBias, null) } : {}),
  };
  try {
    return session.run(feeds, { prediction: null }).prediction.data as Float32Array | Float64Array;
  } finally {
    session.dispose();
  }
}

describe('the dot-product graph and the TypeScript scorer (analysis/factor-model.ts)', () => {
  const n = 500;
  const users = Int32Array.from({ length: n }, (_, j) => (j * 7) % 30);
  const items = Int32Array.from({ length: n }, (_, j) => (j * 13 + 5) % 200);
  for (const [name, model] of variants) {
    it(`${name}: predict the same ratings (float32 graph to 1e-5, float64 graph to 1e-12)`, () => {
      for (const [dtype, tolerance] of [['float32', 1e-5], ['float64', 1e-12]] as const) {
        const graph = graphPredictions(model, dtype, users, items);
        let worst = 0;
        for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(graph[j] - predictRating(model, users[j], items[j])));
        expect(worst, `${dtype} max |graph − scorer|`).toBeLessThan(tolerance);
      }
    });
  }
});
