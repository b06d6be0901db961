/**
 * The serving models of a neural model (issue 15): the same three graphs as the factor models'
 * (serving-model.ts: model.onnx, model-unrated.onnx, model-pairs.onnx, fed original ids only),
 * with the network's forward pass (embedding-nn.ts, built into the serving graph by
 * buildPredictionInto) in place of the dot product. Its trained parameters and its side-feature
 * tables are initializers, so the file still runs with `user_ids` alone: an id is mapped to its
 * row by LabelEncoder, and the row's genres, age… are looked up inside the graph as in training.
 *
 * An unknown id is answered as a new user or movie is in the app: a row of its own appended to
 * each per-row table, its id embedding zero and every side feature unknown (code 0, numbers at
 * the mean with their unknown flag set) — growColumns' rows.
 */
import { Graph, ops, type Value } from '../../engine/graph/index.ts';
import {
  buildModelGraph, buildPredictionInto, featureTensors, growColumns, type ModelDefinition, type ModelFeatures, type SideFeatureSet,
} from '../../engine/models/index.ts';
import type { ParamTensor } from '../../engine/types.ts';
import { flatten } from './serving-ops.ts';
import { buildServing, type LookedUp, type Served, type ServingGraph, type ServingIds, type ServingOptions } from './serving-model.ts';

export interface ServedNetwork {
  /** The model as the trainer built it (models/index.ts defineModel with the trainer's data and features). */
  definition: ModelDefinition;
  /** Its trained parameters by name (Trainer.exportParams().params). */
  params: Readonly<Record<string, ParamTensor>>;
  /** The side-feature tables it was trained with, over at least its rows; null: none. */
  features: ModelFeatures | null;
}

const UNKNOWN_IDS = 'an unknown id is predicted as a new user or movie: a zero id embedding and every side feature unknown; user_known / pair_known mark them';

export function buildServingNetwork(net: ServedNetwork, ids: ServingIds, graph: ServingGraph, options: ServingOptions = {}): Uint8Array {
  return buildServing(networkServed(net), ids, graph, options);
}

export function networkServed(net: ServedNetwork): Served {
  // Which parameters are per-user or per-item tables: the model's own specs say (a dry build).
  const specs = buildModelGraph(net.definition, 'float32', 'predict').builder.params.map((p) => p.spec);
  const rowsOf = (side: 'user' | 'item') => {
    const spec = specs.find((p) => p.lookup === side);
    const p = spec && net.params[spec.name];
    if (!p) throw new Error(`serving model: the network has no per-${side} table`);
    return p.shape[0];
  };
  const users = rowsOf('user');
  const items = rowsOf('item');
  return {
    users,
    items,
    unknownIds: UNKNOWN_IDS,
    scoring(g) {
      const params: Record<string, Value> = {};
      for (const spec of specs) {
        const p = net.params[spec.name];
        if (!p) throw new Error(`serving model: the network's parameter ${spec.name} is missing`);
        // Per-row tables get one more row, zeros: the unknown id's.
        const extra = spec.lookup ? p.data.length / p.shape[0] : 0;
        const data = extra ? withZeroRow(p.data, extra) : p.data;
        params[spec.name] = g.namedConstant(spec.name, 'float32', spec.lookup ? [p.shape[0] + 1, ...p.shape.slice(1)] : [...p.shape], data);
      }
      for (const set of [net.features?.user, net.features?.item]) if (set) addTables(g, params, set, set.side === 'user' ? users : items);
      const predict = (u: Value, i: Value) => buildPredictionInto(net.definition, { graph: g, users: u, items: i, params });
      const row = (l: LookedUp, unknownRow: number) => ops.cast(ops.where(l.known, l.codes, unknownRow), 'int32');
      const itemRows = g.namedConstant('serving_item_codes', 'int32', [items], Int32Array.from({ length: items }, (_, i) => i));
      return {
        all(user) {
          // Each user against every item as one batch of N × n_items pairs, then back to [N, n_items].
          const u = ops.unsqueeze(row(user, users), [1]);
          const grid = ops.add(ops.cast(u, 'float32'), ops.zerosLike(ops.cast(ops.unsqueeze(itemRows, [0]), 'float32')));
          const pairsOf = (v: Value) => ops.squeeze(flatten(ops.expand(v, ops.shape(grid)), 2), [1]);
          return ops.reshape(predict(pairsOf(u), pairsOf(ops.unsqueeze(itemRows, [0]))), ops.shape(grid));
        },
        pairs: (pu, pi) => predict(row(pu, users), row(pi, items)),
      };
    },
  };
}

function withZeroRow(data: Float32Array, rowSize: number): Float32Array {
  const out = new Float32Array(data.length + rowSize);
  out.set(data);
  return out;
}

/** A side's feature tables as initializers over the model's rows, then the unknown row (growColumns' row past the table). */
function addTables(g: Graph, params: Record<string, Value>, set: SideFeatureSet, rows: number): void {
  const past = Math.max(set.rows, rows);
  for (const t of featureTensors(growColumns(set, past + 1))) {
    const size = t.row.reduce((a, b) => a * b, 1);
    const data = t.type === 'int' ? new Int32Array((rows + 1) * size) : new Float32Array((rows + 1) * size);
    data.set(t.data.subarray(0, rows * size));
    data.set(t.data.subarray(past * size, (past + 1) * size), rows * size);
    params[t.name] = g.namedConstant(t.name, t.type === 'int' ? 'int32' : 'float32', [rows + 1, ...t.row], data);
  }
}
