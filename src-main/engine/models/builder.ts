/**
 * What every model is built on: the batch inputs (user and item codes, ratings), parameters
 * declared by name as graph inputs (so ONNX Runtime reads our Float32Arrays without copying
 * them), seeded dropout masks fed from TypeScript, and the compile step that differentiates the
 * loss with the graph's autodiff.
 */
import { type FloatType, Graph, type Value, gradients, ops, serialize } from '../graph/index.ts';
import type { ParamInit } from './init.ts';

export interface ParamSpec {
  name: string;
  /**
   * 'user' / 'item': a table with one row per user / item, looked up by the batch. Its gradient
   * comes out as the looked-up rows (batch × row), never table-sized.
   * null: a dense weight with a dense gradient.
   */
  lookup: 'user' | 'item' | null;
  /** One row's shape for lookups ([k], or [] for a bias); the whole shape for dense weights. */
  shape: number[];
  init: ParamInit;
}

/** Elements per row of a lookup table, or the whole size of a dense weight. */
export const rowSize = (p: ParamSpec): number => p.shape.reduce((a, b) => a * b, 1);

/** An inverted-dropout mask input, [B, width]: 0 or 1/(1−p), drawn per batch by the trainer. */
export interface MaskSpec {
  name: string;
  width: number;
  p: number;
}

export interface ModelOutputs {
  /** The predicted rating per pair, [B]. */
  prediction: Value;
  /** The training loss (a scalar); built only for training graphs. */
  loss: () => Value;
}

/** A model: the forward pass written against a ModelBuilder. */
export interface ModelDefinition {
  forward(b: ModelBuilder): ModelOutputs;
}

export interface GraphParam {
  spec: ParamSpec;
  /** The graph input holding the table or weight. */
  input: Value;
  /** What the loss is differentiated with respect to: the looked-up rows, or the weight itself. */
  differentiated: Value;
}

export class ModelBuilder {
  readonly graph: Graph;
  readonly users: Value;
  readonly items: Value;
  readonly ratings: Value;
  readonly params: GraphParam[] = [];
  readonly masks: { spec: MaskSpec; input: Value }[] = [];

  constructor(dtype: FloatType, readonly training: boolean) {
    this.graph = new Graph(dtype);
    this.users = this.graph.input('users', 'int32', ['B']);
    this.items = this.graph.input('items', 'int32', ['B']);
    this.ratings = this.graph.input('ratings', dtype, ['B']);
  }

  /**
   * An embedding (fastbook ch. 8): a table with one row per user or item, looked up by index —
   * the same as multiplying a one-hot row by the table, without the one-hot. The table's row
   * count is symbolic, so the same session serves a dataset that grows new users or items.
   * `width` null makes a bias table ([n], one number per row).
   */
  embedding(name: string, by: 'user' | 'item', width: number | null): Value {
    const rows = by === 'user' ? 'n_users' : 'n_items';
    const table = this.graph.input(name, this.graph.float, width === null ? [rows] : [rows, width]);
    const looked = ops.gather(table, by === 'user' ? this.users : this.items);
    this.params.push({ spec: { name, lookup: by, shape: width === null ? [] : [width], init: { kind: 'embedding' } }, input: table, differentiated: looked });
    return looked;
  }

  dense(name: string, shape: number[], init: ParamInit): Value {
    const input = this.graph.input(name, this.graph.float, shape);
    this.params.push({ spec: { name, lookup: null, shape, init }, input, differentiated: input });
    return input;
  }

  /** Inverted dropout by a fed mask; the identity when building a prediction graph or p = 0. */
  dropout(x: Value, p: number): Value {
    if (!this.training || p === 0) return x;
    const width = x.shape[1];
    if (x.rank !== 2 || typeof width !== 'number') throw new Error(`dropout: expects [B, width], got ${x}`);
    const spec = { name: `dropout_mask_${this.masks.length}`, width, p };
    const input = this.graph.input(spec.name, this.graph.float, ['B', width]);
    this.masks.push({ spec, input });
    return ops.mul(x, input);
  }
}

export interface ModelGraph {
  builder: ModelBuilder;
  prediction: Value;
  /** Training graphs only. */
  loss: Value | null;
  /** Training graphs only: one gradient per builder.params entry, of its `differentiated` value. */
  grads: Value[] | null;
}

export function buildModelGraph(def: ModelDefinition, dtype: FloatType, mode: 'train' | 'predict'): ModelGraph {
  const builder = new ModelBuilder(dtype, mode === 'train');
  const { prediction, loss: lossOf } = def.forward(builder);
  if (mode === 'predict') return { builder, prediction, loss: null, grads: null };
  const loss = lossOf();
  return { builder, prediction, loss, grads: gradients(loss, builder.params.map((p) => p.differentiated)) };
}

export const gradOutputName = (param: string) => `grad_${param}`;

/**
 * ONNX bytes. Training: inputs users, items, ratings, dropout masks, params; outputs `loss`,
 * `prediction` (the batch's predictions before the step, for the epoch's running train metrics)
 * and `grad_<param>` per param. Prediction: inputs users, items, params; output `prediction`.
 */
export function modelBytes(m: ModelGraph): Uint8Array {
  const b = m.builder;
  const params = b.params.map((p) => p.input);
  if (!m.loss || !m.grads) {
    return serialize(b.graph, { name: 'predict', inputs: [b.users, b.items, ...params], outputs: { prediction: m.prediction } });
  }
  const outputs: Record<string, Value> = { loss: m.loss, prediction: m.prediction };
  b.params.forEach((p, i) => (outputs[gradOutputName(p.spec.name)] = m.grads![i]));
  return serialize(b.graph, { name: 'train', inputs: [b.users, b.items, b.ratings, ...b.masks.map((m) => m.input), ...params], outputs });
}
