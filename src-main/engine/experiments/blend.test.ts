// Issue 12 item 4: blends with weights fitted on the validation split.
import { describe, expect, it } from 'vitest';
import { mulberry32, normalSampler } from '../../data/random.ts';
import { rmse } from '../metrics.ts';
import { blend, fitRidgeWeights, projectToSimplex } from './blend.ts';

const normals = (seed: number, n: number, scale = 1) => {
  const normal = normalSampler(mulberry32(seed));
  return Float64Array.from({ length: n }, () => normal() * scale);
};

describe('blend', () => {
  const n = 4000;
  const a = normals(1, n);
  const b = normals(2, n);
  const noise = normals(3, n, 0.05);

  it('recovers a planted mix of two predictors', () => {
    const targets = Float32Array.from(a, (x, i) => 3.5 + 0.7 * x + 0.3 * b[i] + noise[i]);
    const p1 = Float32Array.from(a, (x) => 3.5 + x);
    const p2 = Float32Array.from(b, (x) => 3.5 + x);
    const r = blend([{ id: 'a', predictions: p1 }, { id: 'b', predictions: p2 }], targets);
    expect(r.members.map((m) => m.id)).toEqual(['a', 'b']);
    expect(r.members[0].weight).toBeCloseTo(0.7, 1);
    expect(r.members[1].weight).toBeCloseTo(0.3, 1);
    expect(r.members[0].weight + r.members[1].weight).toBeCloseTo(1, 9);
    expect(r.validRmse).toBeLessThan(Math.min(rmse(p1, targets), rmse(p2, targets)));
  });

  it('gives a bad predictor almost no weight and a good one nearly all of it', () => {
    const targets = Float32Array.from(a, (x) => 3.5 + x);
    const good = Float32Array.from(a, (x, i) => 3.5 + x + noise[i]);
    const bad = Float32Array.from(b, (x, i) => 3.5 - a[i] + x);
    const r = blend([{ id: 'bad', predictions: bad }, { id: 'good', predictions: good }], targets);
    const weight = Object.fromEntries(r.members.map((m) => [m.id, m.weight]));
    expect(weight.good).toBeGreaterThan(0.99);
    expect(weight.bad ?? 0).toBeLessThan(0.01);
    expect(r.validRmse).toBeLessThanOrEqual(rmse(good, targets));
  });

  it('is never worse on the validation split than its best member', () => {
    for (let seed = 0; seed < 20; seed++) {
      const m = 2 + (seed % 6);
      const targets = Float32Array.from(normals(100 + seed, 500), (x) => 3 + x);
      const inputs = Array.from({ length: m }, (_, k) => {
        const e = normals(1000 * seed + k, 500, 0.3 + 0.2 * k);
        const shared = normals(7 * seed, 500, 0.4);
        return { id: `r${k}`, predictions: Float32Array.from(targets, (y, i) => y + e[i] + shared[i]) };
      });
      const best = Math.min(...inputs.map((x) => rmse(x.predictions, targets)));
      const r = blend(inputs, targets);
      expect(r.validRmse).toBeLessThanOrEqual(best + 1e-12);
      expect(r.members.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 9);
      expect(r.members.every((x) => x.weight > 0)).toBe(true);
    }
  });

  it('ridge: free weights that cancel the error two members share, which no convex mix can', () => {
    // Both carry the signal and one shared error, the second half as much of it: 2·p2 − p1 is the targets' own.
    const shared = normals(4, n, 1);
    const targets = Float32Array.from(a, (x, i) => 3.5 + x + noise[i]);
    const p1 = Float32Array.from(a, (x, i) => 3.5 + x + shared[i]);
    const p2 = Float32Array.from(a, (x, i) => 3.5 + x + 0.5 * shared[i]);
    const fitted = blend([{ id: 'a', predictions: p1 }, { id: 'b', predictions: p2 }], targets);
    const ridge = blend([{ id: 'a', predictions: p1 }, { id: 'b', predictions: p2 }], targets, 'ridge');
    expect(ridge.mode).toBe('ridge');
    // Towards (−1, 2), held back a little by λ.
    expect(ridge.members.find((m) => m.id === 'a')!.weight).toBeLessThan(-0.8);
    expect(ridge.members.find((m) => m.id === 'b')!.weight).toBeGreaterThan(1.8);
    expect(fitted.members).toEqual([{ id: 'b', weight: 1 }]);
    expect(ridge.validRmse).toBeLessThan(fitted.validRmse - 0.05);
    // Its predictions are Σ w·p with the weights it reports.
    const w = Object.fromEntries(ridge.members.map((m) => [m.id, m.weight]));
    expect(ridge.predictions[7]).toBeCloseTo(w.a * p1[7] + w.b * p2[7], 4);
  });

  it('ridge solves the normal equations (PᵀP/n + λI) w = Pᵀy/n', () => {
    const targets = Float32Array.from(a, (x, i) => 3 + x + 0.5 * b[i]);
    const inputs = [a, b, noise].map((v, k) => ({ id: `r${k}`, predictions: Float32Array.from(v, (x, i) => 3 + x + 0.2 * a[i]) }));
    const w = fitRidgeWeights(inputs, targets, 0.05);
    for (let r = 0; r < 3; r++) {
      let lhs = 0.05 * w[r];
      let rhs = 0;
      for (let i = 0; i < n; i++) {
        let pw = 0;
        for (let c = 0; c < 3; c++) pw += inputs[c].predictions[i] * w[c];
        lhs += (inputs[r].predictions[i] * pw) / n;
        rhs += (inputs[r].predictions[i] * targets[i]) / n;
      }
      expect(lhs).toBeCloseTo(rhs, 6);
    }
    expect(() => fitRidgeWeights(inputs, targets, 0)).toThrow(/above 0/);
  });

  it('averages with equal weights when asked', () => {
    const targets = new Float32Array([1, 2, 3]);
    const r = blend([{ id: 'x', predictions: new Float32Array([1, 1, 1]) }, { id: 'y', predictions: new Float32Array([3, 3, 3]) }], targets, 'equal');
    expect(r.members).toEqual([{ id: 'x', weight: 0.5 }, { id: 'y', weight: 0.5 }]);
    expect(Array.from(r.predictions)).toEqual([2, 2, 2]);
    expect(r.validRmse).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('refuses runs of another split, and no runs', () => {
    expect(() => blend([{ id: 'r3', predictions: new Float32Array(2) }], new Float32Array(3)))
      .toThrow('run r3 has 2 validation predictions, the split has 3 ratings');
    expect(() => blend([], new Float32Array(3))).toThrow('a blend needs at least one run');
  });
});

describe('projectToSimplex', () => {
  it('maps onto non-negative weights summing to 1, keeping points already there', () => {
    expect(Array.from(projectToSimplex(new Float64Array([0.2, 0.8])))).toEqual([0.2, 0.8]);
    expect(Array.from(projectToSimplex(new Float64Array([2, 0])))).toEqual([1, 0]);
    const p = projectToSimplex(new Float64Array([0.5, 0.5, -3]));
    expect(Array.from(p)).toEqual([0.5, 0.5, 0]);
  });
});
