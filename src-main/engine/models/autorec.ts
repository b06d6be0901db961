/**
 * I-AutoRec (Sedhain et al., "AutoRec: Autoencoders Meet Collaborative Filtering", WWW 2015):
 * each movie is its column of the ratings grid — one entry per user, blank (masked) where that
 * user has not rated it — encoded into a code of `factors` numbers and decoded back into a
 * rating per user:
 *   code_i = sigmoid(r_i · V + b)                    (V: [users, k], one row per user)
 *   x_ui   = code_i · w_u + c_u                      (w_u, c_u: the user's decoder row and bias)
 *   pred   = x, or sigmoid_range(x)
 * The loss is the squared error on the observed entries only (a blank is missing, never zero),
 * averaged over the batch's observed entries, as the other models average over their ratings.
 *
 * Its serving form is therefore a dot product with user biases: once trained, each movie's code
 * is fixed by its training ratings, so prediction = item code · user row + user bias — the
 * dot-bias model with the codes as item factors (item biases 0). That is what the trainer
 * exports, and what the sheet, the serving model, blends and interpretation read.
 *
 * Unlike the pair models it trains on batches of movies, not of ratings (train/autorec-trainer.ts).
 */
import { type FloatType, Graph, type Value, gradients, ops, serialize, sigmoidRange, square } from '../graph/index.ts';

/** The trained parameters, by their names in exported params. */
export const AUTOREC_PARAMS = {
  /** V [users, k]: user u's weight on each code unit when u's rating is in the input. */
  encoder: 'encoder',
  /** b [k]. */
  encoderBias: 'encoder_bias',
  /** w [users, k]: the decoder's row for each user — the serving form's user factors. */
  decoder: 'user_factors',
  /** c [users]. */
  decoderBias: 'user_bias',
} as const;

export interface AutoRecShape {
  factors: number;
  yRange: [number, number] | null;
}

/** The forward pass for a batch of movies: codes [B, k] and predictions [B, users]. */
function forward(g: Graph, s: AutoRecShape) {
  const ratings = g.input('ratings', g.float, ['B', 'n_users']);
  const encoder = g.input(AUTOREC_PARAMS.encoder, g.float, ['n_users', s.factors]);
  const encoderBias = g.input(AUTOREC_PARAMS.encoderBias, g.float, [s.factors]);
  const codes = ops.sigmoid(ops.add(ops.matmul(ratings, encoder), encoderBias));
  return { ratings, encoder, encoderBias, codes };
}

/** The codes graph: inputs ratings [B, users], encoder, encoder_bias; output `codes` [B, k]. */
export function autoRecCodesBytes(s: AutoRecShape, dtype: FloatType = 'float32'): Uint8Array {
  const g = new Graph(dtype);
  const f = forward(g, s);
  return serialize(g, { name: 'autorec_codes', inputs: [f.ratings, f.encoder, f.encoderBias], outputs: { codes: f.codes } });
}

/** The training graph's values: its inputs in feed order, the loss, and one gradient per parameter (AUTOREC_PARAMS' order). */
export interface AutoRecTrainGraph {
  inputs: { ratings: Value; observed: Value; perEntry: Value; params: Value[] };
  loss: Value;
  squared: Value;
  absolute: Value;
  grads: Value[];
}

/**
 * The training graph. Inputs: ratings [B, users] (0 where blank), observed [B, users] (1 or 0),
 * per_entry [] (1 / the batch's observed entries), then the four parameters. The loss is the
 * mean squared error over the observed entries; `squared` and `absolute` are the error sums
 * (the epoch's train metrics).
 */
export function buildAutoRecTrainGraph(s: AutoRecShape, dtype: FloatType): AutoRecTrainGraph {
  const g = new Graph(dtype);
  const f = forward(g, s);
  const observed = g.input('observed', g.float, ['B', 'n_users']);
  const perEntry = g.input('per_entry', g.float, []);
  const decoder = g.input(AUTOREC_PARAMS.decoder, g.float, ['n_users', s.factors]);
  const decoderBias = g.input(AUTOREC_PARAMS.decoderBias, g.float, ['n_users']);
  const raw = ops.add(ops.matmul(f.codes, ops.transpose(decoder)), decoderBias);
  const prediction = s.yRange ? sigmoidRange(raw, s.yRange[0], s.yRange[1]) : raw;
  const error = ops.mul(ops.sub(prediction, f.ratings), observed);
  const squared = ops.reduceSum(square(error), [0, 1], false);
  const loss = ops.mul(squared, perEntry);
  const params: Value[] = [f.encoder, f.encoderBias, decoder, decoderBias];
  return {
    inputs: { ratings: f.ratings, observed, perEntry, params },
    loss, squared, absolute: ops.reduceSum(ops.sqrt(square(error)), [0, 1], false), grads: gradients(loss, params),
  };
}

/** The training graph's bytes; outputs `loss`, `squared`, `absolute` and `grad_<param>`. */
export function autoRecTrainBytes(s: AutoRecShape, dtype: FloatType = 'float32'): Uint8Array {
  const t = buildAutoRecTrainGraph(s, dtype);
  const outputs: Record<string, Value> = { loss: t.loss, squared: t.squared, absolute: t.absolute };
  Object.values(AUTOREC_PARAMS).forEach((name, j) => (outputs[`grad_${name}`] = t.grads[j]));
  const { ratings, observed, perEntry, params } = t.inputs;
  return serialize(t.loss.graph, { name: 'autorec_train', inputs: [ratings, observed, perEntry, ...params], outputs });
}
