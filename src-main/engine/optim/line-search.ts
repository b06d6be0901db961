/**
 * Strong-Wolfe line search, ported from PyTorch's torch/optim/lbfgs.py (_strong_wolfe and
 * _cubic_interpolate, themselves after Nocedal & Wright alg. 3.5/3.6): expand until the minimum
 * is bracketed, then zoom with safeguarded cubic interpolation. Gradient buffers rotate through
 * a fixed pool instead of being cloned, so a search allocates no vectors.
 */
import type { Evaluate } from './lbfgs.ts';

/** Preallocated vectors of the problem's length, owned by the caller and reused every search. */
export interface LineSearchBuffers {
  xTrial: Float64Array;
  gNew: Float64Array;
  gPrev: Float64Array;
  gLow: Float64Array;
  gHigh: Float64Array;
}

export interface LineSearchOptions {
  c1: number;
  c2: number;
  tolChange: number;
  maxIter: number;
}

export interface LineSearchResult {
  t: number;
  loss: number;
  /** Gradient at x + t·d: one of the pool's buffers, valid until the next search. */
  grad: Float64Array;
  evaluations: number;
}

/** Minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to the bounds. */
export function cubicInterpolate(
  x1: number, f1: number, g1: number, x2: number, f2: number, g2: number,
  lo = Math.min(x1, x2), hi = Math.max(x1, x2),
): number {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2sq);
  const minPos = x1 <= x2
    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minPos, lo), hi);
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export async function strongWolfe(
  evaluate: Evaluate, x: Float64Array, t: number, d: Float64Array,
  f: number, g: Float64Array, gtd: number, bufs: LineSearchBuffers, opts: LineSearchOptions,
): Promise<LineSearchResult> {
  const { c1, c2, tolChange, maxIter } = opts;
  const { xTrial } = bufs;
  let { gNew, gPrev } = bufs;
  let dNorm = 0;
  for (let i = 0; i < d.length; i++) dNorm = Math.max(dNorm, Math.abs(d[i]));

  let evaluations = 0;
  const evalAt = async (step: number): Promise<number> => {
    for (let i = 0; i < x.length; i++) xTrial[i] = x[i] + step * d[i];
    evaluations++;
    return evaluate(xTrial, gNew);
  };

  let fNew = await evalAt(t);
  let gtdNew = dot(gNew, d);
  let tPrev = 0;
  let fPrev = f;
  let gtdPrev = gtd;
  gPrev.set(g);

  // Bracket: two points (index 0 and 1) with loss, directional derivative and gradient.
  const bt = [0, 0];
  const bf = [0, 0];
  const bgtd = [0, 0];
  const bg = [bufs.gLow, bufs.gHigh];
  const take = (k: number, tk: number, fk: number, gtdk: number, gk: Float64Array): Float64Array => {
    bt[k] = tk;
    bf[k] = fk;
    bgtd[k] = gtdk;
    const freed = bg[k];
    bg[k] = gk;
    return freed;
  };

  let lsIter = 0;
  let bracketed = false;
  while (lsIter < maxIter) {
    const sufficientDecrease = !(fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev));
    if (sufficientDecrease && Math.abs(gtdNew) <= -c2 * gtd) return { t, loss: fNew, grad: gNew, evaluations };
    if (!sufficientDecrease || gtdNew >= 0) {
      gPrev = take(0, tPrev, fPrev, gtdPrev, gPrev);
      gNew = take(1, t, fNew, gtdNew, gNew);
      bracketed = true;
      break;
    }
    // Extrapolate between 1.01·t and 10·t.
    const next = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, t + 0.01 * (t - tPrev), t * 10);
    tPrev = t;
    fPrev = fNew;
    [gPrev, gNew] = [gNew, gPrev];
    gtdPrev = gtdNew;
    t = next;
    fNew = await evalAt(t);
    gtdNew = dot(gNew, d);
    lsIter++;
  }
  if (!bracketed) {
    // Out of evaluations while still descending: choose between the start and the last trial.
    bg[0].set(g);
    bt[0] = 0;
    bf[0] = f;
    bgtd[0] = gtd;
    gNew = take(1, t, fNew, gtdNew, gNew);
  }

  let low = bf[0] <= bf[1] ? 0 : 1;
  let high = 1 - low;
  let insufficientProgress = false;
  let done = false;
  while (!done && lsIter < maxIter) {
    if (Math.abs(bt[1] - bt[0]) * dNorm < tolChange) break;
    t = cubicInterpolate(bt[0], bf[0], bgtd[0], bt[1], bf[1], bgtd[1]);
    const hi = Math.max(bt[0], bt[1]);
    const lo = Math.min(bt[0], bt[1]);
    const eps = 0.1 * (hi - lo);
    // Safeguard: a trial too close to a bracket end makes little progress; push it inside.
    if (Math.min(hi - t, t - lo) < eps) {
      if (insufficientProgress || t >= hi || t <= lo) {
        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    fNew = await evalAt(t);
    gtdNew = dot(gNew, d);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bf[low]) {
      gNew = take(high, t, fNew, gtdNew, gNew);
      low = bf[0] <= bf[1] ? 0 : 1;
      high = 1 - low;
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bt[high] - bt[low]) >= 0) {
        bt[high] = bt[low];
        bf[high] = bf[low];
        bgtd[high] = bgtd[low];
        bg[high].set(bg[low]);
      }
      gNew = take(low, t, fNew, gtdNew, gNew);
    }
  }
  return { t: bt[low], loss: bf[low], grad: bg[low], evaluations };
}
