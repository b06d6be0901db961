import { describe, expect, it } from 'vitest';
import { mulberry32, normalSampler } from '../../data/random.ts';
import { flatLength, packGrads, packParams, unpackParams } from './flat.ts';
import { Lbfgs, type Evaluate, type LbfgsIteration } from './lbfgs.ts';
import type { Param } from './types.ts';

/** Tighter than PyTorch's defaults (1e-9 / 1e-7), which stop near loss 1e-10 on Rosenbrock. */
const TIGHT = { tolChange: 1e-15, tolGrad: 1e-10 };

async function solve(lbfgs: Lbfgs, maxIter: number): Promise<LbfgsIteration[]> {
  const log: LbfgsIteration[] = [];
  for (let i = 0; i < maxIter && !lbfgs.converged; i++) log.push(await lbfgs.step());
  return log;
}

/** Rosenbrock in n dimensions: Σ 100(x[i+1] - x[i]²)² + (1 - x[i])², minimum 0 at all ones. */
const rosenbrock: Evaluate = (x, g) => {
  g.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * a * x[i] - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
};

describe('L-BFGS', () => {
  it('minimises the 2-d Rosenbrock function from (-1.5, 2)', async () => {
    const lbfgs = new Lbfgs(Float64Array.of(-1.5, 2), rosenbrock, TIGHT);
    const log = await solve(lbfgs, 200);
    expect(lbfgs.converged).not.toBeNull();
    expect(lbfgs.loss).toBeLessThan(1e-14);
    expect(lbfgs.x[0]).toBeCloseTo(1, 6);
    expect(lbfgs.x[1]).toBeCloseTo(1, 6);
    // Each iteration is reported (streamable) and the loss never increases.
    for (let i = 1; i < log.length; i++) expect(log[i].loss).toBeLessThanOrEqual(log[i - 1].loss);
    expect(log.length).toBeLessThan(100);
  });

  it('minimises a 10-d Rosenbrock function through an async objective', async () => {
    const lbfgs = new Lbfgs(new Float64Array(10), async (x, g) => rosenbrock(x, g), TIGHT);
    await solve(lbfgs, 500);
    expect(lbfgs.loss).toBeLessThan(1e-12);
    for (const v of lbfgs.x) expect(v).toBeCloseTo(1, 5);
  });

  it('solves a random least-squares problem to the normal-equations solution', async () => {
    const rand = mulberry32(7);
    const normal = normalSampler(rand);
    const m = 60;
    const n = 12;
    const A = Float64Array.from({ length: m * n }, () => normal());
    const b = Float64Array.from({ length: m }, () => normal());
    const r = new Float64Array(m);
    const leastSquares: Evaluate = (x, g) => {
      let f = 0;
      for (let i = 0; i < m; i++) {
        let s = -b[i];
        for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
        r[i] = s;
        f += 0.5 * s * s;
      }
      g.fill(0);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[j] += A[i * n + j] * r[i];
      return f;
    };
    const lbfgs = new Lbfgs(new Float64Array(n), leastSquares, TIGHT);
    await solve(lbfgs, 200);
    expect(lbfgs.converged).not.toBeNull();
    expect(lbfgs.gradNorm()).toBeLessThan(1e-6);
    // Reference: solve AᵀA x = Aᵀb by Gaussian elimination.
    const M = new Float64Array(n * (n + 1));
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) for (let i = 0; i < m; i++) M[p * (n + 1) + q] += A[i * n + p] * A[i * n + q];
      for (let i = 0; i < m; i++) M[p * (n + 1) + n] += A[i * n + p] * b[i];
    }
    for (let c = 0; c < n; c++) {
      for (let rr = c + 1; rr < n; rr++) {
        const f = M[rr * (n + 1) + c] / M[c * (n + 1) + c];
        for (let q = c; q <= n; q++) M[rr * (n + 1) + q] -= f * M[c * (n + 1) + q];
      }
    }
    const xStar = new Float64Array(n);
    for (let c = n - 1; c >= 0; c--) {
      let s = M[c * (n + 1) + n];
      for (let q = c + 1; q < n; q++) s -= M[c * (n + 1) + q] * xStar[q];
      xStar[c] = s / M[c * (n + 1) + c];
    }
    for (let j = 0; j < n; j++) expect(lbfgs.x[j]).toBeCloseTo(xStar[j], 7);
  });

  it('stops at once at a stationary point and restart() re-evaluates a changed objective', async () => {
    let target = 0;
    const quad: Evaluate = (x, g) => {
      g[0] = 2 * (x[0] - target);
      return (x[0] - target) ** 2;
    };
    const lbfgs = new Lbfgs(Float64Array.of(0), quad);
    const first = await lbfgs.step();
    expect(first.converged).toBe('gradient');
    expect(first.evaluations).toBe(1);
    target = 3;
    lbfgs.restart();
    await solve(lbfgs, 20);
    expect(lbfgs.x[0]).toBeCloseTo(3, 8);
  });
});

describe('flat parameter vectors', () => {
  it('pack/unpack round-trip and sparse gradients scatter into their rows', () => {
    const params: Param[] = [
      { name: 'user_factors', data: Float32Array.of(1, 2, 3, 4), rowSize: 2 },
      { name: 'user_bias', data: Float32Array.of(5, 6), rowSize: 1 },
    ];
    const x = packParams(params, new Float64Array(flatLength(params)));
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6]);
    x[5] = 7;
    unpackParams(x, params);
    expect(params[1].data[1]).toBe(7);
    const g = packGrads(params, [
      { rows: Int32Array.of(1, 1), values: Float32Array.of(1, 2, 3, 4), count: 2 },
      Float32Array.of(-1, -2),
    ], new Float64Array(6));
    expect(Array.from(g)).toEqual([0, 0, 4, 6, -1, -2]);
    expect(() => packParams(params, new Float64Array(5))).toThrow(/5 values, params 6/);
  });
});
