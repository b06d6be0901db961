import { describe, expect, it } from 'vitest';
import { Graph, gradients, ops, serialize } from './index.ts';
import { gradcheck } from '../testing/gradcheck.ts';

describe('autodiff walk', () => {
  it('throws naming the op when a rule is missing on the loss path', () => {
    const g = new Graph('float64');
    const x = g.input('x', 'float64', [4]);
    const loss = ops.reduceSum(ops.slice(x, 0, 1, 3), [0], false);
    expect(() => gradients(loss, [x])).toThrow(/no gradient rule for op Slice/);
  });

  it('differentiates only the path from the loss to what was asked for', () => {
    const g = new Graph('float64');
    const a = g.input('a', 'float64', [3]);
    const b = g.input('b', 'float64', [3]);
    // b's branch has no rule-less op, but it is not asked for: no backward node may touch it.
    const loss = ops.reduceSum(ops.add(ops.exp(a), ops.sigmoid(b)), [0], false);
    const before = g.nodes.length;
    gradients(loss, [a]);
    const backward = g.nodes.slice(before).map((n) => n.op.type);
    expect(backward).not.toContain('Sigmoid');
    expect(backward).not.toContain('Sub'); // Sigmoid's rule would build y·(1 − y)
  });

  it('sums the gradient of a value used more than once (fan-out)', () => {
    const g = new Graph('float64');
    const x = g.input('x', 'float64', [3]);
    const loss = ops.reduceSum(ops.mul(ops.mul(x, x), x), [0], false); // Σ x³ → 3x²
    const [dx] = gradients(loss, [x]);
    const report = gradcheck({ loss, feeds: new Map([[x, Float64Array.from([0.5, -1.5, 2])]]), targets: [{ input: x, grad: dx }] });
    expect(report.maxRelError, report.worst).toBeLessThan(1e-5);
  });

  it('stops at an intermediate value: gathered rows get a batch-sized gradient', () => {
    const g = new Graph('float32');
    const table = g.input('table', 'float32', ['n', 8]);
    const idx = g.input('idx', 'int32', ['B']);
    const rows = ops.gather(table, idx);
    const loss = ops.reduceSum(ops.mul(rows, rows), [0, 1], false);
    const [dRows] = gradients(loss, [rows]);
    expect(dRows.shape).toEqual(['B', 8]);
    expect(g.nodes.map((n) => n.op.type)).not.toContain('ScatterND');
    expect(serialize(g, { inputs: [table, idx], outputs: { loss, dRows } }).length).toBeGreaterThan(0);
  });

  it('does not materialise the [B, k] broadcast in the backward of a row-wise dot', () => {
    const g = new Graph('float32');
    const a = g.input('a', 'float32', ['B', 8]);
    const b = g.input('b', 'float32', ['B', 8]);
    const loss = ops.reduceMean(ops.reduceSum(ops.mul(a, b), [1], false), [0], false);
    gradients(loss, [a, b]);
    const consumers = g.nodes.filter((n) => n.op.type === 'Mul');
    expect(consumers.some((n) => n.inputs.some((v) => v.node?.op.type === 'Expand'))).toBe(false);
  });

  it('rejects a non-scalar loss and values the loss does not depend on', () => {
    const g = new Graph('float64');
    const x = g.input('x', 'float64', [3]);
    const y = g.input('y', 'float64', [3]);
    expect(() => gradients(ops.exp(x), [x])).toThrow(/scalar/);
    expect(() => gradients(ops.reduceSum(x, [0], false), [y])).toThrow(/does not depend on y/);
  });
});

describe('gradcheck itself', () => {
  it('catches a wrong rule', () => {
    const wrongSigmoid = { ...ops.Sigmoid, grad: ops.Exp.grad }; // g·y instead of g·y·(1 − y)
    const g = new Graph('float64');
    const x = g.input('x', 'float64', [4]);
    const loss = ops.reduceSum(g.apply(wrongSigmoid, [x]), [0], false);
    const [dx] = gradients(loss, [x]);
    const report = gradcheck({ loss, feeds: new Map([[x, Float64Array.from([0.1, -0.7, 1.2, 2])]]), targets: [{ input: x, grad: dx }] });
    expect(report.maxRelError).toBeGreaterThan(0.1);
  });
});
