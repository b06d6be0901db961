import { describe, expect, it } from 'vitest';
import { mulberry32, normalSampler } from '../../data/random.ts';
import { cholesky, choleskySolveInPlace, inverseSpd, symmetricEigen } from './linalg.ts';

const normal = normalSampler(mulberry32(7));

/** A random symmetric positive-definite n×n matrix B Bᵀ + n·I. */
function randomSpd(n: number): Float64Array {
  const b = Float64Array.from({ length: n * n }, normal);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let p = 0; p < n; p++) s += b[i * n + p] * b[j * n + p];
      a[i * n + j] = s;
    }
  }
  return a;
}

const matVec = (a: Float64Array, n: number, x: ArrayLike<number>) =>
  Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    return s;
  });

describe('cholesky', () => {
  it('solves A x = b to machine precision', () => {
    const n = 31;
    const a = randomSpd(n);
    const x = Float64Array.from({ length: n }, normal);
    const solved = choleskySolveInPlace(cholesky(a, n), n, matVec(a, n, x));
    for (let i = 0; i < n; i++) expect(solved[i]).toBeCloseTo(x[i], 10);
  });

  it('inverts: A · A⁻¹ = I', () => {
    const n = 12;
    const a = randomSpd(n);
    const inv = inverseSpd(a, n);
    for (let j = 0; j < n; j++) {
      const col = matVec(a, n, Array.from({ length: n }, (_, i) => inv[i * n + j]));
      for (let i = 0; i < n; i++) expect(col[i]).toBeCloseTo(i === j ? 1 : 0, 10);
    }
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/not positive definite/);
  });
});

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('matches the closed form of a 2×2 matrix', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, −1)/√2.
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0] * vectors[1]).toBeCloseTo(0.5, 12);
    expect(vectors[2] * vectors[3]).toBeCloseTo(-0.5, 12);
  });

  it('A v = λ v with orthonormal vectors, sorted, on a random 50×50 matrix', () => {
    const n = 50;
    const a = randomSpd(n).map((v, i) => (i % (n + 1) === 0 ? v - 40 : v)); // indefinite too
    const { values, vectors } = symmetricEigen(a, n);
    for (let c = 0; c < n; c++) {
      const v = vectors.subarray(c * n, c * n + n);
      const av = matVec(a, n, v);
      for (let i = 0; i < n; i++) expect(av[i]).toBeCloseTo(values[c] * v[i], 8);
      for (let d = c; d < n; d++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * vectors[d * n + i];
        expect(dot).toBeCloseTo(c === d ? 1 : 0, 10);
      }
      if (c > 0) expect(values[c]).toBeLessThanOrEqual(values[c - 1]);
    }
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 8);
  });

  it('handles repeated eigenvalues (where power iteration with deflation struggles)', () => {
    // Q diag(5, 5, 5, 1) Qᵀ for a rotation Q: three equal eigenvalues.
    const n = 4;
    const q = symmetricEigen(randomSpd(n), n).vectors;
    const d = [5, 5, 5, 1];
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let c = 0; c < n; c++) a[i * n + j] += q[c * n + i] * d[c] * q[c * n + j];
    const { values } = symmetricEigen(a, n);
    expect(Array.from(values, (v) => Number(v.toFixed(10)))).toEqual([5, 5, 5, 1]);
  });
});
