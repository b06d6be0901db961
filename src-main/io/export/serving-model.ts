/**
 * The ONNX serving model: the trained factors baked in as initializers, so the one file answers
 * without CollabSheet. Inputs are dense row codes (ids.json beside it maps original ids to rows):
 *
 *   user_ids    int64 [N]            → scores         float32 [N, n_items]  predicted rating of every item
 *   rated_rows, rated_items int64 [R] → top_k_indices int64   [N, k]        best unrated items, best first
 *                                    → top_k_scores   float32 [N, k]
 *   pair_users, pair_items int64 [P] → predictions    float32 [P]
 *
 * (rated_rows[r], rated_items[r]) says the user at position rated_rows[r] of user_ids (0 … N−1)
 * has rated item rated_items[r]: top_k leaves those items out, in the same pass that ranks
 * (the mask is applied to the scores before the first pick). A user with fewer than k unrated
 * items gets index −1 and score −∞ in the places left over. `scores` stays every item's
 * prediction, rated or not.
 *
 * The history is an input, not baked into the file: a serving system has the ratings as they are
 * now (the file would freeze them at export, and 25M ratings would make it hundreds of MB), and
 * the same model then answers for a user who rated something since, or for a new user's basket.
 * Feed empty [0] tensors to rank every item.
 *
 * Every input must be fed (ONNX Runtime checks all graph inputs); feed an empty [0] tensor for
 * the half not wanted.
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

  const ratedRows = g.input('rated_rows', 'int64', ['R']);
  const ratedItems = g.input('rated_items', 'int64', ['R']);
  const top = topKOf(g, withoutRated(scores, ratedRows, ratedItems), nItems, topK);
  return serialize(g, {
    name: 'collabsheet_serving',
    inputs: [userIds, ratedRows, ratedItems, pairUsers, pairItems],
    outputs: { scores, top_k_indices: top.indices, top_k_scores: top.scores, predictions },
  });
}

/**
 * The scores with every rated (row, item) at −∞: a count of ratings per cell scattered into zeros
 * (a pair given twice counts twice, still > 0), then Where. Costs one [N, n_items] pass.
 */
function withoutRated(scores: Value, rows: Value, items: Value): Value {
  const cells = ops.concat([ops.unsqueeze(rows, [1]), ops.unsqueeze(items, [1])], 1);
  const ones = ops.add(ops.zerosLike(ops.cast(items, 'float32')), 1);
  const rated = ops.scatterNDAdd(ops.zerosLike(scores), cells, ones);
  return ops.where(ops.greater(rated, 0), -Infinity, scores);
}

/**
 * Top-k along axis 1 by k rounds of ArgMax, each masking its pick to −∞. Ties go to the lower
 * index, as in the app's ranking (analysis/top-n.ts) and ONNX TopK. A pick of −∞ is no item (the
 * user rated all the rest): its index becomes −1. Predictions are finite (the export checks the
 * model is), so −∞ marks only what the mask or an earlier round took.
 */
function topKOf(g: Graph, scores: Value, nItems: number, k: number): { indices: Value; scores: Value } {
  const column = g.namedConstant('item_rows', 'int64', [nItems], BigInt64Array.from({ length: nItems }, (_, i) => BigInt(i)));
  const picked: Value[] = [];
  const values: Value[] = [];
  let remaining = scores;
  for (let round = 0; round < k; round++) {
    const best = argMax(remaining, 1);
    const value = gatherElements(remaining, best, 1);
    picked.push(ops.where(ops.equal(value, -Infinity), -1, best));
    values.push(value);
    if (round < k - 1) remaining = ops.where(ops.equal(column, best), -Infinity, remaining);
  }
  return { indices: ops.concat(picked, 1), scores: ops.concat(values, 1) };
}
