/**
 * `collabsheet tune`: search the settings within a time budget (engine/experiments/tune.ts) and
 * report the best single run — as the `collabsheet train` line that reproduces it — and the
 * best blend of the runs it trained. --json: a line per run, then the summary.
 */
import { describeNeighbourMember } from '../engine/experiments/neighbour-members.ts';
import type { TunedRun } from '../engine/experiments/tune.ts';
import { CliUsageError, TRAIN_FLAGS, type TrainCommand, type TrainOption, parseWithTrainFlags } from './args.ts';
import { loadDatasets } from './datasets.ts';
import { type Column, fixed, formatHeader, formatRow } from './table.ts';
import type { Output } from './train-command.ts';
import { trainCommandLine } from './train-flags.ts';

export interface TuneCommand {
  train: TrainCommand;
  budgetSeconds: number;
}

export const TUNE_USAGE = `usage: collabsheet tune <ratings> --budget 120s [--valid <file> | --valid-pct 0.1] [--seed 42] [--json]

Searches the engine (ONNX Runtime, or the fused kernel for factor models), the model (dotbias,
dot, nn, ratings as classes), k, lr, wd, optimizer, batch size, epochs and y_range on the validation split by successive halving — many short runs, then the
best third with more epochs, twice — then trains the best settings with more seeds, and reports
the best single run (a collabsheet train line that reproduces it) and the best blend of the runs
and two kNN models on baseline residuals, by items and by users (ridge weights fitted on the
validation split, or convex ones where those fit it better; the kNN members have no train line and
no ONNX form, so the app's tune blends without them, with convex weights). --budget (e.g. 120s, 2m) counts the whole command.
The same command gives the same answer: the plan is decided from the budget, not the clock;
on a machine too slow for the plan the tune stops at the budget and says so.
--json: one object per run, then {"knn_members": […], "best_single": {"valid_rmse", "settings"},
"best_blend": {"valid_rmse", "members"}, ...}.`;

/** Train's flags tune keeps; it searches the rest itself. */
const KEPT: readonly TrainOption[] = ['valid', 'valid-pct', 'seed', 'split-seed', 'json', 'help'];
const NOT_FOR_TUNE = Object.fromEntries(TRAIN_FLAGS.filter((f) => !KEPT.includes(f)).map((f) => [
  f, 'tune searches the settings itself; it takes only --budget, --seed, --valid or --valid-pct and --json',
])) as Partial<Record<TrainOption, string>>;

/** A day: a budget is a wall-clock promise, and a typo should not hold the machine for a week. */
export const BUDGET_LIMITS = { min: 1, max: 86_400 };

/** '120s', '2m', '90' (seconds) → seconds. */
export function parseBudget(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min)?\s*$/.exec(text);
  if (!m) throw new CliUsageError(`--budget: expected seconds or minutes like 120s or 2m, got '${text}'`);
  const seconds = Number(m[1]) * (m[2] && m[2] !== 's' ? 60 : 1);
  if (seconds < BUDGET_LIMITS.min || seconds > BUDGET_LIMITS.max) {
    throw new CliUsageError(`--budget: must be ${BUDGET_LIMITS.min} s to ${BUDGET_LIMITS.max} s (24 h), got ${text}`);
  }
  return seconds;
}

/** Parse `tune`'s arguments. Null when --help was asked. */
export function parseTuneArgs(argv: string[]): TuneCommand | null {
  const parsed = parseWithTrainFlags('tune', argv, { budget: { type: 'string' } } as const, NOT_FOR_TUNE);
  if (!parsed) return null;
  if (parsed.own.budget === undefined) throw new CliUsageError('tune: --budget is required (e.g. --budget 120s)');
  if (parsed.train.validPct === 0 && parsed.train.valid === null) {
    throw new CliUsageError('--valid-pct 0: tune chooses by the validation RMSE, so it needs a validation split');
  }
  return { train: parsed.train, budgetSeconds: parseBudget(parsed.own.budget) };
}

const COLUMNS: Column[] = [
  { header: 'run', width: 4, align: 'right' },
  { header: 'stage', width: 6, align: 'left' },
  { header: 'engine', width: 6, align: 'left' },
  { header: 'model', width: 7, align: 'left' },
  { header: 'k', width: 3, align: 'right' },
  { header: 'lr', width: 7, align: 'right' },
  { header: 'wd', width: 6, align: 'right' },
  { header: 'opt', width: 8, align: 'left' },
  { header: 'bs', width: 4, align: 'right' },
  { header: 'epochs', width: 6, align: 'right' },
  { header: 'y_range', width: 7, align: 'left' },
  { header: 'valid_rmse', width: 10, align: 'right' },
  { header: 'seconds', width: 7, align: 'right' },
];

function runLine(r: TunedRun, json: boolean): string {
  const { run } = r;
  const s = run.settings;
  if (json) {
    return JSON.stringify({ run: run.id, stage: r.stage, label: run.label, engine: run.engine, valid_rmse: run.validRmse, train_rmse: run.trainRmse, seconds: run.seconds, settings: s });
  }
  return formatRow(COLUMNS, [
    run.id, r.stage, run.engine, s.model.kind, String(s.model.factors), String(s.optim.lr), String(s.optim.wd), s.optim.optimizer,
    String(s.batchSize), String(s.epochs), s.model.yRange ? s.model.yRange.join(',') : 'none', fixed(run.validRmse), run.seconds.toFixed(2),
  ]);
}

/** Runs the command; resolves to the process exit code. */
export async function runTune(cmd: TuneCommand, io: Output, signal?: AbortSignal): Promise<number> {
  // Loaded here: the engine brings ONNX Runtime, which --help and usage errors don't need.
  const { tune } = await import('../engine/experiments/tune.ts');
  const t = cmd.train;
  const { train, valid, notes } = await loadDatasets(t.ratings, t.valid, t.validPct, t.splitSeed);
  if (!valid || valid.ratings.length === 0) throw new CliUsageError(`tune: ${t.valid ?? 'the split'} has no validation ratings to choose by`);
  if (!t.json) {
    for (const n of notes) io.out(n);
    io.out(formatHeader(COLUMNS));
  }
  // performance.now() counts from the process's start: the budget covers starting Node and reading the data too.
  const result = await tune(train, valid, {
    budgetSeconds: cmd.budgetSeconds, seed: t.config.seed, signal, startedAt: 0,
    onRun: (r, stage) => io.out(runLine({ ...r, stage }, t.json)),
    onProgress: (p) => {
      if (t.json || p.next === null || p.etaSeconds === null || p.done % 10 !== 0) return;
      io.err(`tune: ${p.done} of ${p.total} runs, about ${Math.round(p.etaSeconds)} s left`);
    },
  });
  const runsById = new Map(result.runs.map((r) => [r.run.id, r.run]));
  const neighboursById = new Map(result.neighbours.map((m) => [m.id, m]));
  const single = result.bestSingle;
  const command = single ? trainCommandLine(t, single.settings, single.engine) : null;
  // A member is a run, or one of the kNN members (no train line: its settings instead).
  const blendMembers = result.bestBlend?.members.map((m) => {
    const run = runsById.get(m.id);
    if (run) {
      return { ...m, validRmse: run.validRmse, json: { engine: run.engine, settings: run.settings }, line: trainCommandLine(t, run.settings, run.engine) };
    }
    const knn = neighboursById.get(m.id)!;
    return { ...m, validRmse: knn.validRmse, json: { engine: 'knn', settings: knn.settings }, line: describeNeighbourMember(knn) };
  }) ?? [];
  const seconds = performance.now() / 1000;
  const ended = result.cancelled ? 'cancelled' : result.budgetHit ? 'budget reached before the plan ended: the answer depends on this machine\'s speed' : null;
  if (t.json) {
    io.out(JSON.stringify({
      done: true, runs: result.runs.length, seconds, budget_seconds: cmd.budgetSeconds, plan: result.plan,
      ...(ended ? { stopped: ended } : {}),
      knn_members: result.neighbours.map((m) => ({ id: m.id, valid_rmse: m.validRmse, seconds: m.seconds, settings: m.settings })),
      best_single: single ? { run: single.id, valid_rmse: single.validRmse, engine: single.engine, settings: single.settings, command } : null,
      best_blend: result.bestBlend ? {
        valid_rmse: result.bestBlend.validRmse,
        mode: result.bestBlend.mode,
        members: blendMembers.map((m) => ({ run: m.id, weight: m.weight, valid_rmse: m.validRmse, ...m.json })),
      } : null,
    }));
  } else {
    io.out(`done: ${result.runs.length} runs in ${seconds.toFixed(1)} s of a ${cmd.budgetSeconds} s budget` + (ended ? ` (${ended})` : ''));
    for (const m of result.neighbours) io.out(`blend member ${m.id}: valid RMSE ${fixed(m.validRmse)} in ${m.seconds.toFixed(2)} s (${m.settings.by} kNN on baseline residuals)`);
    if (single) io.out(`best single run: ${single.id}, valid RMSE ${fixed(single.validRmse)}; reproduce it with:\n  ${command}`);
    if (result.bestBlend) {
      io.out(`best blend: valid RMSE ${fixed(result.bestBlend.validRmse)}, ${blendMembers.length} members (${result.bestBlend.mode === 'ridge' ? 'ridge' : 'convex'} weights fitted on the validation split):`);
      for (const m of blendMembers) io.out(`  ${m.weight.toFixed(3)} × ${m.id} (valid ${fixed(m.validRmse)}): ${m.line}`);
    }
  }
  return result.cancelled ? 130 : 0;
}
