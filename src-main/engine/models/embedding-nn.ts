/**
 * fastbook's CollabNN / fastai's EmbeddingNN: user and item embeddings (sized by fastai's rule)
 * concatenated, then Linear+ReLU layers (optional dropout after each), then a Linear head.
 * With side features (issue 15 item 2), as fastai's tabular model: their embeddings and
 * normalised numbers are concatenated beside the user and item embeddings.
 */
import { type Value, concatColumns, linear, mse, ops, sigmoidRange } from '../graph/index.ts';
import type { ModelBuilder, ModelDefinition } from './builder.ts';
import {
  type CategoricalColumn, type FeatureSide, type FeatureTensor, type ModelFeatures, type MultiColumn, type SideFeatureSet, columnTensors, embeddingName, gateTensor, countsTensor,
} from './side-features.ts';

/**
 * fastai's emb_sz_rule: min(600, round(1.6 · n^0.56)). fastai counts a '#na#' category in n,
 * so we pass rows + 1 to give the same sizes as fastbook (ml-100k: 74 and 102).
 */
export const embeddingSize = (rows: number): number => Math.min(600, Math.round(1.6 * (rows + 1) ** 0.56));

export interface NNOptions {
  userEmbedding: number;
  itemEmbedding: number;
  layers: number[];
  dropout: number;
  yRange: [number, number] | null;
  /** Side features of users and items; null: the ids alone. */
  features: ModelFeatures | null;
}

/** Embeddings (and side features) → concat → (Linear → ReLU → dropout)*: the [B, lastWidth] features. */
export function nnBody(b: ModelBuilder, o: NNOptions): Value {
  const side: Value[] = [];
  for (const set of [o.features?.user, o.features?.item]) if (set) side.push(...featureColumns(b, set));
  const userGate = gateOf(b, o.features?.user);
  const itemGate = gateOf(b, o.features?.item);
  let x = concatColumns([
    gated(b.embedding('user_embedding', 'user', o.userEmbedding), userGate),
    gated(b.embedding('item_embedding', 'item', o.itemEmbedding), itemGate),
    ...side,
  ]);
  let width = inputWidth(o);
  o.layers.forEach((out, i) => {
    x = b.dropout(ops.relu(linearLayer(b, `layer${i}`, x, width, out)), o.dropout);
    width = out;
  });
  return x;
}

/** A side's gate of its id embedding (SideFeatureSet.gate) looked up for the batch, [B, 1]; null without one. */
function gateOf(b: ModelBuilder, set: SideFeatureSet | null | undefined): Value | null {
  return set?.gate ? featureColumn(b, gateTensor(set.side, set.gate)) : null;
}

/**
 * How fast the per-user count terms move: each is this factor times its parameter, so Adam's
 * steps move the prediction this many times as far. 3 gave ml-100k's random split cold RMSE
 * 0.9727, 0.9632, 0.9619 (seeds 42–44; −5.3 to −6.0 %) but made planted movies added later
 * worse (sheet-features.test.ts: 0.558 against the fold-in's 0.544), so it stays 1 (0.9875).
 */
export const COUNT_TERM_SCALE = 1;

/**
 * What the item's training count says beside the network, added to its output ([B]; null
 * without the item counts, SideFeatureSet.counts from withItemCounts):
 * - a per-user bias on rare items times 1 − familiarity (1 for a movie with one rating, 1/2 at
 *   six): some users rate obscure movies kindly and others harshly (on ml-100k a user's mean
 *   residual on rare movies alone takes the cold ratings' RMSE from 1.033 to 0.975);
 * - a slope of popularity, one shared and one per user: rare movies are rated lower (on
 *   ml-100k ~0.9 below the mean), by some users more than others.
 * Linear in the counts on purpose: popularity as an input column of the layers did as well on
 * ml-100k but made planted movies added later worse (withItemCounts).
 */
function itemCountTerms(b: ModelBuilder, set: SideFeatureSet | null | undefined): Value | null {
  if (!set?.counts) return null;
  const [rareBias, userSlope, sharedSlope] = COUNT_TERM_PARAMS;
  const perUser = (name: string) => ops.mul(b.embedding(name, 'user', null), COUNT_TERM_SCALE);
  const counts = featureColumn(b, countsTensor(set.side, set.counts));
  const column = (k: number) => ops.squeeze(ops.slice(counts, 1, k, k + 1), [1]);
  const slope = ops.add(perUser(userSlope), ops.squeeze(b.dense(sharedSlope, [1], { kind: 'linear-weight', fanIn: 1 }), []));
  return ops.add(ops.mul(perUser(rareBias), ops.sub(1, column(1))), ops.mul(slope, column(0)));
}

/** The count terms' parameters. */
export const COUNT_TERM_PARAMS = ['user_rare_item_bias', 'user_popularity_slope', 'popularity_weight'] as const;

/**
 * The parameters of the terms added beside the network (count and taste terms). A neural model
 * saved before it had them (a project, a run) lacks them: at zero each term adds nothing, so it
 * opens predicting as it did.
 */
export const isAddedTermParam = (name: string): boolean =>
  (COUNT_TERM_PARAMS as readonly string[]).includes(name) || /^user_.+_taste$|_taste_embedding$/.test(name);

/** Width of a user's taste for an item feature's values (itemTasteTerms). */
export const TASTE_WIDTH = 8;

/**
 * Per categorical or multi-valued item feature (genres), a dot product beside the network, [B]
 * each: the user's taste vector · the mean of the item's values' taste embeddings (LightFM's
 * item = sum of its features) — a user × genre interaction that reaches a movie whose id
 * embedding is gated off, which the layers learned only weakly. ml-100k, u.item + u.user,
 * valid / cold RMSE, random split seeds 42–44: 0.8969 / 0.9724, 0.8957 / 0.9558, 0.8944 /
 * 0.9498, u1 0.9146 / 0.9858 (without it 0.8997 / 0.9875, 0.8963 / 0.9790, 0.8999 / 0.9846,
 * u1 0.9201 / 0.9814; width 4: 0.9705, 0.9602, 0.9611, u1 0.9872; 16: seed 42 0.9746, u1 0.9823).
 */
function itemTasteTerms(b: ModelBuilder, set: SideFeatureSet | null | undefined): Value[] {
  return (set?.columns ?? []).flatMap((c) => {
    if (c.kind === 'numeric') return [];
    const values = meanEmbedding(b, set!.side, c, `${c.name}_taste_embedding`, TASTE_WIDTH);
    return [ops.reduceSum(ops.mul(b.embedding(`user_${c.name}_taste`, 'user', TASTE_WIDTH), values), [1], false)];
  });
}

/** A categorical column's embedding of the batch's rows, or a multi-valued one's mean embedding, [B, width], from table `name`. */
function meanEmbedding(b: ModelBuilder, side: FeatureSide, c: CategoricalColumn | MultiColumn, name: string, width: number): Value {
  const rows = columnTensors(side, c).map((t) => b.featureTable(t.name, t.side, t.type, t.row));
  const looked = ops.gather(b.dense(name, [c.vocabulary.length, width], { kind: 'embedding' }), rows[0]);
  // Padded codes with 1/count weights: Σ weight · embedding, so Gather, Mul and ReduceSum — no op of its own.
  return c.kind === 'categorical' ? looked : ops.reduceSum(ops.mul(looked, ops.unsqueeze(rows[1], [2])), [1], false);
}

/** A fed per-row table looked up for the batch, [B, ...row]. */
const featureColumn = (b: ModelBuilder, t: FeatureTensor): Value => b.featureTable(t.name, t.side, t.type, t.row);

const gated = (embedding: Value, gate: Value | null): Value => (gate ? ops.mul(embedding, gate) : embedding);

/**
 * One side's feature columns, each [B, w]: a categorical feature's embedding, a multi-valued
 * one's mean embedding, the numeric columns as they are (normalised, unknown flags).
 */
function featureColumns(b: ModelBuilder, set: SideFeatureSet): Value[] {
  return set.columns.map((c) => {
    if (c.kind === 'numeric') return b.featureTable(c.name, set.side, 'float', [2 * c.labels.length]);
    return meanEmbedding(b, set.side, c, embeddingName(c), featureEmbeddingSize(c.vocabulary.length));
  });
}

/** A feature's embedding width: the same rule, its vocabulary counting the unknown value as fastai counts '#na#'. */
export const featureEmbeddingSize = (vocabulary: number): number => embeddingSize(vocabulary - 1);

/** Width of what the first layer takes: the user and item embeddings and every feature column. */
function inputWidth(o: NNOptions): number {
  let width = o.userEmbedding + o.itemEmbedding;
  for (const set of [o.features?.user, o.features?.item]) {
    for (const c of set?.columns ?? []) width += c.kind === 'numeric' ? 2 * c.labels.length : featureEmbeddingSize(c.vocabulary.length);
  }
  return width;
}

/** A Linear layer's weight [in, out] and bias [out], initialised like PyTorch's nn.Linear. */
export function linearLayer(b: ModelBuilder, name: string, x: Value, fanIn: number, out: number): Value {
  const w = b.dense(`${name}_weight`, [fanIn, out], { kind: 'linear-weight', fanIn });
  const bias = b.dense(`${name}_bias`, [out], { kind: 'linear-bias', fanIn });
  return linear(x, w, bias);
}

export const lastWidth = (o: NNOptions): number => o.layers.at(-1) ?? inputWidth(o);

export function embeddingNNModel(o: NNOptions): ModelDefinition {
  return {
    forward(b) {
      const head = ops.squeeze(linearLayer(b, 'head', nnBody(b, o), lastWidth(o), 1), [1]);
      const x = [itemCountTerms(b, o.features?.item), ...itemTasteTerms(b, o.features?.item)].reduce<Value>((sum, t) => (t ? ops.add(sum, t) : sum), head);
      const prediction = o.yRange ? sigmoidRange(x, o.yRange[0], o.yRange[1]) : x;
      return { prediction, loss: () => mse(prediction, b.ratings) };
    },
  };
}
