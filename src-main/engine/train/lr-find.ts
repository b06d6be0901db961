/**
 * lr_find, as fastai does it (fastai callback/schedule.py: LRFinder, Learner.lr_find and the
 * suggestion functions valley, steep and minimum).
 *
 *   1. Save the model: the parameters and the optimizer state (fastai: learn.save('_tmp')).
 *   2. Train numIt mini-batches (100) from the current parameters, the learning rate of batch i
 *      growing exponentially, startLr·(endLr/startLr)^(i/numIt), from 1e-7 towards 10.
 *   3. After each batch, smooth its loss with an exponential moving average (β = 0.98, debiased)
 *      and stop once the smoothed loss passes 4× the best one seen: the rate is far too high.
 *   4. Put the model back exactly as it was (fastai: learn.load('_tmp')).
 *   5. Read learning rates off the smoothed curve: valley (fastai's default since 2.5), steep,
 *      and minimum/10.
 *
 * The batches run on the real Trainer, with the model, optimizer, weight decay and batch size
 * the config names (Trainer.probe), drawn from the training split.
 */
import { schedExp } from '../optim/index.ts';
import type { TrainConfig } from '../types.ts';
import type { LrFindResult, LrPoint, LrSuggestions } from './lr-find-result.ts';
import type { Trainer } from './trainer.ts';

export type { LrFindResult, LrPoint, LrSuggestions } from './lr-find-result.ts';

/** fastai's lr_find(start_lr=1e-7, end_lr=10, num_it=100). */
export const LR_FIND_DEFAULTS = { startLr: 1e-7, endLr: 10, numIt: 100 } as const;

/** fastai's floor (LRFinder raises num_it to 6); the ceiling keeps a typo from running for hours. */
export const NUM_IT_LIMITS = { min: 6, max: 10_000, integer: true } as const;

/** fastai's Recorder smooths the loss with AvgSmoothLoss(beta=0.98). */
export const SMOOTHING_BETA = 0.98;

/** LRFinder stops when the smoothed loss exceeds this many times the best one (stop_div). */
export const DIVERGED_FACTOR = 4;

export interface LrFindOptions {
  startLr?: number;
  endLr?: number;
  numIt?: number;
  /** Polled between batches (Ctrl-C, the app's Stop). */
  shouldStop?: () => boolean;
  /** Each point as it is measured (the CLI prints them as they come). */
  onPoint?: (point: LrPoint) => void;
}

/** Why a config cannot be swept (null when it can): L-BFGS chooses its own step lengths. */
export function lrFindRefusal(config: TrainConfig): string | null {
  return config.optim.optimizer === 'lbfgs'
    ? 'L-BFGS chooses its own step lengths and takes no learning rate: finding one needs adam, sgd or momentum'
    : null;
}

export async function lrFind(trainer: Trainer, options: LrFindOptions = {}): Promise<LrFindResult> {
  const { startLr, endLr, numIt } = { ...LR_FIND_DEFAULTS, ...definedOnly(options) };
  checkOptions(startLr, endLr, numIt);
  const refusal = lrFindRefusal(trainer.config);
  if (refusal) throw new Error(refusal);

  const lrAt = schedExp(startLr, endLr);
  const points: LrPoint[] = [];
  const smoother = new SmoothedLoss(SMOOTHING_BETA);
  let best = Infinity;
  let diverged = false;

  const saved = trainer.exportParams();
  let end;
  try {
    end = await trainer.probe(numIt, lrAt, {
      onBatch: (loss, lr) => {
        const point = { lr, loss, smoothed: smoother.add(loss) };
        points.push(point);
        options.onPoint?.(point);
        best = Math.min(best, point.smoothed);
        if (point.smoothed > DIVERGED_FACTOR * best) diverged = true;
      },
      shouldStop: () => diverged || (options.shouldStop?.() ?? false),
    });
  } finally {
    trainer.importParams(saved);
  }

  const stopped = end.kind === 'done' ? null : end.kind === 'diverged' ? 'not-finite' : diverged ? 'diverged' : 'cancelled';
  // A non-finite loss stops before its batch is recorded: that batch is the one after the last point.
  const stoppedBatch = stopped === 'not-finite' ? points.length : points.length - 1;
  return {
    points,
    suggestions: suggest(points, numIt),
    stopped,
    stoppedAt: stopped === null || stoppedBatch < 0 ? null : lrAt(stoppedBatch / numIt),
  };
}

/**
 * fastai's AvgSmoothLoss: avg ← β·avg + (1 − β)·loss from avg = 0, reported as avg / (1 − βⁿ)
 * after n losses, so that the first values are not pulled towards the 0 it started from.
 */
export class SmoothedLoss {
  private avg = 0;
  private n = 0;

  constructor(private readonly beta: number) {}

  add(loss: number): number {
    this.n++;
    this.avg = this.beta * this.avg + (1 - this.beta) * loss;
    return this.avg / (1 - this.beta ** this.n);
  }
}

/**
 * The suggestions, read as fastai reads them: from the smoothed losses without the first
 * numIt/10 points (the average is still settling) and the last 5 (the blow-up).
 */
export function suggest(points: readonly LrPoint[], numIt: number): LrSuggestions {
  const kept = points.slice(Math.floor(numIt / 10), -5);
  const lrs = kept.map((p) => p.lr);
  const losses = kept.map((p) => p.smoothed);
  return { valley: valley(lrs, losses), steep: steep(lrs, losses), minimum: minimum(lrs, losses) };
}

/**
 * fastai's valley (the default suggestion since fastai 2.5): the longest valley of the curve,
 * taken as its longest strictly decreasing subsequence of losses (not necessarily consecutive
 * points), found by the O(n²) dynamic programme below; the suggestion is the point about half
 * way along it: start + ⌊s⌋ + ⌊s/2⌋ with s = (end − start)/3. The code is fastai's, quirks
 * included: `start` is end − (the subsequence's length when `end` first became the longest),
 * one before the valley's first point when the valley starts at the curve's first point. The
 * index is clamped at 0, where Python's lrs[-1] would wrap to the last point.
 */
export function valley(lrs: readonly number[], losses: readonly number[]): number | null {
  const n = losses.length;
  if (n === 0) return null;
  let maxStart = 0;
  let maxEnd = 0;
  const lds = new Array<number>(n).fill(1);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[maxEnd] < lds[i]) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  return lrs[Math.max(0, idx)];
}

/**
 * fastai's steep: where the loss falls fastest against log(lr). The slope of each segment is
 * (loss[i+1] − loss[i]) / (ln lr[i+1] − ln lr[i]); the suggestion is lr[i] of the most negative
 * one (the first, on ties). Needs two points.
 */
export function steep(lrs: readonly number[], losses: readonly number[]): number | null {
  let best: number | null = null;
  let bestSlope = Infinity;
  for (let i = 0; i + 1 < losses.length; i++) {
    const slope = (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i]));
    if (slope < bestSlope) {
      bestSlope = slope;
      best = lrs[i];
    }
  }
  return best;
}

/** fastai's minimum: a tenth of the learning rate at the lowest loss (the first, on ties). */
export function minimum(lrs: readonly number[], losses: readonly number[]): number | null {
  if (losses.length === 0) return null;
  let at = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i] < losses[at]) at = i;
  return lrs[at] / 10;
}

function checkOptions(startLr: number, endLr: number, numIt: number): void {
  if (!(Number.isFinite(startLr) && startLr > 0)) throw new Error(`lr_find: the start learning rate must be a positive number, got ${startLr}`);
  if (!(Number.isFinite(endLr) && endLr > startLr)) throw new Error(`lr_find: the end learning rate must be above the start (${startLr}), got ${endLr}`);
  if (!Number.isInteger(numIt) || numIt < NUM_IT_LIMITS.min || numIt > NUM_IT_LIMITS.max) {
    throw new Error(`lr_find: the number of batches must be an integer from ${NUM_IT_LIMITS.min} to ${NUM_IT_LIMITS.max}, got ${numIt}`);
  }
}

/** `{ numIt: undefined }` keeps the default rather than overriding it. */
function definedOnly(o: LrFindOptions): Partial<Pick<LrFindOptions, 'startLr' | 'endLr' | 'numIt'>> {
  return Object.fromEntries(Object.entries({ startLr: o.startLr, endLr: o.endLr, numIt: o.numIt }).filter(([, v]) => v !== undefined));
}
