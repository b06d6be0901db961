/**
 * A blend: a weighted average of runs' predictions, with weights fitted on the validation split
 * or equal. It is judged on that same split, as a Kaggle blend is on its holdout.
 *
 * Fitted weights are least squares on the simplex (each weight ≥ 0, together 1), not free least
 * squares or ridge: the members are strongly correlated (their RMSEs differ by 0.01 on errors of
 * 0.9), so free weights swing to large opposite signs that fit the validation noise and
 * extrapolate outside the rating scale; a convex combination stays on the scale, reads as "how
 * much of each run", zeroes the runs that add nothing, and, since every single member is a point
 * of the simplex, can never be worse on the validation split than the best member (the fit
 * starts there and keeps the best point it finds). The app's blends are these (its run store
 * keeps a blend's weights in [0, 1]).
 *
 * 'ridge' (what `collabsheet tune` fits): free weights, no intercept, min ‖Pw − y‖²/n + λ‖w‖²
 * at λ = RIDGE_LAMBDA. Regularised members predict too close to the mean; free weights that sum
 * to a little more than 1 stretch the blend back out, and small negative ones cancel what two
 * near-copies share, which the simplex cannot. Judged out of sample on a 120 s tune's ml-100k
 * runs and kNN members (two-fold cross-validation over the validation split: fit on one half,
 * judge on the other; fitted on all of it in brackets): random 90/10 split, simplex 0.8821
 * (0.8810), ridge λ 0.01 0.8815 (0.8788), 0.03 0.8814 (0.8799), 0.1 0.8822 (0.8814); u1,
 * simplex 0.9040 (0.9031), ridge 0.01 0.9010 (0.8995), 0.03 0.9017, 0.1 0.9037. An intercept
 * gains 0.0000–0.0002 at λ 0.01: not worth a term the serving model lacks.
 */
import { rmse } from '../metrics.ts';

export interface BlendMember {
  id: string;
  weight: number;
}

export interface Blend {
  kind: 'blend';
  /** fitted: convex weights; ridge: free weights (see above); equal: 1/m each. */
  mode: 'fitted' | 'equal' | 'ridge';
  /** The runs with a weight other than zero, in the order given. */
  members: BlendMember[];
  validRmse: number;
}

export interface BlendInput {
  id: string;
  predictions: Float32Array;
}

/** Accelerated projected-gradient steps: ample for the 30 runs a tune blends (κ of G about 1e3). */
const STEPS = 5000;
/** The ridge's λ, on the scale of the mean squared prediction (about 13 for ratings 1–5). */
export const RIDGE_LAMBDA = 0.01;

export function blend<M extends Blend['mode'] = 'fitted'>(
  inputs: readonly BlendInput[], targets: Float32Array, mode: M = 'fitted' as M,
): Blend & { mode: M; predictions: Float32Array } {
  if (inputs.length === 0) throw new Error('a blend needs at least one run');
  for (const x of inputs) {
    if (x.predictions.length !== targets.length) {
      throw new Error(`run ${x.id} has ${x.predictions.length} validation predictions, the split has ${targets.length} ratings: blend runs of the same split`);
    }
  }
  if (targets.length === 0) throw new Error('a blend needs validation ratings to be judged on');
  const weights = mode === 'equal' ? new Float64Array(inputs.length).fill(1 / inputs.length)
    : mode === 'ridge' ? fitRidgeWeights(inputs, targets) : fitSimplexWeights(inputs, targets);
  const mixed = mix(inputs, weights, targets.length);
  const members = inputs.map((x, m) => ({ id: x.id, weight: weights[m] })).filter((m) => m.weight !== 0);
  return { kind: 'blend', mode, members, validRmse: rmse(mixed, targets), predictions: Float32Array.from(mixed) };
}

/** Σ w·p in float64, so a one-member blend is exactly that member. */
function mix(inputs: readonly BlendInput[], w: Float64Array, n: number): Float64Array {
  const acc = new Float64Array(n);
  inputs.forEach((x, m) => {
    if (w[m] === 0) return;
    for (let i = 0; i < n; i++) acc[i] += w[m] * x.predictions[i];
  });
  return acc;
}

/**
 * min ‖Pw − y‖² over the simplex. With Σw = 1, Pw − y = Ew for the members' errors E = P − y,
 * so the objective is wᵀGw with G = EᵀE/n, the mean squared error itself (the ratings are read
 * once, to build G). Solved by accelerated projected gradient (FISTA, restarted whenever the
 * error rises) from the best single member, keeping the best point seen — which is therefore
 * never worse than that member.
 */
export function fitSimplexWeights(inputs: readonly BlendInput[], targets: Float32Array): Float64Array {
  const m = inputs.length;
  const G = errorGram(inputs, targets);
  const mse = (w: Float64Array) => {
    let q = 0;
    for (let a = 0; a < m; a++) {
      let gw = 0;
      for (let c = 0; c < m; c++) gw += G[a * m + c] * w[c];
      q += w[a] * gw;
    }
    return q;
  };
  let first = 0;
  for (let a = 1; a < m; a++) if (G[a * m + a] < G[first * m + first]) first = a;
  let best: Float64Array = new Float64Array(m);
  best[first] = 1;
  if (m === 1) return best;
  let bestMse = mse(best);
  const step = 1 / largestEigenvalue(G, m);
  let x: Float64Array = best;
  let y: Float64Array = best;
  let t = 1;
  let previous = bestMse;
  for (let k = 0; k < STEPS; k++) {
    const moved = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      let gy = 0;
      for (let c = 0; c < m; c++) gy += G[a * m + c] * y[c];
      moved[a] = y[a] - step * 2 * gy;
    }
    const next = projectToSimplex(moved);
    const f = mse(next);
    if (f < bestMse) {
      best = next;
      bestMse = f;
    }
    if (f > previous) {
      // Momentum overshot: restart from the last point.
      t = 1;
      y = x;
      continue;
    }
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    y = next.map((v, a) => v + ((t - 1) / tNext) * (v - x[a]));
    x = next;
    t = tNext;
    previous = f;
  }
  return best;
}

/** (PᵀP/n + λI) w = Pᵀy/n, by Cholesky (the matrix is positive definite for λ > 0), in float64. */
export function fitRidgeWeights(inputs: readonly BlendInput[], targets: Float32Array, lambda = RIDGE_LAMBDA): Float64Array {
  if (!(lambda > 0)) throw new Error(`ridge λ must be above 0, got ${lambda}`);
  const m = inputs.length;
  const n = targets.length;
  const A = new Float64Array(m * m);
  const b = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const pa = inputs[a].predictions;
    let s = 0;
    for (let i = 0; i < n; i++) s += pa[i] * targets[i];
    b[a] = s / n;
    for (let c = a; c < m; c++) {
      const pc = inputs[c].predictions;
      let t = 0;
      for (let i = 0; i < n; i++) t += pa[i] * pc[i];
      A[a * m + c] = A[c * m + a] = t / n + (a === c ? lambda : 0);
    }
  }
  return choleskySolve(A, b, m);
}

/** Solves A x = b for a symmetric positive definite A (row-major m × m). */
function choleskySolve(A: Float64Array, b: Float64Array, m: number): Float64Array {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      L[i * m + j] = i === j ? Math.sqrt(s) : s / L[j * m + j];
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * y[k];
    y[i] = s / L[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * x[k];
    x[i] = s / L[i * m + i];
  }
  return x;
}

/** G = EᵀE/n for the errors E = P − y, in float64. */
function errorGram(inputs: readonly BlendInput[], targets: Float32Array): Float64Array {
  const m = inputs.length;
  const n = targets.length;
  const errors = inputs.map((x) => Float64Array.from(x.predictions, (p, i) => p - targets[i]));
  const G = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let c = a; c < m; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += errors[a][i] * errors[c][i];
      G[a * m + c] = G[c * m + a] = s / n;
    }
  }
  return G;
}

/** Power iteration (G is symmetric positive semi-definite), times the gradient's factor 2, with a margin. */
function largestEigenvalue(G: Float64Array, m: number): number {
  let v: Float64Array = new Float64Array(m).fill(1 / Math.sqrt(m));
  let lambda = 0;
  for (let k = 0; k < 200; k++) {
    const u = new Float64Array(m);
    for (let a = 0; a < m; a++) for (let c = 0; c < m; c++) u[a] += G[a * m + c] * v[c];
    const norm = Math.hypot(...u);
    if (norm === 0) return 1;
    lambda = norm;
    v = u.map((x) => x / norm);
  }
  return 2 * lambda * 1.01;
}

/** Euclidean projection onto { w ≥ 0, Σw = 1 } (Duchi et al. 2008: sort, find the threshold). */
export function projectToSimplex(v: Float64Array): Float64Array {
  const u = Float64Array.from(v).sort().reverse();
  let cumulative = 0;
  let theta = 0;
  for (let j = 0; j < u.length; j++) {
    cumulative += u[j];
    const t = (cumulative - 1) / (j + 1);
    if (u[j] - t > 0) theta = t;
  }
  return v.map((x) => Math.max(0, x - theta));
}
