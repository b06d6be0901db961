/**
 * The ONNX serving model: the trained factors baked in as initializers, so the one file answers
 * without CollabSheet. Inputs are dense row codes (ids.json beside it maps original ids to rows):
 *
 *   user_ids    int64 [N]            → scores         float32 [N, n_items]  predicted rating of every item
 *                                    → top_k_indices  int64   [N, k]        best items, best first
 *                                    → top_k_scores   float32 [N, k]
 *   pair_users, pair_items int64 [P] → predictions    float32 [P]
 *
 * Every input must be fed (ONNX Runtime checks all graph inputs); feed an empty [0] tensor for
 * the half not wanted. top_k ranks all items — leaving out what a user rated needs their history,
 * which the app has and the model does not.
 */
import { type FactorModel, hasBias } from '../../engine/analysis/factor-model.ts';
import { Graph, type Value, ops, serialize } from '../../engine/graph/index.ts';
import { buildPredictionInto, dotBiasPrediction, dotProductModel } from '../../engine/models/index.ts';
import { argMax, gatherElements } from './serving-ops.ts';

export interface ServingOptions {
  /** k of top_k (default 10, at most the item count). */
  topK?: number;
}

export function buildServingModel(model: FactorModel, options: ServingOptions = {}): Uint8Array {
  const { k } = model;
  const nUsers = model.userFactors.length / k;
  const nItems = model.itemFactors.length / k;
  const topK = Math.min(options.topK ?? 10, nItems);
  if (!Number.isInteger(topK) || topK < 1) throw new Error(`top_k must be a positive integer, got ${options.topK}`);
  const g = new Graph('float32');
  // The trained parameters as initializers, under the trainer's names (a model viewer shows
  // what they are, and the model definition below finds them by name).
  const params: Record<string, Value> = {
    user_factors: g.namedConstant('user_factors', 'float32', [nUsers, k], model.userFactors),
    item_factors: g.namedConstant('item_factors', 'float32', [nItems, k], model.itemFactors),
  };
  if (model.userBias && model.itemBias) {
    params.user_bias = g.namedConstant('user_bias', 'float32', [nUsers], model.userBias);
    params.item_bias = g.namedConstant('item_bias', 'float32', [nItems], model.itemBias);
  }

  // Pair by pair: the training graph's prediction, built by the same model definition.
  const pairUsers = g.input('pair_users', 'int64', ['P']);
  const pairItems = g.input('pair_items', 'int64', ['P']);
  const definition = dotProductModel({ factors: k, bias: hasBias(model), yRange: model.yRange });
  const predictions = buildPredictionInto(definition, { graph: g, users: pairUsers, items: pairItems, params });

  // Every item for each user: the same formula over one [N, k] × [k, n_items] product.
  const userIds = g.input('user_ids', 'int64', ['N']);
  const dots = ops.matmul(ops.gather(params.user_factors, userIds), ops.transpose(params.item_factors));
  const biases = hasBias(model) ? { user: ops.unsqueeze(ops.gather(params.user_bias, userIds), [1]), item: params.item_bias } : null;
  const scores = dotBiasPrediction(dots, biases, model.yRange);

  const top = topKOf(g, scores, nItems, topK);
  return serialize(g, {
    name: 'collabsheet_serving',
    inputs: [userIds, pairUsers, pairItems],
    outputs: { scores, top_k_indices: top.indices, top_k_scores: top.scores, predictions },
  });
}

/**
 * Top-k along axis 1 by k rounds of ArgMax, each masking its pick to −∞. Ties go to the lower
 * index, as in the app's ranking (analysis/top-n.ts) and ONNX TopK.
 */
function topKOf(g: Graph, scores: Value, nItems: number, k: number): { indices: Value; scores: Value } {
  const column = g.namedConstant('item_rows', 'int64', [nItems], BigInt64Array.from({ length: nItems }, (_, i) => BigInt(i)));
  const picked: Value[] = [];
  const values: Value[] = [];
  let remaining = scores;
  for (let round = 0; round < k; round++) {
    const best = argMax(remaining, 1);
    picked.push(best);
    values.push(gatherElements(scores, best, 1));
    if (round < k - 1) remaining = ops.where(ops.equal(column, best), -Infinity, remaining);
  }
  return { indices: ops.concat(picked, 1), scores: ops.concat(values, 1) };
}
