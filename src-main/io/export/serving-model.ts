/**
 * The ONNX serving models: the trained factors baked in as initializers and the original ids as
 * lookup tables, so each file answers without CollabSheet or ids.json. (A neural model's scoring
 * goes into the same graphs: serving-network.ts, through `buildServing` and its `Served`.) Three graphs, one job
 * each, because ONNX Runtime runs a graph only with every input fed (onnxruntime-node lists an
 * input with a default initializer nowhere and ignores its feed), so `user_ids` alone needs a
 * graph whose only input it is:
 *
 *   model.onnx          user_ids [N]                          → scores        float32 [N, n_items]  every item's predicted rating (columns: ids.json's items)
 *                                                             → top_k_items   [N, k]                best items, best first
 *                                                             → top_k_scores  float32 [N, k]
 *                                                             → user_known    bool [N]
 *   model-unrated.onnx  user_ids [N], rated_rows int64 [R],   → the same four, each user's rated items left out of top_k
 *                       rated_items [R]
 *   model-pairs.onnx    pair_users [P], pair_items [P]        → predictions   float32 [P]
 *                                                             → pair_known    bool [P]              both ids known
 *
 * Id types: int64 when every id of that side is an integer (MovieLens, the Excel workbook),
 * string otherwise (serving-ops.ts `idTable`); metadata_props `collabsheet.user_id_type` /
 * `collabsheet.item_id_type` say which, and the doc_string says all of this. The ids are mapped
 * inside the graph by ai.onnx.ml LabelEncoder (a hash map ONNX Runtime builds once at session
 * creation; 100k ids measured in serving-model.test.ts).
 *
 * Unknown ids are answered, not refused: an unknown user has zero factors and zero bias, so their
 * scores are the items' bias-only predictions (a popularity ranking; a plain dot model gives
 * zeros); an unknown item likewise; `user_known` / `pair_known` say which answers these are. A
 * rated item that is unknown is ignored.
 *
 * (rated_rows[r], rated_items[r]) says the user at position rated_rows[r] of user_ids (0 … N−1)
 * has rated the item with id rated_items[r]: top_k leaves those items out, in the same pass that
 * ranks. A user with fewer than k unrated items gets score −∞ and item −1 ("" for string ids) in
 * the places left over; the score is the sure sign, since −1 may be an item's id. `scores` stays
 * every item's prediction, rated or not. The history is an input, not baked in: a serving system
 * has the ratings as they are now, and the same model then answers for a new user's basket.
 */
import type { FactorModel } from '../../engine/analysis/factor-model.ts';
import { Graph, type Value, ops, serialize } from '../../engine/graph/index.ts';
import { dotBiasPrediction } from '../../engine/models/index.ts';
import { type IdTable, MISSING_ROW, argMax, gatherElements, idTable, idsOf, rowsOf } from './serving-ops.ts';

export interface ServingOptions {
  /** k of top_k (default 10, at most the item count). */
  topK?: number;
}

/** Each side's original ids in row order (the export's sideTables, ids.json's lists). */
export interface ServingIds {
  users: readonly string[];
  items: readonly string[];
}

export type ServingGraph = 'recommend' | 'unrated' | 'pairs';
/** Each graph's file name, in the order the export writes them. */
export const SERVING_FILES: Readonly<Record<ServingGraph, string>> = { recommend: 'model.onnx', unrated: 'model-unrated.onnx', pairs: 'model-pairs.onnx' };

const UNKNOWN_IDS = 'an unknown id gets zero factors and zero bias (bias-only predictions); user_known / pair_known mark them';

/** Ids looked up in a side's table: whether each is known, its row (−1 unknown), and each id's row of a per-row parameter (zeros for an unknown id). */
export interface LookedUp {
  known: Value;
  codes: Value;
  rowsOf(param: Value): Value;
}

/** How one served model scores, built into the serving graph: every item for each user ([N, n_items]), and pairs ([P]). */
export interface Scoring {
  all(user: LookedUp): Value;
  pairs(user: LookedUp, item: LookedUp): Value;
}

/** A model the serving graphs can answer for: its row counts, what an unknown id gets, and its scoring. */
export interface Served {
  users: number;
  items: number;
  unknownIds: string;
  /** Puts the model's parameters into `g` as initializers and returns how it scores. */
  scoring(g: Graph): Scoring;
}

/** The factor models (dot, dot + bias): the trained factors and biases as initializers. */
export function factorsServed(model: FactorModel): Served {
  const { k } = model;
  const users = model.userFactors.length / k;
  const items = model.itemFactors.length / k;
  return {
    users,
    items,
    unknownIds: UNKNOWN_IDS,
    scoring(g) {
      // The trained parameters as initializers, under the trainer's names (what a model viewer shows).
      const factors = {
        user: g.namedConstant('user_factors', 'float32', [users, k], model.userFactors),
        item: g.namedConstant('item_factors', 'float32', [items, k], model.itemFactors),
      };
      const bias = model.userBias && model.itemBias
        ? { user: g.namedConstant('user_bias', 'float32', [users], model.userBias), item: g.namedConstant('item_bias', 'float32', [items], model.itemBias) }
        : null;
      return {
        // Every item for each user: one [N, k] × [k, n_items] product.
        all: (user) => dotBiasPrediction(ops.matmul(user.rowsOf(factors.user), ops.transpose(factors.item)), bias && { user: ops.unsqueeze(user.rowsOf(bias.user), [1]), item: bias.item }, model.yRange),
        // Pair by pair: the same formula on [P, k] rows.
        pairs: (pu, pi) => dotBiasPrediction(ops.reduceSum(ops.mul(pu.rowsOf(factors.user), pi.rowsOf(factors.item)), [1], false), bias && { user: pu.rowsOf(bias.user), item: pi.rowsOf(bias.item) }, model.yRange),
      };
    },
  };
}
const DOCS: Readonly<Record<ServingGraph, string>> = {
  recommend: 'feed user_ids (original ids) for scores (columns: ids.json items) and each user\'s top_k_items',
  unrated: 'feed user_ids, and each user\'s rated items as (rated_rows = position in user_ids, rated_items = item id), for a top_k of unrated items',
  pairs: 'feed (pair_users, pair_items) original ids for their predicted ratings',
};

export function buildServingModel(model: FactorModel, ids: ServingIds, graph: ServingGraph, options: ServingOptions = {}): Uint8Array {
  return buildServing(factorsServed(model), ids, graph, options);
}

/** One of the three serving graphs (the file comment) around a served model's scoring. */
export function buildServing(served: Served, ids: ServingIds, graph: ServingGraph, options: ServingOptions = {}): Uint8Array {
  const { users: nUsers, items: nItems } = served;
  if (ids.users.length !== nUsers || ids.items.length !== nItems) {
    throw new Error(`serving model: ${ids.users.length} user and ${ids.items.length} item ids for a model of ${nUsers} users and ${nItems} items`);
  }
  const topK = Math.min(options.topK ?? 10, nItems);
  if (!Number.isInteger(topK) || topK < 1) throw new Error(`top_k must be a positive integer, got ${options.topK}`);
  const tables = { user: idTable(ids.users), item: idTable(ids.items) };
  const g = new Graph('float32');
  const scoring = served.scoring(g);
  const { inputs, outputs } = graph === 'pairs' ? pairsGraph() : recommendGraph(graph === 'unrated');
  return serialize(g, {
    name: `collabsheet_serving_${graph}`,
    inputs,
    outputs,
    doc: `CollabSheet serving model (${SERVING_FILES[graph]}): ${DOCS[graph]}; ${served.unknownIds}. The other jobs: ${
      Object.values(SERVING_FILES).filter((f) => f !== SERVING_FILES[graph]).join(', ')}.`,
    metadata: {
      'collabsheet.user_id_type': tables.user.dtype,
      'collabsheet.item_id_type': tables.item.dtype,
      'collabsheet.top_k': String(topK),
      'collabsheet.unknown_ids': served.unknownIds,
      'collabsheet.no_item': 'top_k_scores -inf; top_k_items -1 (int64 ids) or "" (string ids)',
    },
  });

  /** Every item for each user; `unrated`: with the history input. */
  function recommendGraph(unrated: boolean) {
    const userIds = g.input('user_ids', tables.user.dtype, ['N']);
    const user = lookUp(userIds, tables.user);
    const scores = scoring.all(user);
    const inputs = [userIds];
    let ranked = scores;
    if (unrated) {
      const ratedRows = g.input('rated_rows', 'int64', ['R']);
      const ratedItems = g.input('rated_items', tables.item.dtype, ['R']);
      inputs.push(ratedRows, ratedItems);
      ranked = withoutRated(scores, ratedRows, lookUp(ratedItems, tables.item));
    }
    const top = topKOf(g, ranked, nItems, topK);
    return { inputs, outputs: { scores, top_k_items: idsOf(top.indices, tables.item), top_k_scores: top.scores, user_known: user.known } };
  }

  function pairsGraph() {
    const pairUsers = g.input('pair_users', tables.user.dtype, ['P']);
    const pairItems = g.input('pair_items', tables.item.dtype, ['P']);
    const pu = lookUp(pairUsers, tables.user);
    const pi = lookUp(pairItems, tables.item);
    const predictions = scoring.pairs(pu, pi);
    const pairKnown = ops.greater(ops.mul(ops.cast(pu.known, 'int64'), ops.cast(pi.known, 'int64')), 0);
    return { inputs: [pairUsers, pairItems], outputs: { predictions, pair_known: pairKnown } };
  }
}

/** Ids looked up: `known` per id, and `rowsOf(table)`: each id's row of a parameter table, zeros for an unknown id. */
function lookUp(ids: Value, table: IdTable): LookedUp & { rows: Value } {
  const codes = rowsOf(ids, table);
  const known = ops.greater(codes, MISSING_ROW);
  // Gather would read row −1 as the last row: unknown ids gather row 0, then are zeroed.
  const rows = ops.where(known, codes, 0);
  const rowsOfParam = (param: Value) => {
    const gathered = ops.gather(param, rows);
    return ops.where(gathered.rank > 1 ? ops.unsqueeze(known, [1]) : known, gathered, 0);
  };
  return { known, codes, rows, rowsOf: rowsOfParam };
}

/**
 * The scores with every rated (row, item) at −∞: a count of ratings per cell scattered into zeros
 * (a pair given twice counts twice, still > 0; an unknown item adds 0), then Where. Costs one
 * [N, n_items] pass.
 */
function withoutRated(scores: Value, rows: Value, items: { known: Value; rows: Value }): Value {
  const cells = ops.concat([ops.unsqueeze(rows, [1]), ops.unsqueeze(items.rows, [1])], 1);
  const rated = ops.scatterNDAdd(ops.zerosLike(scores), cells, ops.cast(items.known, 'float32'));
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
    picked.push(ops.where(ops.equal(value, -Infinity), MISSING_ROW, best));
    values.push(value);
    if (round < k - 1) remaining = ops.where(ops.equal(column, best), -Infinity, remaining);
  }
  return { indices: ops.concat(picked, 1), scores: ops.concat(values, 1) };
}
