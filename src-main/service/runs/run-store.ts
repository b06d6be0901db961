/**
 * The runs of the open sheet (issue 12 item 1): every Solve, and every series of Steps, is a run
 * record — its settings, engine, seed, per-epoch curve, time, final fit — and its final
 * parameters while the bounds below allow. Saved in the project (io/project.ts keeps the
 * parameters in a section of their own, read only when a run is opened).
 *
 * Bounds, so a long session stays small: the latest RUN_LIMITS.runs runs; the parameters of at
 * most RUN_LIMITS.withParams of them and RUN_LIMITS.paramBytes in all, newest first (the newest
 * run keeps its parameters whatever their size: they are the sheet's own model); a curve of at
 * most RUN_LIMITS.curvePoints epochs (evenly thinned, the last kept).
 */
import { z } from 'zod';
import type { EpochMetrics, ModelParams } from '../../engine/types.ts';
import type { LazyModel, StoredRun } from '../../io/project.ts';
import { trainConfigSchema, type Fit, type RunBlend, type RunCurve, type RunSummary, type SessionSettings, type TrainConfig } from '../contract.ts';
import { UserError } from '../user-error.ts';
import { runName, runWords } from './run-words.ts';

export const RUN_LIMITS = { runs: 50, withParams: 10, paramBytes: 128 * 2 ** 20, curvePoints: 500 } as const;

/** Where a run's parameters are: in memory, or still in the project file it was opened from. */
type Held = { kind: 'memory'; model: ModelParams; bytes: number } | { kind: 'file'; lazy: LazyModel; bytes: number };

interface Run {
  summary: Omit<RunSummary, 'canOpen' | 'words'>;
  curve: EpochMetrics[];
  params: Held | null;
}

/** What App.run hands over when a Solve or Step ends. */
export interface FinishedRun {
  config: TrainConfig;
  settings: Pick<SessionSettings, 'validPct' | 'splitSeed'>;
  engine: string;
  /** This run's epochs (the chart's numbering). */
  curve: EpochMetrics[];
  seconds: number;
  fit: Fit;
  params: ModelParams;
  /** What a sweep or a tune names it ('sweep k=20'); default: its settings in words. */
  name?: string;
}

/** A blend made of runs (the Runs panel's Blend, or a tune's best blend). */
export interface BlendRun {
  name: string;
  /** Its heaviest member's: what the table's columns and "use the settings" read. */
  config: TrainConfig;
  settings: Pick<SessionSettings, 'validPct' | 'splitSeed'>;
  blend: RunBlend;
  validRmse: number;
  seconds: number;
}

/** A run's record as the project stores it (the `meta` of a StoredRun). */
const metricsTuple = z.tuple([z.number().int().nonnegative(), z.number(), z.number(), z.number().nullable(), z.number().nullable(), z.number(), z.number().nonnegative()]);
const metaSchema = z.strictObject({
  id: z.string().regex(/^r[1-9]\d{0,8}$/),
  name: z.string().min(1).max(200),
  created: z.string().max(40),
  engine: z.string().min(1).max(40),
  config: z.unknown(),
  validPct: z.number().min(0).max(0.5),
  splitSeed: z.number().int().nonnegative().max(2 ** 32 - 1),
  seconds: z.number().nonnegative(),
  trainRmse: z.number().nullable(),
  validRmse: z.number().nullable(),
  blend: z.strictObject({
    mode: z.enum(['fitted', 'equal']),
    members: z.array(z.strictObject({ id: z.string().max(40), name: z.string().max(200), weight: z.number().min(0).max(1) })).max(64),
  }).optional(),
  epochs: z.number().int().nonnegative(),
  /** [epoch, trainRmse, trainMae, validRmse, validMae, lr, seconds] per epoch. */
  curve: z.array(metricsTuple).max(RUN_LIMITS.curvePoints),
});
type Meta = z.infer<typeof metaSchema>;

export class RunStore {
  private runs: Run[] = [];
  private nextId = 1;

  list(): RunSummary[] {
    return this.runs.map(shown);
  }

  /** A Solve ended, or a Step began a series: a new run. */
  add(done: FinishedRun): string {
    const id = `r${this.nextId++}`;
    const words = runWords(done.config, done.settings);
    this.push({ summary: { id, name: done.name ?? runName(words), ...this.summaryOf(done) }, curve: thin(done.curve), params: held(done.params) });
    return id;
  }

  /** A blend: a run with no curve and no factors of its own, judged on the validation split. */
  addBlend(b: BlendRun): string {
    const id = `r${this.nextId++}`;
    const { validPct, splitSeed } = b.settings;
    const summary = { id, name: b.name, created: new Date().toISOString(), engine: 'blend', config: b.config, validPct, splitSeed, epochs: 0, seconds: b.seconds, trainRmse: null, validRmse: b.validRmse, blend: b.blend };
    this.push({ summary, curve: [], params: null });
    return id;
  }

  private push(run: Run): void {
    this.runs.push(run);
    if (this.runs.length > RUN_LIMITS.runs) this.runs.splice(0, this.runs.length - RUN_LIMITS.runs);
    this.bound();
  }

  /** Another Step of the series run `id` began: its curve grows, its fit and parameters are the latest. */
  extend(id: string, done: FinishedRun): boolean {
    const run = this.runs.find((r) => r.summary.id === id);
    if (!run) return false;
    const seconds = run.summary.seconds + done.seconds;
    run.summary = { ...run.summary, ...this.summaryOf(done), seconds, epochs: run.summary.epochs + done.curve.length };
    run.curve = thin([...run.curve, ...done.curve]);
    run.params = held(done.params);
    this.bound();
    return true;
  }

  rename(id: string, name: string): void {
    this.find(id).summary.name = name;
  }

  delete(id: string): void {
    const run = this.find(id);
    this.runs.splice(this.runs.indexOf(run), 1);
  }

  curves(ids: readonly string[]): RunCurve[] {
    return ids.map((id) => {
      const { curve } = this.find(id);
      return { id, epochs: curve.map((m) => m.epoch), trainRmse: curve.map((m) => m.trainRmse), validRmse: curve.map((m) => m.validRmse) };
    });
  }

  /** The run's summary as the list shows it; a UserError naming it when it is gone. */
  summary(id: string): RunSummary {
    return shown(this.find(id));
  }

  /** What opening run `id` puts back: its settings, its parameters (read from the project file if there) and its curve. */
  async opened(id: string): Promise<{ config: TrainConfig; params: ModelParams; curve: EpochMetrics[]; name: string }> {
    const run = this.find(id);
    if (run.summary.blend) throw new UserError(`"${run.summary.name}" is a blend: it has no factors of its own (open one of its members)`);
    if (!run.params) {
      throw new UserError(
        `The run "${run.summary.name}" kept no factors (only the latest ${RUN_LIMITS.withParams} runs, up to ${RUN_LIMITS.paramBytes / 2 ** 20} MB, keep theirs): solve with its settings again`,
      );
    }
    const params = run.params.kind === 'memory' ? run.params.model : await run.params.lazy.load();
    return { config: run.summary.config, params, curve: run.curve, name: run.summary.name };
  }

  /** The runs as a project stores them; parameters still in a file are read from it (they are about to be written). */
  async stored(): Promise<StoredRun[]> {
    const out: StoredRun[] = [];
    for (const r of this.runs) {
      const params = r.params === null ? null : r.params.kind === 'memory' ? r.params.model : await r.params.lazy.load();
      out.push({ meta: toMeta(r), params });
    }
    return out;
  }

  /**
   * `written` was just saved with these runs: parameters that were read from a file now point
   * into the new one (it may be the same path, replaced), so none refers to a file that is gone.
   */
  relink(written: readonly { meta: unknown; params: LazyModel | null }[]): void {
    const byId = new Map(written.map((w) => [(w.meta as Meta).id, w.params]));
    for (const r of this.runs) {
      const lazy = byId.get(r.summary.id);
      if (r.params?.kind === 'file' && lazy) r.params = { kind: 'file', lazy, bytes: lazy.bytes };
    }
  }

  /**
   * The runs of an opened project; records that are not valid are left out, and said so in
   * `notices`. `eager`: read the parameters now (the file is an autosave that is replaced soon).
   */
  static async fromProject(stored: readonly { meta: unknown; params: LazyModel | null }[], notices: string[], eager: boolean): Promise<RunStore> {
    const store = new RunStore();
    let dropped = 0;
    for (const s of stored.slice(-RUN_LIMITS.runs)) {
      const meta = metaSchema.safeParse(s.meta);
      const config = meta.success ? trainConfigSchema.safeParse(meta.data.config) : null;
      if (!meta.success || !config?.success) {
        dropped++;
        continue;
      }
      const m = meta.data;
      const params: Held | null = s.params === null ? null : eager ? held(await s.params.load()) : { kind: 'file', lazy: s.params, bytes: s.params.bytes };
      const curve = m.curve.map(([epoch, trainRmse, trainMae, validRmse, validMae, lr, seconds]) => ({ epoch, trainRmse, trainMae, validRmse, validMae, lr, seconds }));
      const { curve: _, ...summary } = m;
      store.runs.push({ summary: { ...summary, config: config.data as TrainConfig }, curve, params });
      store.nextId = Math.max(store.nextId, Number(m.id.slice(1)) + 1);
    }
    if (dropped > 0) notices.push(`${dropped} saved run${dropped === 1 ? ' was' : 's were'} not valid here and left out of the Runs list`);
    store.bound();
    return store;
  }

  private summaryOf(done: FinishedRun) {
    return {
      created: new Date().toISOString(),
      engine: done.engine,
      config: done.config,
      validPct: done.settings.validPct,
      splitSeed: done.settings.splitSeed,
      epochs: done.curve.length,
      seconds: done.seconds,
      trainRmse: done.fit.trainRmse,
      validRmse: done.fit.validRmse,
    };
  }

  private find(id: string): Run {
    const run = this.runs.find((r) => r.summary.id === id);
    if (!run) throw new UserError(`There is no run ${id}: it was deleted, or is older than the latest ${RUN_LIMITS.runs} runs`);
    return run;
  }

  /** Newest first, parameters stay while the count and the bytes allow; the newest always. */
  private bound(): void {
    let count = 0;
    let bytes = 0;
    for (const r of [...this.runs].reverse()) {
      if (!r.params) continue;
      const keep = count === 0 || (count < RUN_LIMITS.withParams && bytes + r.params.bytes <= RUN_LIMITS.paramBytes);
      if (!keep) {
        r.params = null;
        continue;
      }
      count++;
      bytes += r.params.bytes;
    }
  }
}

const shown = (r: Run): RunSummary => ({ ...r.summary, words: runWords(r.summary.config, r.summary), canOpen: r.params !== null });

/** The model's parameters without the optimizer's moments: opening a run starts a fresh optimizer, at half the bytes. */
function held(model: ModelParams): Held {
  const bytes = Object.values(model.params).reduce((sum, p) => sum + p.data.byteLength, 0);
  return { kind: 'memory', model: { params: model.params, optimizer: null }, bytes };
}

/** At most curvePoints epochs, evenly spaced, the first and last kept. */
function thin(curve: EpochMetrics[]): EpochMetrics[] {
  const n = RUN_LIMITS.curvePoints;
  if (curve.length <= n) return curve;
  return Array.from({ length: n }, (_, i) => curve[Math.round((i * (curve.length - 1)) / (n - 1))]);
}

function toMeta(r: Run): Meta {
  return { ...r.summary, curve: r.curve.map((m) => [m.epoch, m.trainRmse, m.trainMae, m.validRmse, m.validMae, m.lr, m.seconds]) };
}
