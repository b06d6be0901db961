/**
 * Sweeps, blends and tune on the open sheet (issue 12 items 2, 4, 5), in the training worker:
 * the engine's own sweep, blend and tune (engine/experiments) on the sheet's train/valid split,
 * each finished run kept in the sheet's Runs list as it ends. Cancel is the app's stop flag,
 * polled between batches, so Stop answers within a batch and the runs finished stay.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { factorModelFromParams } from '../../engine/analysis/index.ts';
import { blend } from '../../engine/experiments/blend.ts';
import type { CancelSignal, TrainedRun } from '../../engine/experiments/run.ts';
import { parseSettingValue } from '../../engine/experiments/settings.ts';
import { sweep, type SweepAxis } from '../../engine/experiments/sweep.ts';
import { tune } from '../../engine/experiments/tune.ts';
import type { Trainer } from '../../engine/train/trainer.ts';
import type { TrainConfig } from '../../engine/types.ts';
import { renderServingBlend, writeExport } from '../../io/export/export-embeddings.ts';
import { factorsServed, type Served } from '../../io/export/serving-model.ts';
import { networkServed } from '../../io/export/serving-network.ts';
import type { ExportResult, RunBlend, SessionSettings, ValidArgs } from '../contract.ts';
import type { WriteExists } from '../data-contract.ts';
import type { BlendAnswer, ExperimentProgress, SweepAnswer, TuneAnswer } from '../experiment-contract.ts';
import type { RunStore } from '../runs/run-store.ts';
import { runName, runWords } from '../runs/run-words.ts';
import { UserError, userMessage } from '../user-error.ts';
import { BlendView } from './blend-view.ts';
import { trainerFor } from './training-loop.ts';
import { unlessExists } from './write-outcome.ts';

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
  const { valid } = host.sheet();
  const judged = validOf(valid, 'A blend');
  const started = performance.now();
  const members = await withMembers(host, args.ids, judged, 'blended', (m) => ({ ...m, predictions: m.trainer.predict(judged.users, judged.items) }));
  const b = blend(members, judged.ratings, args.mode);
  const nameOf = new Map(members.map((m) => [m.id, m.name]));
  // Named by the runs picked; the members are those the fit gave a weight (all of them when equal).
  const name = `blend of ${members.length} (${args.mode})`;
  const runId = keepBlend(host, b, (id) => members.find((m) => m.id === id)!.config, (id) => nameOf.get(id)!, (performance.now() - started) / 1000, split(host), name);
  return { runId, validRmse: b.validRmse, members: b.members };
}

const split = (host: ExperimentHost) => host.sheet().split;

/** A run of the list with its factors loaded into a trainer on the sheet's data. */
interface LoadedMember {
  id: string;
  name: string;
  config: TrainConfig;
  trainer: Trainer;
}

/**
 * The runs' factors, each read back into a trainer on the sheet's split as Open this run does,
 * handed to `use` while every trainer is alive (a serving model reads their tables), then
 * disposed. Refused, naming the run, for a blend, a run without factors, or a run of another
 * split: its predictions would be judged on ratings it trained on.
 */
async function withMembers<T>(host: ExperimentHost, ids: readonly string[], judged: RatingsDataset, doing: string, use: (m: LoadedMember) => T): Promise<T[]> {
  const loaded = await loadMembers(host, ids, judged, doing);
  try {
    return loaded.map(use);
  } finally {
    for (const m of loaded) await m.trainer.dispose();
  }
}

/** The runs' trainers, kept (the caller disposes them); none are left alive when one is refused. */
async function loadMembers(host: ExperimentHost, ids: readonly string[], judged: RatingsDataset, doing: string): Promise<LoadedMember[]> {
  const { train, split: sheetSplit } = host.sheet();
  const store = host.runs();
  const loaded: LoadedMember[] = [];
  try {
    for (const id of ids) {
      const summary = store.summary(id);
      if (summary.validPct !== sheetSplit.validPct || summary.splitSeed !== sheetSplit.splitSeed) {
        throw new UserError(`"${summary.name}" was trained on another validation split (${summary.validPct * 100}%, seed ${summary.splitSeed}): blend runs of the sheet's split`);
      }
      const { config, params } = await store.opened(id);
      const trainer = await trainerFor(train, judged, config, {});
      loaded.push({ id, name: summary.name, config, trainer });
      try {
        trainer.importParams(params);
      } catch (error) {
        throw new UserError(`"${summary.name}" cannot be ${doing}: its factors do not fit this sheet now (${userMessage(error)})`);
      }
    }
    return loaded;
  } catch (error) {
    for (const m of loaded) await m.trainer.dispose();
    throw error;
  }
}

/**
 * A blend run's view of the sheet (blend-view.ts): its members loaded, their weighted mean the
 * sheet's predictions. `underneath` is the member whose model the sheet keeps for the first
 * edit or Solve: the heaviest, whose settings the blend run already lists as its own.
 */
export async function blendViewOf(host: ExperimentHost, id: string): Promise<{ view: BlendView; underneath: string }> {
  const summary = host.runs().summary(id);
  if (!summary.blend) throw new Error(`run ${id} is not a blend`);
  const { members } = summary.blend;
  const { train, valid } = host.sheet();
  const loaded = await loadMembers(host, members.map((m) => m.id), valid ?? train, 'shown');
  const heaviest = members.reduce((h, m) => (m.weight > h.weight ? m : h), members[0]);
  const info = { runId: id, name: summary.name, members: members.map((m) => ({ name: m.name, weight: m.weight })), underneath: heaviest.name };
  const view = new BlendView(info, loaded.map((m, i) => ({ weight: members[i].weight, trainer: m.trainer })), { train, valid });
  return { view, underneath: heaviest.id };
}

/**
 * A blend run as one ONNX serving model (serving-blend.ts): each member's serving scoring — a
 * dot or dot + bias model's factors, a neural model's network — on the same ids, mixed by the
 * blend's weights, into the folder as the single-model export writes (exportEmbeddings' path).
 * The members must still fit the sheet (its users and movies now): the one id map is the sheet's.
 */
export async function exportBlendRun(host: ExperimentHost, args: { run: string; path: string; overwrite?: boolean; formats: readonly string[] }): Promise<ExportResult | WriteExists> {
  const summary = host.runs().summary(args.run);
  if (!summary.blend) throw new UserError(`"${summary.name}" is not a blend: open it and export it as the sheet's model`);
  const other = args.formats.filter((f) => f !== 'onnx');
  if (other.length) throw new UserError(`A blend exports only its ONNX serving model: ${other.join(', ')} hold one model's factors, and a blend has several`);
  const { train, valid } = host.sheet();
  const weights = new Map(summary.blend.members.map((m) => [m.id, m.weight]));
  const served = await withMembers(host, [...weights.keys()], valid ?? train, 'exported', (m) => ({ served: servedOf(m), weight: weights.get(m.id)! }));
  const files = renderServingBlend(served, train);
  return unlessExists(args.path, async () => ({ folder: args.path, files: await writeExport(files, args.path, { overwrite: args.overwrite === true }) }));
}

function servedOf({ config, trainer }: LoadedMember): Served {
  const kind = config.model.kind;
  return kind === 'dot' || kind === 'dotbias'
    ? factorsServed(factorModelFromParams(trainer.paramViews(), config.model.yRange))
    : networkServed({ definition: trainer.definition, params: trainer.paramViews(), features: trainer.features });
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
    // The kNN members have no factors or network: a blend of them could neither open in the sheet nor export as ONNX.
    neighbours: false,
    // The run store keeps a blend's weights in [0, 1], as the app's own blends fit them.
    blendWeights: 'fitted',
    onProgress: (p) => host.progress({ kind: 'tune', ...p }),
    onRun: (r) => {
      // Only the best so far keeps its parameters: a tune of a big sheet trains a hundred models.
      if (r.run.validRmse !== null && (best === null || r.run.validRmse < best.run.validRmse!)) best = r;
    },
  });
  const single = best as TrainedRun | null;
  const bestSingleId = single ? keep(host, single, `tune best: ${runName(runWords(single.run.settings, split))}`, split) : null;
  const tuned = new Map(result.runs.map((r) => [r.run.id, r.run]));
  const tunedBlend = result.bestBlend;
  if (tunedBlend?.mode === 'ridge') throw new Error('the tune fitted ridge weights, which a blend run cannot keep: it was asked for convex ones');
  const bestBlendId = tunedBlend && tunedBlend.members.length > 1
    ? keepBlend(host, { ...tunedBlend, mode: tunedBlend.mode }, (id) => tuned.get(id)!.settings, (id) => `tune ${tuned.get(id)!.label}`, result.seconds, split, `tune blend of ${tunedBlend.members.length}`)
    : null;
  return { trained: result.runs.length, bestSingleId, bestBlendId, cancelled: result.cancelled, budgetHit: result.budgetHit, seconds: result.seconds };
}
