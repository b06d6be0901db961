import { describe, expect, it } from 'vitest';
import { Graph, ops } from './index.ts';

describe('eager shapes', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', ['B', 4]);

  it('broadcasts symbolic and static dims', () => {
    expect(ops.add(x, g.input('b', 'float32', [4])).shape).toEqual(['B', 4]);
    expect(ops.mul(x, g.input('c', 'float32', ['B', 1])).shape).toEqual(['B', 4]);
  });

  it('fails where the op is written, naming it', () => {
    expect(() => ops.add(x, g.input('d', 'float32', [3]))).toThrow(/^Add: shapes \[B, 4\] and \[3\] do not broadcast/);
    expect(() => ops.matmul(x, g.input('w', 'float32', [3, 2]))).toThrow(/^MatMul/);
    expect(() => ops.add(x, g.input('i', 'int32', [4]))).toThrow(/^Add: mixed dtypes/);
  });

  it('names nodes deterministically', () => {
    const build = () => {
      const h = new Graph();
      const a = h.input('a', 'float32', [2]);
      return ops.exp(ops.add(ops.mul(a, 2), a)).name;
    };
    expect(build()).toBe('Exp_0');
    expect(build()).toBe(build());
  });
});
