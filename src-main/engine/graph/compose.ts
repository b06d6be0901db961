/**
 * Compositions of primitive ops. None has a gradient rule of its own: autodiff differentiates
 * through the primitives they are made of (micrograd's `a / b = a * b**-1`).
 */
import type { Value } from './graph.ts';
import { add, concat, exp, logSoftmax, matmul, mul, neg, reduceMean, reduceSum, sigmoid, sub } from './ops.ts';
import { range } from './broadcast.ts';

/** Row-wise dot product of two [B, k] values → [B]. */
export const rowDot = (a: Value, b: Value): Value => reduceSum(mul(a, b), [1], false);

/** Mean of every element → scalar. */
export const mean = (x: Value): Value => reduceMean(x, range(x.rank), false);

export const square = (x: Value): Value => mul(x, x);

/** Mean squared error over the batch. */
export const mse = (pred: Value, target: Value): Value => mean(square(sub(pred, target)));

/** fastai's sigmoid_range: squashes x into (lo, hi) — fastbook uses (0, 5.5) for 0.5–5 stars. */
export const sigmoidRange = (x: Value, lo: number, hi: number): Value => {
  const scaled = mul(sigmoid(x), hi - lo);
  return lo === 0 ? scaled : add(scaled, lo);
};

/** A fully connected layer x·W + b (W is [in, out], as the graph stores it). */
export const linear = (x: Value, w: Value, b: Value): Value => add(matmul(x, w), b);

export const concatColumns = (values: Value[]): Value => concat(values, 1);

/** Mean softmax cross-entropy of logits [B, C] against one-hot targets [B, C]. */
export const softmaxCrossEntropy = (logits: Value, onehot: Value): Value =>
  neg(mean(reduceSum(mul(onehot, logSoftmax(logits, 1)), [1], false)));

/** Class probabilities from logits, via LogSoftmax (the numerically stable path). */
export const probabilities = (logits: Value): Value => exp(logSoftmax(logits, 1));
