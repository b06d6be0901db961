/**
 * The primitive ops, each with its forward builder (shape inference included) and its gradient
 * rule beside it, micrograd-style: reviewing an op means reading its few lines here. Everything
 * else (mse, sigmoid_range, dot, linear layers) is composed from these in compose.ts and has no
 * rule of its own.
 *
 * Conventions: a rule gets the output gradient `g` and the node, and returns one entry per input
 * (a thunk, or null for indices/shapes/conditions). `y` below is the node's output.
 * Opset 18: reduce ops take their axes as an input.
 */
import { broadcastShapes, range, unbroadcast } from './broadcast.ts';
import {
  type Attrs, type DType, type GradRule, type Node, type OpDef, type Shape, Value, isFloat, typedArrayOf,
} from './graph.ts';

export type Operand = Value | number;

// ─── helpers ──────────────────────────────────────────────────────────────────────────────────

function op(type: string, infer: OpDef['infer'], grad: GradRule | null): OpDef {
  return { type, infer, grad };
}

function fail(type: string, message: string): never {
  throw new Error(`${type}: ${message}`);
}

/** Elementwise ops over broadcast inputs of one dtype. */
function elementwise(type: string, resultDtype?: DType): OpDef['infer'] {
  return (inputs) => {
    const dtype = inputs[0].dtype;
    for (const v of inputs) if (v.dtype !== dtype) fail(type, `mixed dtypes ${inputs.map((x) => x.dtype).join(', ')}`);
    return { dtype: resultDtype ?? dtype, shape: broadcastShapes(type, ...inputs.map((v) => v.shape)) };
  };
}

function unary(type: string, floatOnly = true): OpDef['infer'] {
  return ([x]) => {
    if (floatOnly && !isFloat(x.dtype)) fail(type, `needs a float input, got ${x}`);
    return { dtype: x.dtype, shape: x.shape };
  };
}

/** Numbers become scalar constants of the other operand's dtype. */
function lift(a: Operand, like: Value): Value {
  return typeof a === 'number' ? like.graph.scalar(a, like.dtype) : a;
}

function binary(def: OpDef, a: Operand, b: Operand): Value {
  const like = typeof a === 'number' ? b : a;
  if (typeof like === 'number') throw new Error(`${def.type}: at least one operand must be a graph value`);
  const x = lift(a, like);
  const y = lift(b, like);
  return like.graph.apply(def, [unexpanded(x, y), unexpanded(y, x)]);
}

/**
 * Expand(v) as an operand of a broadcasting op can be replaced by v when broadcasting v against
 * the other operand already gives the same shape. The backward of every row-wise dot and mean
 * produces such an Expand; skipping it saves materialising a [B, k] copy per batch. (The Expand
 * node stays in the graph unused; serialisation drops it.)
 */
function unexpanded(v: Value, other: Value): Value {
  if (v.node?.op !== Expand) return v;
  const source = v.node.inputs[0];
  const full = broadcastShapes('Expand', v.shape, other.shape);
  const direct = broadcastShapes('Expand', source.shape, other.shape);
  return full.length === direct.length && full.every((d, i) => d === direct[i]) ? source : v;
}

/** Values of a constant int input (axes, starts…). */
function constInts(type: string, v: Value): number[] {
  if (!v.constant) fail(type, `${v.name} must be a constant`);
  return Array.from(v.constant.data as ArrayLike<number | bigint>, Number);
}

function normAxis(type: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(type, `axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** The static shape a shape-valued input stands for: Shape(x) gives x's shape, a constant its values. */
function shapeFrom(type: string, v: Value): Shape {
  if (v.node?.op === ShapeOf) return v.node.inputs[0].shape;
  return constInts(type, v);
}

const attrInt = (attrs: Attrs, name: string, fallback: number): number => {
  const a = attrs[name];
  return a?.kind === 'int' ? a.value : fallback;
};

const attrInts = (attrs: Attrs, name: string): readonly number[] => {
  const a = attrs[name];
  if (a?.kind !== 'ints') throw new Error(`missing ints attribute ${name}`);
  return a.value;
};

const sameDim = (a: Shape[number], b: Shape[number]) => a === b;

// ─── arithmetic ───────────────────────────────────────────────────────────────────────────────

export const Add = op('Add', elementwise('Add'), (g, { inputs: [a, b] }) => [
  () => unbroadcast(g, a.shape),
  () => unbroadcast(g, b.shape),
]);
export const add = (a: Operand, b: Operand) => binary(Add, a, b);

export const Sub = op('Sub', elementwise('Sub'), (g, { inputs: [a, b] }) => [
  () => unbroadcast(g, a.shape),
  () => unbroadcast(neg(g), b.shape),
]);
export const sub = (a: Operand, b: Operand) => binary(Sub, a, b);

export const Mul = op('Mul', elementwise('Mul'), (g, { inputs: [a, b] }) => [
  () => unbroadcast(mul(g, b), a.shape),
  () => unbroadcast(mul(g, a), b.shape),
]);
export const mul = (a: Operand, b: Operand) => binary(Mul, a, b);

export const Div = op('Div', elementwise('Div'), (g, { inputs: [a, b], output: y }) => [
  () => unbroadcast(div(g, b), a.shape),
  () => unbroadcast(neg(div(mul(g, y), b)), b.shape),
]);
export const div = (a: Operand, b: Operand) => binary(Div, a, b);

export const Pow = op('Pow', elementwise('Pow'), (g, { inputs: [a, b], output: y }) => [
  () => unbroadcast(mul(g, mul(b, pow(a, sub(b, 1)))), a.shape),
  () => unbroadcast(mul(g, mul(y, log(a))), b.shape),
]);
export const pow = (a: Operand, b: Operand) => binary(Pow, a, b);

export const Neg = op('Neg', unary('Neg'), (g) => [() => neg(g)]);
export const neg = (x: Value) => x.graph.apply(Neg, [x]);

export const Exp = op('Exp', unary('Exp'), (g, { output: y }) => [() => mul(g, y)]);
export const exp = (x: Value) => x.graph.apply(Exp, [x]);

export const Log = op('Log', unary('Log'), (g, { inputs: [x] }) => [() => div(g, x)]);
export const log = (x: Value) => x.graph.apply(Log, [x]);

export const Sqrt = op('Sqrt', unary('Sqrt'), (g, { output: y }) => [() => div(g, mul(y, 2))]);
export const sqrt = (x: Value) => x.graph.apply(Sqrt, [x]);

export const Sigmoid = op('Sigmoid', unary('Sigmoid'), (g, { output: y }) => [() => mul(g, mul(y, sub(1, y)))]);
export const sigmoid = (x: Value) => x.graph.apply(Sigmoid, [x]);

export const Relu = op('Relu', unary('Relu'), (g, { inputs: [x] }) => [() => where(greater(x, 0), g, 0)]);
export const relu = (x: Value) => x.graph.apply(Relu, [x]);

export const Identity = op('Identity', unary('Identity', false), (g) => [() => g]);
export const identity = (x: Value) => x.graph.apply(Identity, [x]);

// ─── comparisons, selection, casts ────────────────────────────────────────────────────────────

export const Greater = op('Greater', elementwise('Greater', 'bool'), null);
export const greater = (a: Operand, b: Operand) => binary(Greater, a, b);

export const Equal = op('Equal', elementwise('Equal', 'bool'), null);
export const equal = (a: Operand, b: Operand) => binary(Equal, a, b);

export const Where = op(
  'Where',
  ([c, a, b]) => {
    if (c.dtype !== 'bool') fail('Where', `condition must be bool, got ${c}`);
    if (a.dtype !== b.dtype) fail('Where', `branches differ in dtype: ${a}, ${b}`);
    return { dtype: a.dtype, shape: broadcastShapes('Where', c.shape, a.shape, b.shape) };
  },
  (g, { inputs: [c, a, b] }) => [
    null,
    () => unbroadcast(where(c, g, 0), a.shape),
    () => unbroadcast(where(c, 0, g), b.shape),
  ],
);
export function where(c: Value, a: Operand, b: Operand): Value {
  const like = typeof a === 'number' ? b : a;
  if (typeof like === 'number') throw new Error('Where: at least one branch must be a graph value');
  return c.graph.apply(Where, [c, lift(a, like), lift(b, like)]);
}

export const Cast = op(
  'Cast',
  ([x], attrs) => {
    const to = attrs.to;
    if (to?.kind !== 'dtype') fail('Cast', 'missing target dtype');
    return { dtype: to.value, shape: x.shape };
  },
  (g, { inputs: [x] }) => [isFloat(x.dtype) ? () => cast(g, x.dtype) : null],
);
export const cast = (x: Value, to: DType) => (x.dtype === to ? x : x.graph.apply(Cast, [x], { to: { kind: 'dtype', value: to } }));

// ─── shapes ───────────────────────────────────────────────────────────────────────────────────

/** ONNX Shape (named ShapeOf here so it does not clash with the Shape type). */
export const ShapeOf = op('Shape', ([x]) => ({ dtype: 'int64', shape: [x.rank] }), null);
export const shape = (x: Value) => x.graph.apply(ShapeOf, [x]);

export const Size = op('Size', () => ({ dtype: 'int64', shape: [] }), null);
export const size = (x: Value) => x.graph.apply(Size, [x]);

export const ConstantOfShape = op(
  'ConstantOfShape',
  ([s], attrs) => {
    const v = attrs.value;
    if (v?.kind !== 'tensor') fail('ConstantOfShape', 'missing value');
    return { dtype: v.value.dtype, shape: shapeFrom('ConstantOfShape', s) };
  },
  null,
);
/** Zeros shaped like x, built at run time (x may have symbolic dims). */
export function zerosLike(x: Value): Value {
  const value = { dtype: x.dtype, dims: [1], data: typedArrayOf(x.dtype, [0]) };
  return x.graph.apply(ConstantOfShape, [shape(x)], { value: { kind: 'tensor', value } });
}

/** Every reshaping op's rule: reshape the gradient back to the input's shape. */
const reshapeBack: GradRule = (g, { inputs }) => [() => reshape(g, shape(inputs[0])), ...inputs.slice(1).map(() => null)];

export const Reshape = op(
  'Reshape',
  ([x, s]) => {
    const target = shapeFrom('Reshape', s).map((d, i) => (d === 0 ? x.shape[i] : d));
    if (target.includes(-1)) fail('Reshape', 'use unsqueeze/squeeze or a Shape() target instead of -1');
    return { dtype: x.dtype, shape: target };
  },
  reshapeBack,
);
/** Reshape to a shape value: Shape(y) (shape of another value) or an int64 constant. */
export const reshape = (x: Value, s: Value) => x.graph.apply(Reshape, [x, s]);

export const Unsqueeze = op(
  'Unsqueeze',
  ([x, a]) => {
    const raw = constInts('Unsqueeze', a);
    const rank = x.rank + raw.length;
    const axes = raw.map((ax) => normAxis('Unsqueeze', ax, rank));
    const out: Shape[number][] = [];
    for (let i = 0, j = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : x.shape[j++]);
    return { dtype: x.dtype, shape: out };
  },
  reshapeBack,
);
export const unsqueeze = (x: Value, axes: number[]) => x.graph.apply(Unsqueeze, [x, x.graph.ints(axes)]);

export const Squeeze = op(
  'Squeeze',
  ([x, a]) => {
    const axes = constInts('Squeeze', a).map((ax) => normAxis('Squeeze', ax, x.rank));
    for (const ax of axes) if (x.shape[ax] !== 1) fail('Squeeze', `axis ${ax} of ${x} is not 1`);
    return { dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.includes(i)) };
  },
  reshapeBack,
);
export const squeeze = (x: Value, axes: number[]) => x.graph.apply(Squeeze, [x, x.graph.ints(axes)]);

export const Expand = op(
  'Expand',
  ([x, s]) => ({ dtype: x.dtype, shape: broadcastShapes('Expand', x.shape, shapeFrom('Expand', s)) }),
  (g, { inputs: [x] }) => [() => unbroadcast(g, x.shape), null],
);
export const expand = (x: Value, s: Value) => x.graph.apply(Expand, [x, s]);

export const Transpose = op(
  'Transpose',
  ([x], attrs) => {
    const perm = attrInts(attrs, 'perm');
    if (perm.length !== x.rank) fail('Transpose', `perm [${perm}] does not fit ${x}`);
    return { dtype: x.dtype, shape: perm.map((p) => x.shape[p]) };
  },
  (g, { attrs }) => {
    const perm = attrInts(attrs, 'perm');
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [() => transpose(g, inverse)];
  },
);
export const transpose = (x: Value, perm: number[] = range(x.rank).reverse()) =>
  x.graph.apply(Transpose, [x], { perm: { kind: 'ints', value: perm } });

export const Concat = op(
  'Concat',
  (inputs, attrs) => {
    const first = inputs[0];
    const axis = normAxis('Concat', attrInt(attrs, 'axis', 0), first.rank);
    let total = 0;
    for (const v of inputs) {
      if (v.dtype !== first.dtype || v.rank !== first.rank) fail('Concat', `cannot join ${v} to ${first}`);
      v.shape.forEach((d, i) => {
        if (i !== axis && !sameDim(d, first.shape[i])) fail('Concat', `dimension ${i} of ${v} differs from ${first}`);
      });
      const d = v.shape[axis];
      if (typeof d !== 'number') fail('Concat', `the joined axis of ${v} must be static`);
      total += d;
    }
    return { dtype: first.dtype, shape: first.shape.map((d, i) => (i === axis ? total : d)) };
  },
  (g, { inputs, attrs }) => {
    const axis = normAxis('Concat', attrInt(attrs, 'axis', 0), g.rank);
    let start = 0;
    return inputs.map((v) => {
      const from = start;
      start += v.shape[axis] as number;
      return () => slice(g, axis, from, from + (v.shape[axis] as number));
    });
  },
);
export const concat = (inputs: Value[], axis: number) =>
  inputs[0].graph.apply(Concat, inputs, { axis: { kind: 'int', value: axis } });

export const Slice = op(
  'Slice',
  ([x, s, e, a]) => {
    const [start] = constInts('Slice', s);
    const [end] = constInts('Slice', e);
    const axis = normAxis('Slice', constInts('Slice', a)[0], x.rank);
    const d = x.shape[axis];
    if (typeof d !== 'number' || start < 0 || end > d || end <= start) fail('Slice', `[${start}, ${end}) does not fit axis ${axis} of ${x}`);
    return { dtype: x.dtype, shape: x.shape.map((dim, i) => (i === axis ? end - start : dim)) };
  },
  null,
);
/** x[start:end] along one static axis. */
export const slice = (x: Value, axis: number, start: number, end: number) =>
  x.graph.apply(Slice, [x, x.graph.ints([start]), x.graph.ints([end]), x.graph.ints([axis])]);

// ─── reductions and products ──────────────────────────────────────────────────────────────────

function reduceInfer(type: string): OpDef['infer'] {
  return ([x, a], attrs) => {
    if (!isFloat(x.dtype)) fail(type, `needs a float input, got ${x}`);
    const axes = constInts(type, a).map((ax) => normAxis(type, ax, x.rank));
    const keep = attrInt(attrs, 'keepdims', 1) === 1;
    const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return { dtype: x.dtype, shape };
  };
}

/** The output gradient spread back over the reduced axes. */
function spread(g: Value, node: Node): Value {
  const [x, a] = node.inputs;
  const axes = constInts(node.op.type, a).map((ax) => normAxis(node.op.type, ax, x.rank));
  const kept = attrInt(node.attrs, 'keepdims', 1) === 1 ? g : unsqueeze(g, axes);
  return expand(kept, shape(x));
}

export const ReduceSum = op('ReduceSum', reduceInfer('ReduceSum'), (g, node) => [() => spread(g, node), null]);
export const reduceSum = (x: Value, axes: number[], keepdims: boolean) =>
  x.graph.apply(ReduceSum, [x, x.graph.ints(axes)], { keepdims: { kind: 'int', value: keepdims ? 1 : 0 } });

export const ReduceMean = op('ReduceMean', reduceInfer('ReduceMean'), (g, node) => [
  // Each input element gets g / (number of elements averaged) = g · size(y) / size(x); sizes are
  // computed at run time because the batch dimension is symbolic. Scaling before spreading keeps
  // the multiply on the small tensor.
  () => spread(node.output.rank === 0
    ? div(g, cast(size(node.inputs[0]), g.dtype)) // a mean of everything: size(y) is 1
    : mul(g, div(cast(size(node.output), g.dtype), cast(size(node.inputs[0]), g.dtype))), node),
  null,
]);
export const reduceMean = (x: Value, axes: number[], keepdims: boolean) =>
  x.graph.apply(ReduceMean, [x, x.graph.ints(axes)], { keepdims: { kind: 'int', value: keepdims ? 1 : 0 } });

export const MatMul = op(
  'MatMul',
  ([a, b]) => {
    if (a.rank !== 2 || b.rank !== 2 || !sameDim(a.shape[1], b.shape[0]) || a.dtype !== b.dtype) {
      fail('MatMul', `cannot multiply ${a} by ${b} (2-D only)`);
    }
    return { dtype: a.dtype, shape: [a.shape[0], b.shape[1]] };
  },
  (g, { inputs: [a, b] }) => [() => matmul(g, transpose(b)), () => matmul(transpose(a), g)],
);
export const matmul = (a: Value, b: Value) => a.graph.apply(MatMul, [a, b]);

export const Softmax = op('Softmax', unary('Softmax'), (g, { attrs, output: y }) => {
  const axis = attrInt(attrs, 'axis', -1);
  return [() => mul(y, sub(g, reduceSum(mul(g, y), [axis], true)))];
});
export const softmax = (x: Value, axis = -1) => x.graph.apply(Softmax, [x], { axis: { kind: 'int', value: axis } });

export const LogSoftmax = op('LogSoftmax', unary('LogSoftmax'), (g, { attrs, output: y }) => {
  const axis = attrInt(attrs, 'axis', -1);
  return [() => sub(g, mul(exp(y), reduceSum(g, [axis], true)))];
});
export const logSoftmax = (x: Value, axis = -1) => x.graph.apply(LogSoftmax, [x], { axis: { kind: 'int', value: axis } });

// ─── embedding lookup and its scatter ─────────────────────────────────────────────────────────

export const Gather = op(
  'Gather',
  ([data, idx], attrs) => {
    if (attrInt(attrs, 'axis', 0) !== 0) fail('Gather', 'only axis 0 is supported');
    if (idx.dtype !== 'int32' && idx.dtype !== 'int64') fail('Gather', `indices must be int32/int64, got ${idx}`);
    return { dtype: data.dtype, shape: [...idx.shape, ...data.shape.slice(1)] };
  },
  // The dense rule (a table-sized zero tensor with the rows added in). Models avoid it by asking
  // for the gradient of the gathered rows instead (models/embedding.ts); it is here so any
  // graph that differentiates through a lookup is still right.
  (g, { inputs: [data, idx] }) => [
    () => scatterNDAdd(zerosLike(data), unsqueeze(cast(idx, 'int64'), [-1]), g),
    null,
  ],
);
export const gather = (data: Value, idx: Value) => data.graph.apply(Gather, [data, idx], { axis: { kind: 'int', value: 0 } });

export const ScatterND = op(
  'ScatterND',
  ([data, idx, updates]) => {
    if (idx.dtype !== 'int64' || updates.dtype !== data.dtype) fail('ScatterND', `bad inputs ${data}, ${idx}, ${updates}`);
    return { dtype: data.dtype, shape: data.shape };
  },
  null,
);
/** data with `updates` added at `indices` (duplicates accumulate): reduction="add", opset ≥ 16. */
export const scatterNDAdd = (data: Value, indices: Value, updates: Value) =>
  data.graph.apply(ScatterND, [data, indices, updates], { reduction: { kind: 'string', value: 'add' } });
