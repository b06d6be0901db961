/**
 * How well the learned factors recover the planted tastes a synthetic sheet was made from. The
 * factors are only defined up to a rotation (any invertible mix of them predicts the same), so a
 * single factor rarely equals a taste; what is recovered is the space. Two figures per taste:
 * the learned factor that correlates best, and the share of the taste's variance that a linear
 * mix of all factors explains (R² of least squares with an intercept, adjusted for the number of
 * factors: with 15 movies and 5 factors, plain R² of pure noise would already be about 0.36).
 */
export interface TasteRecovery {
  taste: string;
  bestFactor: number;
  correlation: number;
  r2: number;
}

export function recoverTastes(tastes: string[], planted: number[][], learned: number[][]): TasteRecovery[] {
  const factors = learned[0]?.length ?? 0;
  return tastes.map((taste, t) => {
    const y = planted.map((w) => w[t]);
    let bestFactor = 0;
    let correlation = 0;
    for (let f = 0; f < factors; f++) {
      const r = pearson(learned.map((v) => v[f]), y);
      if (Math.abs(r) > Math.abs(correlation)) {
        correlation = r;
        bestFactor = f;
      }
    }
    return { taste, bestFactor, correlation, r2: adjustedRSquared(rSquared(learned, y), y.length, factors) };
  });
}

export function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** 1 − (1 − R²)(n − 1)/(n − p − 1): R² without the credit a fit gets for having p predictors. */
export function adjustedRSquared(r2: number, n: number, p: number): number {
  return n - p - 1 > 0 ? Math.max(0, 1 - ((1 - r2) * (n - 1)) / (n - p - 1)) : 0;
}

/** R² of y on [1, X] by the normal equations (X is n × k, k small), solved by Gaussian elimination. */
export function rSquared(X: number[][], y: number[]): number {
  const rows = X.map((x) => [1, ...x]);
  const p = rows[0].length;
  const A = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  const b = Array.from({ length: p }, (_, i) => rows.reduce((s, r, n) => s + r[i] * y[n], 0));
  // A tiny ridge keeps a collinear factor (e.g. one shrunk to zero by weight decay) solvable.
  for (let i = 1; i < p; i++) A[i][i] += 1e-9;
  const beta = solve(A, b);
  const mean = y.reduce((a, c) => a + c, 0) / y.length;
  let ssRes = 0;
  let ssTot = 0;
  rows.forEach((r, n) => {
    const fit = r.reduce((s, v, i) => s + v * beta[i], 0);
    ssRes += (y[n] - fit) ** 2;
    ssTot += (y[n] - mean) ** 2;
  });
  return ssTot > 0 ? Math.max(0, 1 - ssRes / ssTot) : 0;
}

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[pivot][c])) pivot = r;
    [M[c], M[pivot]] = [M[pivot], M[c]];
    if (Math.abs(M[c][c]) < 1e-15) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const factor = M[r][c] / M[c][c];
      for (let j = c; j <= n; j++) M[r][j] -= factor * M[c][j];
    }
  }
  return M.map((row, i) => (Math.abs(row[i]) < 1e-15 ? 0 : row[n] / row[i]));
}
