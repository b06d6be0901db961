/**
 * Schedules are pure functions of training progress pos ∈ [0, 1] (fastai's pct_train: the
 * fraction of all steps done before the current one, so the first step sees pos = 0).
 * Piecewise schedules are combined exactly like fastai's combine_scheds.
 */
import type { ScheduleKind } from '../types.ts';
import type { Hypers } from './types.ts';

export type Schedule = (pos: number) => number;

export interface HyperSchedules {
  lr: Schedule;
  mom: Schedule;
}

export const schedConst = (value: number): Schedule => () => value;

/** fastai SchedLin: start + pos·(end - start). */
export const schedLin = (start: number, end: number): Schedule => (pos) => start + pos * (end - start);

/** fastai SchedCos: start + (1 + cos(π(1 - pos)))·(end - start)/2. */
export const schedCos = (start: number, end: number): Schedule => (pos) =>
  start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;

/** fastai SchedExp: start·(end/start)^pos, even steps on a log scale (lr_find's sweep). */
export const schedExp = (start: number, end: number): Schedule => (pos) => start * (end / start) ** pos;

/**
 * fastai combine_scheds: scheds[i] runs over a pcts[i] share of training, each seeing its own
 * local progress in [0, 1]. pos past the last boundary stays in the last piece.
 */
export function combineScheds(pcts: readonly number[], scheds: readonly Schedule[]): Schedule {
  if (pcts.length !== scheds.length || pcts.length === 0) throw new Error('combineScheds: one pct per schedule');
  if (pcts.some((p) => p < 0)) throw new Error('combineScheds: negative share');
  const total = pcts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new Error(`combineScheds: shares sum to ${total}, not 1`);
  const bounds = [0];
  for (const p of pcts) bounds.push(bounds[bounds.length - 1] + p);
  const last = scheds.length - 1;
  return (pos) => {
    let idx = 0;
    // fastai: idx = min(max i with pos >= bounds[i], last).
    while (idx < last && pos >= bounds[idx + 1]) idx++;
    const width = bounds[idx + 1] - bounds[idx];
    return scheds[idx]((pos - bounds[idx]) / width);
  };
}

export interface OneCycleOptions {
  pctStart?: number;
  div?: number;
  divFinal?: number;
  moms?: readonly [number, number, number];
}

/**
 * fastai fit_one_cycle: lr cosine lr_max/div → lr_max over pct_start, then cosine down to
 * lr_max/div_final; momentum (Adam β1) cosine moms[0] → moms[1] → moms[2].
 */
export function oneCycle(lrMax: number, options: OneCycleOptions = {}): HyperSchedules {
  const { pctStart = 0.25, div = 25, divFinal = 1e5, moms = [0.95, 0.85, 0.95] } = options;
  const pcts = [pctStart, 1 - pctStart];
  return {
    lr: combineScheds(pcts, [schedCos(lrMax / div, lrMax), schedCos(lrMax, lrMax / divFinal)]),
    mom: combineScheds(pcts, [schedCos(moms[0], moms[1]), schedCos(moms[1], moms[2])]),
  };
}

/** The schedules a TrainConfig names: 'constant' keeps lr and mom fixed. */
export function schedulesFor(kind: ScheduleKind, lr: number, mom: number): HyperSchedules {
  return kind === 'one-cycle' ? oneCycle(lr) : { lr: schedConst(lr), mom: schedConst(mom) };
}

/** Set the scheduled hyper-parameters for the step about to run at progress pos. */
export function applySchedules(target: { hypers: Hypers }, scheds: HyperSchedules, pos: number): void {
  target.hypers.lr = scheds.lr(pos);
  target.hypers.mom = scheds.mom(pos);
}
