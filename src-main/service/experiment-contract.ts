/**
 * The contract's commands for comparing settings in the app (issue 12 items 2, 4, 5): a sweep of
 * one setting (or a grid of two) from the sheet's settings, a blend of picked runs, and a tune
 * within a time budget. Each trains in the training worker on the sheet's own train/valid
 * split, one run after another, and each finished run joins the Runs list; Stop cancels between
 * batches and keeps the runs finished. contract.ts spreads these into its command table.
 *
 * A sweep's values travel as the text a person typed ('3e-3', 'adam', 'off'): the worker parses
 * them with the CLI's own parser (engine/experiments/settings.ts), so the app and
 * `collabsheet sweep` accept and refuse the same values, with the same words.
 */
import { z } from 'zod';
import { SWEEP_SETTINGS, type SweepSetting } from '../engine/experiments/settings.ts';

/** A sweep from the app queues at most this many runs: the Runs list keeps 50, and older runs should survive one sweep. */
export const MAX_APP_SWEEP_RUNS = 40;
/** Tune's budget in the app: 5 s (the demo sheet) to an hour. */
export const TUNE_BUDGET = { min: 5, max: 3600 } as const;

const runId = z.string().regex(/^r[1-9]\d{0,8}$/, 'A run id is r and a number, as the Runs list names them');
const valueText = z.string().trim().min(1).max(40);
const axis = z.strictObject({
  setting: z.enum(SWEEP_SETTINGS),
  values: z.array(valueText).min(1).max(MAX_APP_SWEEP_RUNS),
});

export const experimentCommandArgs = {
  /** One setting over its values, or two as a grid (the second varies fastest), from the sheet's settings. */
  sweep: z.strictObject({ axes: z.array(axis).min(1).max(2) })
    .refine((a) => a.axes.length < 2 || a.axes[0].setting !== a.axes[1].setting, 'a two-setting sweep needs two different settings')
    .refine((a) => a.axes.reduce((n, x) => n * x.values.length, 1) <= MAX_APP_SWEEP_RUNS, `a sweep in the app trains at most ${MAX_APP_SWEEP_RUNS} runs: use fewer values`),
  /** The picked runs' validation predictions averaged, with weights fitted on the validation split or equal. */
  blend: z.strictObject({ ids: z.array(runId).min(2).max(12), mode: z.enum(['fitted', 'equal']) })
    .refine((a) => new Set(a.ids).size === a.ids.length, 'a blend names each run once'),
  /** Successive halving over the search space within the budget; the best single run and the best blend join the Runs list. */
  tune: z.strictObject({ budgetSeconds: z.number().int().min(TUNE_BUDGET.min).max(TUNE_BUDGET.max) }),
} as const;

export interface SweepAnswer {
  axes: { setting: SweepSetting; values: string[] }[];
  /** Row-major over the axes, as far as the sweep got: each cell's values (as typed) and its run. */
  cells: { values: string[]; runId: string; validRmse: number | null }[];
  cancelled: boolean;
  /** The cell run with the lowest valid RMSE. */
  bestRunId: string | null;
}

export interface BlendAnswer {
  runId: string;
  validRmse: number;
  members: { id: string; weight: number }[];
}

export interface TuneAnswer {
  /** Runs the tune trained (only the best single run and the blend join the Runs list). */
  trained: number;
  bestSingleId: string | null;
  bestBlendId: string | null;
  cancelled: boolean;
  /** The budget ended the tune before its plan did (a machine slower than the cost model). */
  budgetHit: boolean;
  seconds: number;
}

export interface ExperimentCommandResults {
  sweep: SweepAnswer;
  blend: BlendAnswer;
  tune: TuneAnswer;
}

/** A sweep's or a tune's queue: runs done, in all, the one starting, and the time left at the pace so far. */
export interface ExperimentProgress {
  kind: 'sweep' | 'tune';
  done: number;
  total: number;
  next: string | null;
  elapsedSeconds: number;
  etaSeconds: number | null;
}

export interface ExperimentEventPayloads {
  experimentProgress: ExperimentProgress;
}
