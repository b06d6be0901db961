import type { RatingsDataset } from '../../data/dataset.ts';
import { addError, meanSquared, noErrors } from '../metrics.ts';
import {
  type FactorModel, type Side, type Taste, biasedDot, hasBias, otherSide, predictRating, sideBias, sideFactors,
  sideRowCount, sigmoidRange,
} from './factor-model.ts';
import { cholesky, choleskySolveInPlace, inverseSpd } from './linalg.ts';

/**
 * Cold start without retraining. A new user's factors and bias x = [u, b] are solved with the
 * item table held fixed (and symmetrically for a new item), minimising
 *
 *   Σ_j (r_j − pred_j(x))² + (x − μ)ᵀ Λ (x − μ)
 *
 * — regularised least squares toward a prior mean μ. With no ratings the answer is μ, the
 * average taste (fastbook's bootstrapping answer). Linear models solve it exactly (one Cholesky
 * of a (k+1)² system); with a y_range sigmoid it is solved by damped Gauss–Newton on the same
 * objective.
 */
export interface FoldInPrior {
  /** The side the new row joins ('user': a new user rated items). */
  side: Side;
  /** k + 1 with biases (the last entry is the bias), k for the plain dot model. */
  dims: number;
  mean: Float64Array;
  /** dims × dims, symmetric positive definite. */
  lambda: Float64Array;
}

/** The mean row of one side: a new user with no ratings gets the average taste. */
export function averageTaste(model: FactorModel, side: Side): Taste {
  const k = model.k;
  const f = sideFactors(model, side);
  const b = sideBias(model, side);
  const n = sideRowCount(model, side);
  const factors = new Float64Array(k);
  let bias = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) factors[c] += f[r * k + c];
    if (b) bias += b[r];
  }
  return { factors: Float32Array.from(factors, (x) => x / n), bias: n ? bias / n : 0 };
}

/** Isotropic ridge: Λ = λ I toward the average taste. */
export function ridgePrior(model: FactorModel, side: Side, lambda: number): FoldInPrior {
  const dims = model.k + (hasBias(model) ? 1 : 0);
  const avg = averageTaste(model, side);
  const mean = new Float64Array(dims);
  mean.set(avg.factors);
  if (hasBias(model)) mean[model.k] = avg.bias;
  const lam = new Float64Array(dims * dims);
  for (let i = 0; i < dims; i++) lam[i * dims + i] = lambda;
  return { side, dims, mean, lambda: lam };
}

/**
 * The empirical-Bayes prior: the trained rows of the side are a sample of tastes, so treat them
 * as a Gaussian N(μ, Σ) and the ratings as carrying noise σ² (the model's mean squared residual
 * on `data`). The MAP estimate then has Λ = σ² Σ⁻¹ — no knob to tune, and it adapts to however
 * the factors were scaled by init and weight decay. σ² is measured on at most `maxResidualRows`
 * evenly strided ratings, so building the prior for 25M ratings stays well under a second.
 */
export function empiricalPrior(
  model: FactorModel,
  data: RatingsDataset,
  side: Side,
  options: { noiseVariance?: number; maxResidualRows?: number } = {},
): FoldInPrior {
  const k = model.k;
  const withBias = hasBias(model);
  const dims = k + (withBias ? 1 : 0);
  const f = sideFactors(model, side);
  const b = sideBias(model, side);
  const n = sideRowCount(model, side);
  if (n < 2) throw new Error(`fold-in prior: need at least 2 trained ${side} rows, got ${n}`);
  const x = new Float64Array(dims);
  const row = (r: number) => {
    for (let c = 0; c < k; c++) x[c] = f[r * k + c];
    if (b) x[k] = b[r];
    return x;
  };
  const mean = new Float64Array(dims);
  for (let r = 0; r < n; r++) {
    row(r);
    for (let c = 0; c < dims; c++) mean[c] += x[c];
  }
  for (let c = 0; c < dims; c++) mean[c] /= n;
  const cov = new Float64Array(dims * dims);
  for (let r = 0; r < n; r++) {
    row(r);
    for (let c = 0; c < dims; c++) x[c] -= mean[c];
    for (let i = 0; i < dims; i++) for (let j = i; j < dims; j++) cov[i * dims + j] += x[i] * x[j];
  }
  let trace = 0;
  for (let i = 0; i < dims; i++) {
    for (let j = i; j < dims; j++) cov[j * dims + i] = cov[i * dims + j] /= n - 1;
    trace += cov[i * dims + i];
  }
  // A direction no trained row varies in (e.g. k larger than the data supports) would make Σ
  // singular; a jitter of 1e-6 of the average variance keeps it invertible and barely moves x.
  const jitter = 1e-6 * (trace / dims) + 1e-12;
  for (let i = 0; i < dims; i++) cov[i * dims + i] += jitter;
  const noise = options.noiseVariance ?? meanSquaredResidual(model, data, options.maxResidualRows ?? 200_000);
  const lambda = inverseSpd(cov, dims).map((v) => v * noise);
  return { side, dims, mean, lambda };
}

/** Mean squared error of the model's predictions on (a strided sample of) the dataset's ratings. */
function meanSquaredResidual(model: FactorModel, data: RatingsDataset, maxRows: number): number {
  const total = data.ratings.length;
  if (total === 0) throw new Error('fold-in prior: the dataset has no ratings to measure the noise on');
  const stride = Math.max(1, Math.ceil(total / maxRows));
  const sums = noErrors();
  for (let r = 0; r < total; r += stride) addError(sums, predictRating(model, data.users[r], data.items[r]), data.ratings[r]);
  return meanSquared(sums);
}

export interface FoldInOptions {
  /** Gauss–Newton iterations for the y_range sigmoid (ignored for linear models). */
  maxIterations?: number;
}

/**
 * A new row's parameters from its ratings, the other side held fixed: `ratedRows` are rows of
 * the other side (item rows for a new user) and `ratings` their ratings.
 */
export function foldIn(
  model: FactorModel,
  prior: FoldInPrior,
  ratedRows: ArrayLike<number>,
  ratings: ArrayLike<number>,
  options: FoldInOptions = {},
): Taste {
  const { dims } = prior;
  const k = model.k;
  const modelDims = k + (hasBias(model) ? 1 : 0);
  if (dims !== modelDims) throw new Error(`fold-in prior has ${dims} dims; the model needs ${modelDims}`);
  if (ratedRows.length !== ratings.length) throw new Error(`fold-in: ${ratedRows.length} rows but ${ratings.length} ratings`);
  const fixed = otherSide(prior.side);
  const nFixed = sideRowCount(model, fixed);
  for (let j = 0; j < ratedRows.length; j++) {
    const r = ratedRows[j];
    if (!Number.isInteger(r) || r < 0 || r >= nFixed) throw new Error(`fold-in: ${fixed} row ${r} is outside [0, ${nFixed})`);
    if (!Number.isFinite(ratings[j])) throw new Error(`fold-in: rating ${j} is not a number`);
  }
  const features = new RatedFeatures(model, fixed, ratedRows, dims);
  const x = model.yRange
    ? solveSigmoid(model.yRange, features, ratings, prior, options.maxIterations ?? 30)
    : solveLinear(features, ratings, prior);
  return { factors: Float32Array.from(x.subarray(0, k)), bias: dims > k ? x[k] : 0 };
}

/** The fixed side's rows a new row was rated against: a_j = [v_j, 1] and their biases. */
class RatedFeatures {
  readonly n: number;
  readonly a: Float64Array;
  readonly otherBias: Float64Array;
  constructor(model: FactorModel, fixed: Side, rows: ArrayLike<number>, readonly dims: number) {
    const k = model.k;
    const f = sideFactors(model, fixed);
    const b = sideBias(model, fixed);
    this.n = rows.length;
    this.a = new Float64Array(this.n * dims);
    this.otherBias = new Float64Array(this.n);
    for (let j = 0; j < this.n; j++) {
      const r = rows[j];
      for (let c = 0; c < k; c++) this.a[j * dims + c] = f[r * k + c];
      if (dims > k) this.a[j * dims + k] = 1;
      this.otherBias[j] = b ? b[r] : 0;
    }
  }
  /** The raw score of rated row j for the new row's parameters x. */
  raw(j: number, x: Float64Array): number {
    return biasedDot(this.a, j * this.dims, x, 0, this.dims, this.otherBias[j]);
  }
}

function solveLinear(feat: RatedFeatures, ratings: ArrayLike<number>, prior: FoldInPrior): Float64Array {
  const { dims } = feat;
  const normal = Float64Array.from(prior.lambda);
  const rhs = priorPull(prior, prior.mean);
  for (let j = 0; j < feat.n; j++) addOuter(normal, rhs, feat.a, j * dims, dims, 1, ratings[j] - feat.otherBias[j]);
  return choleskySolveInPlace(cholesky(normal, dims), dims, rhs);
}

/** Λ·v (the prior's pull toward its mean, as a right-hand side). */
function priorPull(prior: FoldInPrior, v: Float64Array): Float64Array {
  const { dims, lambda } = prior;
  const out = new Float64Array(dims);
  for (let i = 0; i < dims; i++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += lambda[i * dims + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** normal += w² a aᵀ, rhs += w·t·a, for the feature row a = feat[offset .. offset+dims). */
function addOuter(normal: Float64Array, rhs: Float64Array, a: Float64Array, offset: number, dims: number, w: number, t: number): void {
  for (let p = 0; p < dims; p++) {
    const ap = a[offset + p] * w;
    rhs[p] += ap * t;
    for (let q = 0; q < dims; q++) normal[p * dims + q] += ap * a[offset + q] * w;
  }
}

/**
 * Damped Gauss–Newton on Σ (r − f(z))² + (x−μ)ᵀΛ(x−μ), f(z) = lo + (hi−lo)·sigmoid(z): each step
 * solves (JᵀJ + Λ) δ = Jᵀ res − Λ(x − μ) and is halved until the objective drops, so it never
 * diverges; it starts from μ, where the prior alone puts a new row.
 */
function solveSigmoid(
  [lo, hi]: [number, number], feat: RatedFeatures, ratings: ArrayLike<number>, prior: FoldInPrior, maxIterations: number,
): Float64Array {
  const { dims } = feat;
  const span = hi - lo;
  const objective = (x: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < feat.n; j++) {
      const e = ratings[j] - sigmoidRange(feat.raw(j, x), lo, hi);
      s += e * e;
    }
    const d = x.map((v, i) => v - prior.mean[i]);
    const pd = priorPull(prior, d);
    for (let i = 0; i < dims; i++) s += d[i] * pd[i];
    return s;
  };
  let x = Float64Array.from(prior.mean);
  let current = objective(x);
  for (let it = 0; it < maxIterations; it++) {
    const normal = Float64Array.from(prior.lambda);
    const rhs = priorPull(prior, x.map((v, i) => prior.mean[i] - v));
    for (let j = 0; j < feat.n; j++) {
      const s = 1 / (1 + Math.exp(-feat.raw(j, x)));
      // Jacobian row f'(z)·a with f'(z) = span·s·(1−s); residual r − f(z).
      addOuter(normal, rhs, feat.a, j * dims, dims, span * s * (1 - s), ratings[j] - (lo + span * s));
    }
    const step = choleskySolveInPlace(cholesky(normal, dims), dims, rhs);
    let t = 1;
    let next = x;
    let value = current;
    for (let halving = 0; halving < 30; halving++, t /= 2) {
      const candidate = x.map((v, i) => v + t * step[i]);
      const cv = objective(candidate);
      if (cv <= current) {
        next = candidate;
        value = cv;
        break;
      }
    }
    const improvement = current - value;
    x = next;
    current = value;
    if (improvement <= 1e-12 * Math.max(1, current)) break;
  }
  return x;
}
