/**
 * fastbook's DotProduct and DotProductBias (and the Excel sheet's `dotprod` and `bias` tabs):
 * prediction = dot(user factors, item factors) [+ user bias + item bias], optionally squashed
 * by sigmoid_range into y_range. The same formula in TypeScript, for the app's insights and the
 * xlsx sheet, is analysis/factor-model.ts (dot-bias.test.ts checks the two agree).
 */
import { type Value, mse, ops, rowDot, sigmoidRange } from '../graph/index.ts';
import type { ModelDefinition } from './builder.ts';

export interface DotBiasOptions {
  factors: number;
  bias: boolean;
  yRange: [number, number] | null;
}

export function dotProductModel({ factors, bias, yRange }: DotBiasOptions): ModelDefinition {
  return {
    forward(b) {
      const user = b.embedding('user_factors', 'user', factors);
      const item = b.embedding('item_factors', 'item', factors);
      const biases = bias ? { user: b.embedding('user_bias', 'user', null), item: b.embedding('item_bias', 'item', null) } : null;
      const prediction = dotBiasPrediction(rowDot(user, item), biases, yRange);
      return { prediction, loss: () => mse(prediction, b.ratings) };
    },
  };
}

/**
 * The prediction from the dot products: + user bias + item bias, then sigmoid_range. Shapes
 * broadcast, so the serving model also gives it a [N, n_items] grid of dot products (one MatMul)
 * with the user biases as [N, 1] and the item biases as [n_items].
 */
export function dotBiasPrediction(dot: Value, biases: { user: Value; item: Value } | null, yRange: [number, number] | null): Value {
  const x = biases ? ops.add(ops.add(dot, biases.user), biases.item) : dot;
  return yRange ? sigmoidRange(x, yRange[0], yRange[1]) : x;
}
