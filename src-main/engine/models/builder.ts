/**
 * What every model is built on: the batch inputs (user and item codes, ratings), parameters
 * declared by name as graph inputs (so ONNX Runtime reads our Float32Arrays without copying
 * them), seeded dropout masks fed from TypeScript, and the compile step that differentiates the
 * loss with the graph's autodiff. The serving model (io/export/serving-model.ts) builds the same
 * forward pass into its own graph, over its own codes and trained parameters (BuiltInto).
 */
import { type DType, type FloatType, Graph, type Shape, type Value, gradients, ops, serialize } from '../graph/index.ts';
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
  /** The graph input holding the table or weight (or the value BuiltInto gave for it). */
  input: Value;
  /** What the loss is differentiated with respect to: the looked-up rows, or the weight itself. */
  differentiated: Value;
}

/**
 * Another graph to build a prediction into: the user and item codes to look up, and the
 * parameters by name (e.g. trained tables baked in as initializers) in place of graph inputs.
 */
export interface BuiltInto {
  graph: Graph;
  users: Value;
  items: Value;
  params: Readonly<Record<string, Value>>;
}

export class ModelBuilder {
  readonly graph: Graph;
  readonly users: Value;
  readonly items: Value;
  readonly params: GraphParam[] = [];
  readonly masks: { spec: MaskSpec; input: Value }[] = [];
  /** Side-feature tables (side-features.ts): fed with the data, never trained. */
  readonly tables: { name: string; input: Value }[] = [];
  private readonly ratingsInput: Value | null;

  constructor(dtype: FloatType, readonly training: boolean, private readonly into: BuiltInto | null = null) {
    if (into) {
      if (training) throw new Error('a model is built into another graph for prediction only');
      if (into.graph.float !== dtype) throw new Error(`a ${dtype} model cannot be built into a ${into.graph.float} graph`);
      this.graph = into.graph;
      this.users = into.users;
      this.items = into.items;
      this.ratingsInput = null;
    } else {
      this.graph = new Graph(dtype);
      this.users = this.graph.input('users', 'int32', ['B']);
      this.items = this.graph.input('items', 'int32', ['B']);
      this.ratingsInput = this.graph.input('ratings', dtype, ['B']);
    }
  }

  /** The rated values [B]: what the loss compares the prediction with. */
  get ratings(): Value {
    if (!this.ratingsInput) throw new Error('a model built into another graph has no ratings input (prediction only)');
    return this.ratingsInput;
  }

  /**
   * An embedding (fastbook ch. 8): a table with one row per user or item, looked up by index —
   * the same as multiplying a one-hot row by the table, without the one-hot. The table's row
   * count is symbolic, so the same session serves a dataset that grows new users or items.
   * `width` null makes a bias table ([n], one number per row).
   */
  embedding(name: string, by: 'user' | 'item', width: number | null): Value {
    const rows = by === 'user' ? 'n_users' : 'n_items';
    const table = this.param(name, width === null ? [rows] : [rows, width]);
    const looked = ops.gather(table, by === 'user' ? this.users : this.items);
    this.params.push({ spec: { name, lookup: by, shape: width === null ? [] : [width], init: { kind: 'embedding' } }, input: table, differentiated: looked });
    return looked;
  }

  /**
   * A side-feature table (side-features.ts), one row per user or item, looked up by the batch's
   * codes inside the graph — so a batch carries only codes. Fed, never trained; `type` 'float'
   * is the graph's float type. A table asked for again (the item gate: the id embedding's and
   * the rare-item bias's) is the same input.
   */
  featureTable(name: string, by: 'user' | 'item', type: 'int' | 'float', row: number[]): Value {
    let table = this.tables.find((t) => t.name === name)?.input;
    if (!table) {
      table = this.param(name, [by === 'user' ? 'n_users' : 'n_items', ...row], type === 'int' ? 'int32' : this.graph.float);
      this.tables.push({ name, input: table });
    }
    return ops.gather(table, by === 'user' ? this.users : this.items);
  }

  dense(name: string, shape: number[], init: ParamInit): Value {
    const input = this.param(name, shape);
    this.params.push({ spec: { name, lookup: null, shape, init }, input, differentiated: input });
    return input;
  }

  /** A parameter or feature table: a graph input of this shape, or the value given for it by name (BuiltInto). */
  private param(name: string, shape: Shape, dtype: DType = this.graph.float): Value {
    if (!this.into) return this.graph.input(name, dtype, shape);
    const v = this.into.params[name];
    const fits = v && v.dtype === dtype && v.rank === shape.length && shape.every((d, i) => typeof d !== 'number' || v.shape[i] === d);
    if (!fits) throw new Error(`model parameter ${name}: expected ${dtype}[${shape.join(', ')}], got ${v ?? 'none'}`);
    return v;
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

/** The model's prediction [B] for the codes of `into`, built into its graph (the serving model). */
export function buildPredictionInto(def: ModelDefinition, into: BuiltInto): Value {
  return def.forward(new ModelBuilder(into.graph.float, false, into)).prediction;
}

export const gradOutputName = (param: string) => `grad_${param}`;

/**
 * ONNX bytes. Training: inputs users, items, ratings, dropout masks, params, feature tables;
 * outputs `loss`, `prediction` (the batch's predictions before the step, for the epoch's running
 * train metrics) and `grad_<param>` per param. Prediction: inputs users, items, params, feature
 * tables; output `prediction`.
 */
export function modelBytes(m: ModelGraph): Uint8Array {
  const b = m.builder;
  const params = [...b.params.map((p) => p.input), ...b.tables.map((t) => t.input)];
  if (!m.loss || !m.grads) {
    return serialize(b.graph, { name: 'predict', inputs: [b.users, b.items, ...params], outputs: { prediction: m.prediction } });
  }
  const outputs: Record<string, Value> = { loss: m.loss, prediction: m.prediction };
  b.params.forEach((p, i) => (outputs[gradOutputName(p.spec.name)] = m.grads![i]));
  return serialize(b.graph, { name: 'train', inputs: [b.users, b.items, b.ratings, ...b.masks.map((m) => m.input), ...params], outputs });
}
