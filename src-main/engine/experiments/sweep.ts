/**
 * A sweep: one setting over a list of values, or two settings as a grid, each cell one run from
 * the same base config, trained one after another. Cancel (the signal) stops the run in progress
 * between batches and queues no more; the runs finished so far are kept.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import type { TrainConfig } from '../types.ts';
import { PaceClock, type QueueProgress } from './progress.ts';
import { type CancelSignal, type Run, type TrainedRun, trainRun } from './run.ts';
import { MAX_SWEEP_RUNS, type SettingValue, type SweepSetting, describeSetting, withSetting } from './settings.ts';

export interface SweepAxis {
  setting: SweepSetting;
  values: SettingValue[];
}

export interface SweepCell {
  /** The value of each axis, in the axes' order. */
  values: SettingValue[];
  run: TrainedRun;
}

export interface SweepResult {
  axes: SweepAxis[];
  /** Row-major over the axes (the second axis varies fastest), as far as the sweep got. */
  cells: SweepCell[];
  cancelled: boolean;
  /** The finished run with the lowest valid RMSE (null without validation or runs). */
  best: Run | null;
}

export interface SweepOptions {
  signal?: CancelSignal;
  /** Each run keeps its trained parameters (TrainedRun.params). */
  keepParams?: boolean;
  onProgress?: (p: QueueProgress) => void;
  /** Each run as it finishes (the CLI prints a line per run). */
  onRun?: (cell: SweepCell, index: number) => void;
}

export async function sweep(
  train: RatingsDataset, valid: RatingsDataset | null, base: TrainConfig, axes: SweepAxis[], o: SweepOptions = {},
): Promise<SweepResult> {
  const grid = gridOf(axes);
  const configs = grid.map((values) => values.reduce((c, v, a) => withSetting(c, axes[a].setting, v), base));
  const clock = new PaceClock(configs.reduce((n, c) => n + c.epochs, 0));
  const label = (values: SettingValue[]) => values.map((v, a) => describeSetting(axes[a].setting, v)).join(' ');
  const cells: SweepCell[] = [];
  let cancelled = false;
  for (const [i, values] of grid.entries()) {
    if (o.signal?.aborted) {
      cancelled = true;
      break;
    }
    o.onProgress?.(clock.progress(i, grid.length, label(values)));
    const run = await trainRun(train, valid, configs[i], { id: `r${i + 1}`, label: label(values), keepParams: o.keepParams, shouldStop: () => o.signal?.aborted ?? false });
    if (run.run.stopped?.kind === 'cancelled') {
      cancelled = true;
      break;
    }
    clock.finished(configs[i].epochs);
    const cell = { values, run };
    cells.push(cell);
    o.onRun?.(cell, i);
  }
  o.onProgress?.(clock.progress(cells.length, grid.length, null));
  return { axes, cells, cancelled, best: bestRun(cells.map((c) => c.run.run)) };
}

function gridOf(axes: SweepAxis[]): SettingValue[][] {
  if (axes.length < 1 || axes.length > 2) throw new Error(`a sweep takes one or two settings, got ${axes.length}`);
  if (axes.length === 2 && axes[0].setting === axes[1].setting) throw new Error(`a two-setting sweep needs two different settings, got ${axes[0].setting} twice`);
  const cells = axes.reduce((n, a) => n * a.values.length, 1);
  if (cells === 0) throw new Error('a sweep needs at least one value for each setting');
  if (cells > MAX_SWEEP_RUNS) throw new Error(`a sweep of ${cells} runs is more than the ${MAX_SWEEP_RUNS} allowed: use fewer values`);
  const [first, second] = axes;
  return first.values.flatMap((v): SettingValue[][] => (second ? second.values.map((w) => [v, w]) : [[v]]));
}

/** Lowest valid RMSE, the earlier run on a tie; runs without one never win. */
export function bestRun(runs: readonly Run[]): Run | null {
  let best: Run | null = null;
  for (const r of runs) if (r.validRmse !== null && Number.isFinite(r.validRmse) && (best === null || r.validRmse < best.validRmse!)) best = r;
  return best;
}
