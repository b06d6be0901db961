/**
 * Inference-only ONNX ops the serving model needs and training never does, built on the graph
 * builder's OpDef interface (no gradient rules: nothing differentiates through a ranking).
 * TopK would be the natural op, but it has two outputs and the builder's nodes have one by
 * design, so top-k is composed from ArgMax + GatherElements instead (serving-model.ts).
 */
import type { OpDef, Value } from '../../engine/graph/graph.ts';

const ArgMax: OpDef = {
  type: 'ArgMax',
  infer([x], attrs) {
    const axis = attrs.axis?.kind === 'int' ? attrs.axis.value : 0;
    if (axis < 0 || axis >= x.rank) throw new Error(`ArgMax: axis ${axis} out of range for ${x}`);
    return { dtype: 'int64', shape: x.shape.map((d, i) => (i === axis ? 1 : d)) };
  },
  grad: null,
};

/** Index of the largest entry along `axis`, keeping the axis (ties: the first, i.e. lowest index). */
export const argMax = (x: Value, axis: number): Value =>
  x.graph.apply(ArgMax, [x], { axis: { kind: 'int', value: axis }, keepdims: { kind: 'int', value: 1 }, select_last_index: { kind: 'int', value: 0 } });

const GatherElements: OpDef = {
  type: 'GatherElements',
  infer([data, idx], attrs) {
    if (idx.dtype !== 'int64' || idx.rank !== data.rank) throw new Error(`GatherElements: bad indices ${idx} for ${data}`);
    if (!(attrs.axis?.kind === 'int')) throw new Error('GatherElements: missing axis');
    return { dtype: data.dtype, shape: idx.shape };
  },
  grad: null,
};

/** out[i][j] = data[i][idx[i][j]] along `axis` (here: the score of each picked item). */
export const gatherElements = (data: Value, idx: Value, axis: number): Value =>
  data.graph.apply(GatherElements, [data, idx], { axis: { kind: 'int', value: axis } });
