/**
 * `npm run bench -- --only tune` rows (issue 12 "Must show"): `collabsheet tune --budget 120s`
 * on the ml-100k splits beside the fastbook recipe, and the k ∈ {1, …, 100} sweep table.
 */
import { loadDatasets } from '../src-main/cli/datasets.ts';
import { fixed, formatTable } from '../src-main/cli/table.ts';
import { trainCommandLine } from '../src-main/cli/train-flags.ts';
import { sweep } from '../src-main/engine/experiments/sweep.ts';
import { tune } from '../src-main/engine/experiments/tune.ts';
import { fastbookRecipe } from '../src-main/engine/train/recipes.ts';

export const TUNE_BUDGET_SECONDS = 120;
export const SWEEP_K = [1, 2, 5, 10, 20, 50, 100];

export interface TuneFigures {
  seconds: number;
  single: number | null;
  blend: number | null;
  note: string;
  command: string | null;
}

/** The tune as the CLI runs it; its clock starts before the data is read, as the command's does. */
export async function benchTune(train: string, valid: string, shownTrain: string, shownValid: string): Promise<TuneFigures> {
  const started = performance.now();
  const data = await loadDatasets(train, valid, 0, 42);
  const r = await tune(data.train, data.valid!, { budgetSeconds: TUNE_BUDGET_SECONDS, seed: 42, startedAt: started });
  const best = r.bestSingle;
  const shown = { ratings: shownTrain, valid: shownValid, validPct: 0, splitSeed: 42 };
  return {
    seconds: r.seconds, single: best?.validRmse ?? null, blend: r.bestBlend?.validRmse ?? null,
    note: `${r.runs.length} runs (plan ${r.plan.candidates} candidates, then seed runs for ${r.plan.seedSeconds.toFixed(0)} s)` +
      `, blend of ${r.bestBlend?.members.length ?? 0}` +
      (r.neighbours.length ? ` (offered ${r.neighbours.map((m) => `${m.id} ${m.validRmse.toFixed(4)}`).join(', ')})` : '') +
      (r.budgetHit ? ', budget reached before the plan ended' : ''),
    command: best ? trainCommandLine(shown, best.settings, best.engine) : null,
  };
}

/** fastbook's recipe with k swept over SWEEP_K: the table the issue asks for. */
export async function benchKSweep(train: string, valid: string): Promise<string> {
  const data = await loadDatasets(train, valid, 0, 42);
  const r = await sweep(data.train, data.valid, fastbookRecipe(64), [{ setting: 'k', values: SWEEP_K }]);
  return formatTable(
    ['k', 'train RMSE', 'valid RMSE', 'seconds'],
    r.cells.map((c) => [String(c.values[0]), fixed(c.run.run.trainRmse), fixed(c.run.run.validRmse), c.run.run.seconds.toFixed(2)]),
    [0, 1, 2, 3],
  );
}
