/**
 * Every op's gradient rule against central finite differences in float64 (1e-5 relative).
 * Each case builds loss = Σ(op(inputs) ⊙ W) with a random W, so every output element carries a
 * different weight and a wrong rule cannot hide behind a uniform upstream gradient.
 */
import { describe, expect, it } from 'vitest';
import { Graph, type Value, gradients, ops, type Shape } from '../graph/index.ts';
import { mulberry32 } from '../../data/random.ts';
import type { TensorArray } from '../runtime/session.ts';
import { gradcheck } from './gradcheck.ts';

type Range = [number, number];
interface Case {
  build(g: Graph, input: (shape: number[], range?: Range) => Value): Value;
}

const cases: Record<string, Case> = {
  Add: { build: (_, x) => ops.add(x([3, 4]), x([4])) },
  Sub: { build: (_, x) => ops.sub(x([3, 1]), x([1, 4])) },
  Mul: { build: (_, x) => ops.mul(x([3, 4]), x([3, 1])) },
  Div: { build: (_, x) => ops.div(x([3, 4]), x([4], [1, 2])) },
  Pow: { build: (_, x) => ops.pow(x([3, 4], [0.5, 2]), x([4], [0.5, 3])) },
  Neg: { build: (_, x) => ops.neg(x([2, 3])) },
  Exp: { build: (_, x) => ops.exp(x([2, 3])) },
  Log: { build: (_, x) => ops.log(x([2, 3], [0.5, 3])) },
  Sqrt: { build: (_, x) => ops.sqrt(x([2, 3], [0.5, 3])) },
  Sigmoid: { build: (_, x) => ops.sigmoid(x([2, 3], [-3, 3])) },
  // Kept away from the kink at 0, where the derivative does not exist.
  Relu: { build: (_, x) => ops.relu(x([4, 3], [-2, 2])) },
  Identity: { build: (_, x) => ops.identity(x([2, 3])) },
  Where: {
    build: (g, x) => {
      const c = ops.greater(g.input('cond', 'float64', [3, 4]), 0);
      return ops.where(c, x([3, 4]), x([4]));
    },
  },
  // A float64 → float64 Cast: the rule casts the gradient back to the input's type.
  Cast: { build: (g, x) => g.apply(ops.Cast, [x([2, 3])], { to: { kind: 'dtype', value: 'float64' } }) },
  Reshape: { build: (g, x) => ops.reshape(x([3, 4]), g.ints([2, 6])) },
  Unsqueeze: { build: (_, x) => ops.unsqueeze(x([3, 4]), [1]) },
  Squeeze: { build: (_, x) => ops.squeeze(x([3, 1, 4]), [1]) },
  // Identity keeps the Expand materialised (a broadcasting consumer would skip it).
  Expand: { build: (g, x) => ops.identity(ops.expand(x([3, 1]), ops.shape(g.input('like', 'float64', [3, 4])))) },
  Transpose: { build: (_, x) => ops.transpose(x([2, 3, 4]), [2, 0, 1]) },
  Concat: { build: (_, x) => ops.concat([x([3, 2]), x([3, 4]), x([3, 1])], 1) },
  ReduceSum: { build: (_, x) => ops.add(ops.reduceSum(x([3, 4, 2]), [0, 2], true), ops.reduceSum(x([3, 4]), [1], false)) },
  // Partial, keepdims, and a mean of everything (a scalar: the loss's case, with its own shortcut).
  ReduceMean: {
    build: (_, x) => ops.add(ops.add(ops.reduceMean(x([3, 4, 2]), [1], false), ops.reduceMean(x([3, 2]), [0, 1], true)), ops.reduceMean(x([2, 3]), [0, 1], false)),
  },
  MatMul: { build: (_, x) => ops.matmul(x([3, 4]), x([4, 2])) },
  Softmax: { build: (_, x) => ops.softmax(x([3, 5], [-2, 2]), 1) },
  LogSoftmax: { build: (_, x) => ops.logSoftmax(x([3, 5], [-2, 2]), 1) },
  Gather: {
    build: (g, x) => {
      const idx = g.input('idx', 'int32', [6]);
      return ops.gather(x([5, 3]), idx);
    },
  },
};

/** Builds a case, differentiates it, and gradchecks every float input. */
function check(name: string, c: Case) {
  const g = new Graph('float64');
  const rand = mulberry32(hash(name));
  const feeds = new Map<Value, TensorArray>();
  const floats: Value[] = [];
  const input = (shape: number[], [lo, hi]: Range = [-1, 1]) => {
    const v = g.input(`x${floats.length}`, 'float64', shape);
    feeds.set(v, Float64Array.from({ length: count(shape) }, () => lo + (hi - lo) * rand()));
    floats.push(v);
    return v;
  };
  const out = c.build(g, input);
  // Inputs that are not differentiated: conditions, shape sources, indices (with duplicates).
  for (const v of g.inputs) {
    if (feeds.has(v)) continue;
    if (v.dtype === 'int32') feeds.set(v, Int32Array.from([4, 0, 2, 4, 1, 4]));
    else feeds.set(v, Float64Array.from({ length: count(v.shape) }, () => rand() - 0.5));
  }
  const w = g.input('w', 'float64', out.shape);
  feeds.set(w, Float64Array.from({ length: count(out.shape) }, () => rand() * 2 - 1));
  const loss = ops.reduceSum(ops.mul(out, w), range(out.rank), false);
  const grads = gradients(loss, floats);
  return gradcheck({ loss, feeds, targets: floats.map((v, i) => ({ input: v, grad: grads[i] })) });
}

describe('every gradient rule matches finite differences (float64, 1e-5 relative)', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const report = check(name, c);
      expect(report.checked).toBeGreaterThan(0);
      expect(report.maxRelError, report.worst).toBeLessThan(1e-5);
    });
  }

  it('covers every op that has a rule', () => {
    const withRules = Object.values(ops)
      .filter((v): v is typeof ops.Add => typeof v === 'object' && v !== null && 'grad' in v && v.grad !== null)
      .map((o) => o.type);
    expect(withRules.filter((t) => !(t in cases))).toEqual([]);
  });
});

const count = (shape: Shape) => shape.reduce<number>((p, d) => p * (d as number), 1);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const hash = (s: string) => [...s].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619), 2166136261);

