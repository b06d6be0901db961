/**
 * L-BFGS for the full-batch "Solve" on small sheets: a line-by-line port of PyTorch's
 * torch.optim.LBFGS (two-loop recursion, history of curvature pairs, strong-Wolfe line search
 * with cubic interpolation), restructured so that each step() is one iteration the UI can show.
 * The objective is supplied by the caller (the trainer runs the ONNX graph on all ratings).
 */
import { strongWolfe, type LineSearchBuffers } from './line-search.ts';

/**
 * Loss at x; writes the gradient into `grad` (no allocation per call). May be async: the trainer's
 * evaluation runs an ONNX session. Called at trial points too, so after step() resolves the
 * accepted iterate is `x` — copy it back into the model (unpackParams) before using the model.
 */
export type Evaluate = (x: Float64Array, grad: Float64Array) => number | Promise<number>;

export interface LbfgsOptions {
  /** Curvature pairs kept (PyTorch history_size; default 10). */
  history?: number;
  /** Initial trial step (PyTorch lr; default 1). */
  lr?: number;
  /** Stop when max |grad| falls to this (default 1e-7). */
  tolGrad?: number;
  /** Stop when the step or the loss change falls below this (default 1e-9). */
  tolChange?: number;
  /** Objective evaluations allowed per line search (default 25). */
  maxLineSearch?: number;
}

export type LbfgsConvergence = 'gradient' | 'step' | 'loss' | 'no-descent';

export interface LbfgsIteration {
  iteration: number;
  loss: number;
  /** max |grad| at the new iterate. */
  gradNorm: number;
  /** Accepted step length along the search direction. */
  step: number;
  /** Objective evaluations this iteration (including the initial one on the first). */
  evaluations: number;
  /** Why the method has stopped, or null while it can still make progress. */
  converged: LbfgsConvergence | null;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

export class Lbfgs {
  /** The current iterate (updated in place by step()). */
  readonly x: Float64Array;
  /** Gradient at x. */
  readonly grad: Float64Array;
  loss = NaN;
  iteration = 0;
  converged: LbfgsConvergence | null = null;

  private readonly opts: Required<LbfgsOptions>;
  private readonly dir: Float64Array;
  private readonly prevGrad: Float64Array;
  private readonly s: Float64Array[];
  private readonly y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  /** History ring: `histLen` pairs, the oldest at `histStart`. */
  private histStart = 0;
  private histLen = 0;
  private hDiag = 1;
  private lastStep = 0;
  private evaluated = false;
  private readonly ls: LineSearchBuffers;

  constructor(x0: Float64Array, private readonly evaluate: Evaluate, options: LbfgsOptions = {}) {
    this.opts = {
      history: options.history ?? 10,
      lr: options.lr ?? 1,
      tolGrad: options.tolGrad ?? 1e-7,
      tolChange: options.tolChange ?? 1e-9,
      maxLineSearch: options.maxLineSearch ?? 25,
    };
    const n = x0.length;
    const vec = () => new Float64Array(n);
    this.x = Float64Array.from(x0);
    this.grad = vec();
    this.dir = vec();
    this.prevGrad = vec();
    this.s = Array.from({ length: this.opts.history }, vec);
    this.y = Array.from({ length: this.opts.history }, vec);
    this.rho = new Float64Array(this.opts.history);
    this.alpha = new Float64Array(this.opts.history);
    this.ls = { xTrial: vec(), gNew: vec(), gPrev: vec(), gLow: vec(), gHigh: vec() };
  }

  /**
   * Forget the curvature history and re-evaluate at the next step (the objective changed, e.g.
   * the user edited a rating), optionally moving to a new point.
   */
  restart(x?: Float64Array): void {
    if (x) this.x.set(x);
    this.histLen = 0;
    this.histStart = 0;
    this.hDiag = 1;
    this.iteration = 0;
    this.converged = null;
    this.evaluated = false;
  }

  /** One L-BFGS iteration: a search direction and a strong-Wolfe line search along it. */
  async step(): Promise<LbfgsIteration> {
    const { tolGrad, tolChange } = this.opts;
    let evaluations = 0;
    if (!this.evaluated) {
      this.loss = await this.evaluate(this.x, this.grad);
      evaluations++;
      this.evaluated = true;
      if (maxAbs(this.grad) <= tolGrad) this.converged = 'gradient';
    }
    if (this.converged) return this.report(0, evaluations);

    this.iteration++;
    this.computeDirection();
    this.prevGrad.set(this.grad);
    const prevLoss = this.loss;
    const t0 = this.iteration === 1
      ? Math.min(1, 1 / this.gradL1()) * this.opts.lr
      : this.opts.lr;
    const gtd = dot(this.grad, this.dir);
    if (gtd > -tolChange) {
      this.converged = 'no-descent';
      return this.report(0, evaluations);
    }

    const result = await strongWolfe(
      this.evaluate, this.x, t0, this.dir, this.loss, this.grad, gtd, this.ls,
      { c1: 1e-4, c2: 0.9, tolChange, maxIter: this.opts.maxLineSearch },
    );
    evaluations += result.evaluations;
    const t = result.t;
    for (let i = 0; i < this.x.length; i++) this.x[i] += t * this.dir[i];
    this.loss = result.loss;
    this.grad.set(result.grad);
    this.lastStep = t;

    if (maxAbs(this.grad) <= tolGrad) this.converged = 'gradient';
    else if (Math.abs(t) * maxAbs(this.dir) <= tolChange) this.converged = 'step';
    else if (Math.abs(this.loss - prevLoss) < tolChange) this.converged = 'loss';
    return this.report(t, evaluations);
  }

  /** max |grad| at the current iterate. */
  gradNorm(): number {
    return maxAbs(this.grad);
  }

  private report(step: number, evaluations: number): LbfgsIteration {
    return {
      iteration: this.iteration, loss: this.loss, gradNorm: this.gradNorm(), step,
      evaluations, converged: this.converged,
    };
  }

  private gradL1(): number {
    let s = 0;
    for (let i = 0; i < this.grad.length; i++) s += Math.abs(this.grad[i]);
    return s;
  }

  /** PyTorch's update of the history with (s = t·d, y = g - g_prev), then the two-loop recursion. */
  private computeDirection(): void {
    const { dir, grad } = this;
    const n = dir.length;
    if (this.iteration === 1) {
      for (let i = 0; i < n; i++) dir[i] = -grad[i];
      this.hDiag = 1;
      return;
    }
    this.pushCurvaturePair();
    const m = this.opts.history;
    // q = -g, newest to oldest.
    for (let i = 0; i < n; i++) dir[i] = -grad[i];
    for (let k = this.histLen - 1; k >= 0; k--) {
      const j = (this.histStart + k) % m;
      const a = dot(this.s[j], dir) * this.rho[j];
      this.alpha[j] = a;
      const yj = this.y[j];
      for (let i = 0; i < n; i++) dir[i] -= a * yj[i];
    }
    for (let i = 0; i < n; i++) dir[i] *= this.hDiag;
    // oldest to newest.
    for (let k = 0; k < this.histLen; k++) {
      const j = (this.histStart + k) % m;
      const b = dot(this.y[j], dir) * this.rho[j];
      const sj = this.s[j];
      const c = this.alpha[j] - b;
      for (let i = 0; i < n; i++) dir[i] += c * sj[i];
    }
  }

  private pushCurvaturePair(): void {
    const { dir, grad, prevGrad, lastStep } = this;
    let ys = 0;
    let yy = 0;
    for (let i = 0; i < dir.length; i++) {
      const yi = grad[i] - prevGrad[i];
      ys += yi * lastStep * dir[i];
      yy += yi * yi;
    }
    // Skip pairs with too little curvature (PyTorch's ys > 1e-10), which would break positivity.
    // Decided before writing, so a full ring does not lose its oldest pair to a skipped one.
    if (ys <= 1e-10) return;
    const m = this.opts.history;
    let slot: number;
    if (this.histLen < m) slot = (this.histStart + this.histLen++) % m;
    else {
      slot = this.histStart;
      this.histStart = (this.histStart + 1) % m;
    }
    const s = this.s[slot];
    const y = this.y[slot];
    for (let i = 0; i < dir.length; i++) {
      y[i] = grad[i] - prevGrad[i];
      s[i] = lastStep * dir[i];
    }
    this.rho[slot] = 1 / ys;
    this.hDiag = ys / yy;
  }
}
