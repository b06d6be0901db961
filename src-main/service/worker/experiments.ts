/**
 * Sweeps, blends and tune on the open sheet (issue 12 items 2, 4, 5), in the training worker:
 * the engine's own sweep, blend and tune (engine/experiments) on the sheet's train/valid split,
 * each finished run kept in the sheet's Runs list as it ends. Cancel is the app's stop flag,
 * polled between batches, so Stop answers within a batch and the runs finished stay.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { blend } from '../../engine/experiments/blend.ts';
import type { CancelSignal, TrainedRun } from '../../engine/experiments/run.ts';
import { parseSettingValue } from '../../engine/experiments/settings.ts';
import { sweep, type SweepAxis } from '../../engine/experiments/sweep.ts';
import { tune } from '../../engine/experiments/tune.ts';
import type { TrainConfig } from '../../engine/types.ts';
import type { RunBlend, SessionSettings, ValidArgs } from '../contract.ts';
import type { BlendAnswer, ExperimentProgress, SweepAnswer, TuneAnswer } from '../experiment-contract.ts';
import type { RunStore } from '../runs/run-store.ts';
import { runName, runWords } from '../runs/run-words.ts';
import { UserError, userMessage } from '../user-error.ts';
import { trainerFor } from './training-loop.ts';

/** What the experiments read of the app and tell it. */
export interface ExperimentHost {
  /** The sheet's split and settings now. */
  sheet(): { train: RatingsDataset; valid: RatingsDataset | null; config: TrainConfig; split: Pick<SessionSettings, 'validPct' | 'splitSeed'> };
  runs(): RunStore;
  cancel: CancelSignal;
  progress(p: ExperimentProgress): void;
  /** The Runs list changed (a run finished): announce it. */
  runsChanged(): void;
}

/** The validation split every experiment chooses by; a plain refusal without one. */
export function validOf(valid: RatingsDataset | null, what: string): RatingsDataset {
  if (!valid || valid.ratings.length === 0) throw new UserError(`${what} compares valid RMSE: set Validation % above 0 in the settings first`);
  return valid;
}

export async function sweepOnSheet(host: ExperimentHost, args: ValidArgs<'sweep'>): Promise<SweepAnswer> {
  const { train, valid, config, split } = host.sheet();
  const judged = validOf(valid, 'A sweep');
  const axes: SweepAxis[] = args.axes.map((a) => ({
    setting: a.setting,
    values: a.values.map((text) => {
      try {
        return parseSettingValue(a.setting, text);
      } catch (error) {
        throw new UserError(`Sweep: ${userMessage(error)}`);
      }
    }),
  }));
  const width = args.axes[1]?.values.length ?? 1;
  const typedAt = (i: number) => (args.axes.length === 2 ? [args.axes[0].values[Math.floor(i / width)], args.axes[1].values[i % width]] : [args.axes[0].values[i]]);
  const cells: SweepAnswer['cells'] = [];
  const result = await sweep(train, judged, config, axes, {
    signal: host.cancel,
    keepParams: true,
    onProgress: (p) => host.progress({ kind: 'sweep', ...p }),
    onRun: (cell, i) => {
      const id = keep(host, cell.run, `sweep ${cell.run.run.label}`, split);
      cells.push({ values: typedAt(i), runId: id, validRmse: cell.run.run.validRmse });
    },
  }).catch((error: unknown) => {
    throw error instanceof UserError ? error : new UserError(`Sweep: ${userMessage(error)}`);
  });
  const best = cells.reduce<(typeof cells)[number] | null>((b, c) => (c.validRmse !== null && (b === null || c.validRmse < b.validRmse!) ? c : b), null);
  return { axes: args.axes.map((a) => ({ setting: a.setting, values: [...a.values] })), cells, cancelled: result.cancelled, bestRunId: best?.runId ?? null };
}

/** A trained run into the Runs list, with its parameters so it can be opened. */
export function keep(host: ExperimentHost, r: TrainedRun, name: string, split: Pick<SessionSettings, 'validPct' | 'splitSeed'>): string {
  if (!r.params) throw new Error(`run ${r.run.id} kept no parameters (keepParams was not asked)`);
  const { run } = r;
  const last = run.history.at(-1);
  // The final evaluation's RMSE; the MAE of the last epoch (the run keeps no other).
  const fit = { trainRmse: run.trainRmse, validRmse: run.validRmse, trainMae: last?.trainMae ?? NaN, validMae: last?.validMae ?? null };
  const id = host.runs().add({ config: run.settings, settings: split, engine: run.engine, curve: run.history, seconds: run.seconds, fit, params: r.params, name });
  host.runsChanged();
  return id;
}

/**
 * The picked runs' predictions on the sheet's validation split (each member's factors, read back
 * as Open this run does), blended. Refused, naming the run, for a blend, a run without factors,
 * or a run of another split: its predictions would be judged on ratings it trained on.
 */
export async function blendRuns(host: ExperimentHost, args: ValidArgs<'blend'>): Promise<BlendAnswer> {
  const { train, valid, split } = host.sheet();
  const judged = validOf(valid, 'A blend');
  const store = host.runs();
  const started = performance.now();
  const members: { id: string; name: string; config: TrainConfig; predictions: Float32Array }[] = [];
  for (const id of args.ids) {
    const summary = store.summary(id);
    if (summary.validPct !== split.validPct || summary.splitSeed !== split.splitSeed) {
      throw new UserError(`"${summary.name}" was trained on another validation split (${summary.validPct * 100}%, seed ${summary.splitSeed}): blend runs of the sheet's split`);
    }
    const { config, params } = await store.opened(id);
    const trainer = await trainerFor(train, judged, config, {});
    try {
      trainer.importParams(params);
      members.push({ id, name: summary.name, config, predictions: trainer.predict(judged.users, judged.items) });
    } catch (error) {
      throw new UserError(`"${summary.name}" cannot be blended: its factors do not fit this sheet now (${userMessage(error)})`);
    } finally {
      await trainer.dispose();
    }
  }
  const b = blend(members, judged.ratings, args.mode);
  const nameOf = new Map(members.map((m) => [m.id, m.name]));
  // Named by the runs picked; the members are those the fit gave a weight (all of them when equal).
  const name = `blend of ${members.length} (${args.mode})`;
  const runId = keepBlend(host, b, (id) => members.find((m) => m.id === id)!.config, (id) => nameOf.get(id)!, (performance.now() - started) / 1000, split, name);
  return { runId, validRmse: b.validRmse, members: b.members };
}

function keepBlend(
  host: ExperimentHost,
  b: { mode: RunBlend['mode']; members: { id: string; weight: number }[]; validRmse: number },
  configOf: (id: string) => TrainConfig,
  nameOf: (id: string) => string,
  seconds: number,
  split: Pick<SessionSettings, 'validPct' | 'splitSeed'>,
  name: string,
): string {
  const heaviest = b.members.reduce((h, m) => (m.weight > h.weight ? m : h), b.members[0]);
  const blendOf: RunBlend = { mode: b.mode, members: b.members.map((m) => ({ id: m.id, name: nameOf(m.id), weight: m.weight })) };
  const id = host.runs().addBlend({ name, config: configOf(heaviest.id), settings: split, blend: blendOf, validRmse: b.validRmse, seconds });
  host.runsChanged();
  return id;
}

/**
 * The engine's tune on the sheet, seeded by the sheet's seed. It trains tens of runs; only its
 * best single run (with its factors) and its best blend join the Runs list, so a tune does not
 * push every earlier run out of it.
 */
export async function tuneOnSheet(host: ExperimentHost, args: ValidArgs<'tune'>): Promise<TuneAnswer> {
  const { train, valid, config, split } = host.sheet();
  const judged = validOf(valid, 'Tune');
  let best: TrainedRun | null = null;
  const result = await tune(train, judged, {
    budgetSeconds: args.budgetSeconds,
    seed: config.seed,
    signal: host.cancel,
    keepParams: true,
    onProgress: (p) => host.progress({ kind: 'tune', ...p }),
    onRun: (r) => {
      // Only the best so far keeps its parameters: a tune of a big sheet trains a hundred models.
      if (r.run.validRmse !== null && (best === null || r.run.validRmse < best.run.validRmse!)) best = r;
    },
  });
  const single = best as TrainedRun | null;
  const bestSingleId = single ? keep(host, single, `tune best: ${runName(runWords(single.run.settings, split))}`, split) : null;
  const tuned = new Map(result.runs.map((r) => [r.run.id, r.run]));
  const bestBlendId = result.bestBlend && result.bestBlend.members.length > 1
    ? keepBlend(host, result.bestBlend, (id) => tuned.get(id)!.settings, (id) => `tune ${tuned.get(id)!.label}`, result.seconds, split, `tune blend of ${result.bestBlend.members.length}`)
    : null;
  return { trained: result.runs.length, bestSingleId, bestBlendId, cancelled: result.cancelled, budgetHit: result.budgetHit, seconds: result.seconds };
}
