/**
 * fastbook's DotProduct and DotProductBias (and the Excel sheet's `dotprod` and `bias` tabs):
 * prediction = dot(user factors, item factors) [+ user bias + item bias], optionally squashed
 * by sigmoid_range into y_range.
 */
import { mse, ops, rowDot, sigmoidRange } from '../graph/index.ts';
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
      let x = rowDot(user, item);
      if (bias) x = ops.add(ops.add(x, b.embedding('user_bias', 'user', null)), b.embedding('item_bias', 'item', null));
      const prediction = yRange ? sigmoidRange(x, yRange[0], yRange[1]) : x;
      return { prediction, loss: () => mse(prediction, b.ratings) };
    },
  };
}
