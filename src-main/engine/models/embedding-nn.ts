/**
 * fastbook's CollabNN / fastai's EmbeddingNN: user and item embeddings (sized by fastai's rule)
 * concatenated, then Linear+ReLU layers (optional dropout after each), then a Linear head.
 */
import { type Value, concatColumns, linear, mse, ops, sigmoidRange } from '../graph/index.ts';
import type { ModelBuilder, ModelDefinition } from './builder.ts';

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
}

/** Embeddings → concat → (Linear → ReLU → dropout)*: the [B, lastWidth] features. */
export function nnBody(b: ModelBuilder, o: NNOptions): Value {
  let x = concatColumns([
    b.embedding('user_embedding', 'user', o.userEmbedding),
    b.embedding('item_embedding', 'item', o.itemEmbedding),
  ]);
  let width = o.userEmbedding + o.itemEmbedding;
  o.layers.forEach((out, i) => {
    x = b.dropout(ops.relu(linearLayer(b, `layer${i}`, x, width, out)), o.dropout);
    width = out;
  });
  return x;
}

/** A Linear layer's weight [in, out] and bias [out], initialised like PyTorch's nn.Linear. */
export function linearLayer(b: ModelBuilder, name: string, x: Value, fanIn: number, out: number): Value {
  const w = b.dense(`${name}_weight`, [fanIn, out], { kind: 'linear-weight', fanIn });
  const bias = b.dense(`${name}_bias`, [out], { kind: 'linear-bias', fanIn });
  return linear(x, w, bias);
}

export const lastWidth = (o: NNOptions): number => o.layers.at(-1) ?? o.userEmbedding + o.itemEmbedding;

export function embeddingNNModel(o: NNOptions): ModelDefinition {
  return {
    forward(b) {
      const x = ops.squeeze(linearLayer(b, 'head', nnBody(b, o), lastWidth(o), 1), [1]);
      const prediction = o.yRange ? sigmoidRange(x, o.yRange[0], o.yRange[1]) : x;
      return { prediction, loss: () => mse(prediction, b.ratings) };
    },
  };
}
