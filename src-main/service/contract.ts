/**
 * The one contract between the renderer and the main side: commands (zod schemas for their
 * arguments, typed results) and events (typed payloads). Every host carries it unchanged:
 *
 *   request  { id: number, command: string, args: unknown }
 *   reply    { id, ok: true, value } | { id, ok: false, error: string }
 *   event    { event: string, payload: unknown }
 *
 * Arguments are validated where they enter the main side (endpoint.ts); results and events are
 * produced by our own code and only typed. Payloads are plain JSON (arrays, never typed arrays) so
 * the same messages survive structured clone (Electron IPC) and JSON (the web host's WebSocket).
 * The renderer may only `import type` from this file.
 */
import { z } from 'zod';
import {
  CONFIG_LIMITS,
  ENGINE_REQUESTS,
  type EngineName,
  type EngineRequest,
  type EpochMetrics,
  type SettingLimit,
  type Snapshot,
  type StopReason,
  type TrainConfig,
  type TrainProgress,
} from '../engine/types.ts';
import type { LrFindResult, LrPoint, LrSuggestions } from '../engine/train/lr-find-result.ts';
import { dataCommandArgs, type DataCommandResults, type DataEventPayloads, type ProjectStatus, type SheetDataInfo, type SplitReport } from './data-contract.ts';
import { experimentCommandArgs, type ExperimentCommandResults, type ExperimentEventPayloads } from './experiment-contract.ts';
import { filePathSchema } from './file-path.ts';
import { insightCommandArgs, type InsightCommandResults, type InsightEventPayloads } from './insight-contract.ts';

export type { EngineName, EngineRequest, EpochMetrics, LrFindResult, LrPoint, LrSuggestions, Snapshot, StopReason, TrainConfig, TrainProgress };
export type * from './data-contract.ts';
export type * from './experiment-contract.ts';
export type * from './insight-contract.ts';

// ---------------------------------------------------------------------------------------------
// Argument schemas

const finite = z.number().finite();
const index = z.number().int().nonnegative();
/** A factor or bias typed by hand: far beyond any learned one (|p| < 10), and its products stay finite in float32. */
export const PARAMETER_LIMIT = 1000;
/** A number in one of the engine's CONFIG_LIMITS (the CLI checks the same ones). */
const limited = (l: SettingLimit) => {
  const n = l.integer ? z.number().int() : z.number();
  return (l.above ? n.gt(l.min) : n.min(l.min)).max(l.max);
};
const L = CONFIG_LIMITS;

export const trainConfigSchema = z.strictObject({
  model: z.strictObject({
    kind: z.enum(['dot', 'dotbias', 'nn', 'classes', 'autorec']),
    factors: limited(L.factors),
    yRange: z.tuple([finite, finite]).refine(([lo, hi]) => lo < hi, 'y_range needs lo < hi').nullable(),
    init: z.enum(['trunc-normal', 'uniform']),
    layers: z.array(limited(L.layerSize)).max(L.layers.max),
    dropout: limited(L.dropout),
  }),
  optim: z.strictObject({
    optimizer: z.enum(['sgd', 'momentum', 'adam', 'lbfgs']),
    lr: limited(L.lr),
    wd: limited(L.wd),
    wdMode: z.enum(['decoupled', 'l2']),
    schedule: z.enum(['one-cycle', 'constant']),
    /** Lazy (rows a batch touched) or dense optimizer steps; absent: the trainer picks. The scale and tune recipes set it, so their runs are saved, opened and re-configured with it. */
    updates: z.enum(['lazy', 'dense']).optional(),
  }),
  epochs: limited(L.epochs),
  batchSize: z.union([limited(L.batchSize), z.literal('full')]),
  seed: limited(L.seed),
  threads: limited(L.threads),
  device: z.enum(['cpu', 'cuda', 'webgpu']),
  earlyStopPatience: limited(L.earlyStopPatience),
  /** Engine: auto (the default when absent) / ONNX Runtime / fused; a forced fused on a model it cannot train is refused naming why. */
  engine: z.enum(ENGINE_REQUESTS).optional(),
}) satisfies z.ZodType<TrainConfig>;

export const sessionSettingsSchema = z.strictObject({
  /** Fraction of ratings held out for validation (0 = no split, like the Excel sheet). */
  validPct: z.number().min(0).max(0.5),
  /** Seed of the per-cell validation assignment (stable under edits). */
  splitSeed: z.number().int().nonnegative().max(2 ** 32 - 1),
  /**
   * Slow motion for small sheets: at most this many epochs per second (0 = as fast as possible).
   * A 15 × 15 sheet trains an epoch in about a millisecond, too fast to watch it learn.
   */
  epochsPerSecond: z.number().min(0).max(1000),
  /** Side features the neural model leaves out (issue 15 item 5), as SheetFeatureInfo.key names them. */
  unusedFeatures: z.array(z.string().max(300)).max(256).optional(),
});
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;

/** Runs are named r1, r2, … in the order they were made. */
const runId = z.string().regex(/^r[1-9]\d{0,8}$/, 'A run id is r and a number, as the Runs list names them');

/** A cell of the visible sheet: row = user row, col = movie column (0-based sheet positions). */
const cell = { row: index, col: index };

/**
 * Argument schema per command. The service implements each with the schema's output type, so a
 * command added here fails to compile until the service has it.
 */
export const commandArgs = {
  /** The whole state, as the `state` event also carries it. */
  getState: z.strictObject({}),
  /** Set one observed rating; refused with a message outside the sheet's scale. */
  setRating: z.strictObject({ ...cell, rating: finite }),
  /** Make a cell missing (blank). */
  clearRating: z.strictObject(cell),
  /**
   * Set one learned parameter by hand, as in the workbook: a user's (row = sheet row) or a movie's
   * (row = sheet column) factor or bias. The predictions and RMSE follow; one undo step.
   */
  setParameter: z.strictObject({
    side: z.enum(['user', 'item']),
    row: index,
    factor: z.union([index, z.literal('bias')]),
    value: z.number().min(-PARAMETER_LIMIT).max(PARAMETER_LIMIT),
  }),
  /**
   * Paste a tab-separated block (as copied from a spreadsheet) with its top-left at (row, col).
   * Blank fields clear cells; the block must fit the sheet. One undo step.
   */
  paste: z.strictObject({ ...cell, text: z.string().max(1_000_000) }),
  undo: z.strictObject({}),
  redo: z.strictObject({}),
  /** Replace the training configuration. Keeps the parameters when the model's shape allows. */
  setConfig: z.strictObject({ config: trainConfigSchema }),
  setSettings: z.strictObject({ settings: sessionSettingsSchema }),
  /** Train from the current parameters until Stop or the epoch budget; resolves when it ends. */
  solve: z.strictObject({}),
  /** Train exactly one epoch from the current parameters. */
  step: z.strictObject({}),
  /** Ask a running Solve/Step to stop after the current batch. */
  stop: z.strictObject({}),
  /**
   * fastai's lr_find on the sheet's model and settings (engine/train/lr-find.ts): 100 batches of
   * the training split at rates growing from 1e-7, then the model put back as it was (the sheet's
   * factors do not change). Refused while training; Stop ends it early.
   */
  lrFind: z.strictObject({}),
  /**
   * Open another sheet: a sheet file (.json, as resources/demo-sheet.json), fast.ai's
   * collab_filter .xlsx (its dotprod factors as starting values), or any ratings file the
   * importer reads (MovieLens u.data / ratings.dat / ratings.csv, a CSV/TSV; 10% held out, seed
   * 42). Replaces the sheet, its history and its undo stack; the current one stays if the file
   * cannot be read.
   */
  openRatings: z.strictObject({ path: filePathSchema }),
  /** Runs (issue 12 item 1, run-store.ts): the valid and train curves of up to 12 runs, for the chart's overlay. */
  runCurves: z.strictObject({ ids: z.array(runId).min(1).max(12) }),
  renameRun: z.strictObject({ id: runId, name: z.string().trim().min(1, 'A run needs a name').max(200) }),
  deleteRun: z.strictObject({ id: runId }),
  /** The run's model, factors and chart back in the sheet; one undo step, as a model change is. */
  openRun: z.strictObject({ id: runId }),
  /** Re-initialise the parameters (and clear the history) with this seed and initialisation. */
  reset: z.strictObject({
    seed: z.number().int().nonnegative().max(2 ** 32 - 1),
    init: z.enum(['trunc-normal', 'uniform']),
  }),
  /** Import, splits, crosstab and Find, synthetic data, projects, Excel (data-contract.ts). */
  ...dataCommandArgs,
  /** Interpretation, recommendations, cold start and exports (insight-contract.ts). */
  ...insightCommandArgs,
  /** Sweeps, blends and tune (experiment-contract.ts). */
  ...experimentCommandArgs,
} as const;

export type CommandName = keyof typeof commandArgs;
/** What a caller passes (before validation). */
export type CommandArgs<C extends CommandName> = z.input<(typeof commandArgs)[C]>;
/** What the service receives (after validation). */
export type ValidArgs<C extends CommandName> = z.output<(typeof commandArgs)[C]>;

/**
 * Commands a busy worker must see at once: the main side raises the shared stop flag as it
 * forwards them (an epoch or an import polls it between batches, not the message queue).
 */
export const interruptCommands = ['stop', 'cancelImport'] as const satisfies readonly CommandName[];

/**
 * What a command answers: the whole state where a sheet opens (or is asked for), what changed
 * where one changes (the same patch the `changed` event carries).
 */
export interface CommandResults extends DataCommandResults, InsightCommandResults, ExperimentCommandResults {
  getState: AppState;
  setRating: StatePatch;
  clearRating: StatePatch;
  setParameter: StatePatch;
  paste: StatePatch;
  undo: StatePatch;
  redo: StatePatch;
  setConfig: StatePatch;
  setSettings: StatePatch;
  solve: RunOutcome;
  step: RunOutcome;
  stop: null;
  lrFind: LrFindResult;
  runCurves: RunCurve[];
  renameRun: StatePatch;
  deleteRun: StatePatch;
  openRun: StatePatch;
  openRatings: AppState;
  reset: StatePatch;
}

// ---------------------------------------------------------------------------------------------
// State

export interface SheetUser {
  id: string;
  /** What the row header shows (a name on the demo sheet, the id elsewhere). */
  label: string;
}

export interface SheetMovie {
  id: string;
  title: string;
  /** Its side features in words, for the header's hover ("genres: Action, Comedy · year: 1995"). */
  features?: string;
}

/** The rating scale: values outside [lo, hi] are refused; step is the rating granularity. */
export interface RatingScale {
  lo: number;
  hi: number;
  step: number;
}

/**
 * The planted taste model a synthetic sheet was generated from, for "reveal after Solve".
 * tastes[t] names dimension t; the weights are users × tastes and movies × tastes, for the
 * window's leading rows that have a planted taste (rows added on the sheet, at its end, have none).
 */
export interface PlantedTastes {
  tastes: string[];
  userWeights: number[][];
  movieWeights: number[][];
}

/** The visible block of the dataset: which users (rows) and movies (columns) the sheet shows. */
export interface SheetLayout {
  name: string;
  scale: RatingScale;
  users: SheetUser[];
  movies: SheetMovie[];
  /** users.length × movies.length; null = missing. */
  ratings: (number | null)[][];
  /** Same shape; true where the rating is held out for validation (all false without a split). */
  heldOut: boolean[][];
  /** Totals of the whole dataset (the sheet may show only the most active users and movies). */
  totals: { users: number; movies: number; ratings: number; validRatings: number };
  planted: PlantedTastes | null;
  /** Where the data came from, how it is split, and what the crosstab shows. */
  data: SheetDataInfo;
}

/** RMSE/MAE of the current parameters; valid* are null without a split. */
export interface Fit {
  trainRmse: number;
  trainMae: number;
  validRmse: number | null;
  validMae: number | null;
}

/** The model's numbers for the visible block: factors, biases, predictions, and the fit. */
export interface SheetNumbers {
  /** Rows/columns follow SheetLayout.users/movies order. */
  snapshot: Snapshot;
  fit: Fit;
  /** Set while an opened blend fills the predictions (its snapshot then has no factors or biases). */
  blend?: SheetBlend;
}

/** A blend run opened in the sheet: its predictions are the weighted mean of its members'. */
export interface SheetBlend {
  runId: string;
  name: string;
  members: { name: string; weight: number }[];
  /** The member whose model the sheet holds underneath (the heaviest): the first edit or Solve goes on with it alone. */
  underneath: string;
}

export type RunStatus = 'idle' | 'training';

export interface AppState {
  sheet: SheetLayout;
  numbers: SheetNumbers;
  config: TrainConfig;
  settings: SessionSettings;
  /** Metrics of every epoch since the last reset (the chart's data). */
  history: EpochMetrics[];
  status: RunStatus;
  /** The engine of the last Solve of the model on the sheet (the one training now, while training); null: not trained since it was made. */
  engine: EngineName | null;
  canUndo: boolean;
  canRedo: boolean;
  project: ProjectStatus;
  /** Every Solve and Step so far, oldest first (their curves come with runCurves). */
  runs: RunSummary[];
}

/** One setting of a run in words: `text` ("k 5", "lr 0.005") is what a legend shows where runs differ. */
export interface RunWord {
  key: string;
  text: string;
}

/** A Solve or Step, as the Runs panel lists it (issue 12 item 1). */
export interface RunSummary {
  id: string;
  name: string;
  /** ISO time the run ended. */
  created: string;
  /** What trained it: 'onnx' (ONNX Runtime's graphs) or 'fused' (the fused kernel); a stored run may name another. */
  engine: string;
  config: TrainConfig;
  validPct: number;
  splitSeed: number;
  /** The settings in words, in the panel's order. */
  words: RunWord[];
  epochs: number;
  seconds: number;
  /** null for a blend: it is fitted and judged on the validation split alone. */
  trainRmse: number | null;
  validRmse: number | null;
  /** Its factors are kept, so "Open this run" can put them back. */
  canOpen: boolean;
  /** A blend's members (by run id and name) and weights; config is then its heaviest member's. */
  blend?: RunBlend;
}

export interface RunBlend {
  mode: 'fitted' | 'equal';
  members: { id: string; name: string; weight: number }[];
}

export interface RunCurve {
  id: string;
  epochs: number[];
  trainRmse: number[];
  validRmse: (number | null)[];
}

/** A cell the user changed, as the sheet now shows it. */
export interface CellUpdate {
  row: number;
  col: number;
  rating: number | null;
  heldOut: boolean;
}

/**
 * What changed in the state: a command's reply and the `changed` event. The renderer folds it
 * into the state it holds (src-renderer/api/state-patch.ts); absent fields did not change.
 */
export interface StatePatch {
  /** The visible block as a whole: another crosstab or pin, a new row, a new split. */
  sheet?: SheetLayout;
  /** Edited cells (an edit, a paste, undo/redo), with the dataset's totals and split after them. */
  cells?: { updates: CellUpdate[]; totals: SheetLayout['totals']; split: SplitReport };
  numbers?: SheetNumbers;
  config?: TrainConfig;
  settings?: SessionSettings;
  /** The chart starts over: the parameters were reset or the model changed shape. */
  historyCleared?: true;
  status?: RunStatus;
  engine?: EngineName | null;
  canUndo?: boolean;
  canRedo?: boolean;
  project?: ProjectStatus;
  /** The run list, whole, when it changed (it is small: no curves). */
  runs?: RunSummary[];
}

export interface RunOutcome {
  epochs: number;
  stopped: StopReason | null;
  fit: Fit;
  /** The engine that trained the run. */
  engine: EngineName;
}

// ---------------------------------------------------------------------------------------------
// Events

export interface EpochEvent {
  /** Every epoch finished since the previous epoch event (a fast sheet batches several). */
  metrics: EpochMetrics[];
  numbers: SheetNumbers;
}

export interface UserMessage {
  level: 'info' | 'warning' | 'error';
  text: string;
}

export interface EventPayloads extends DataEventPayloads, InsightEventPayloads, ExperimentEventPayloads {
  /** The whole state, history included: a sheet was opened, imported or restored. */
  state: AppState;
  /** Anything else changed (not a training epoch): what changed, as the command's reply. */
  changed: StatePatch;
  /** Training moved: the chart's new points and the sheet's new numbers (throttled ~30/s). */
  epoch: EpochEvent;
  /** Within an epoch (large datasets only see this between epochs). */
  progress: TrainProgress;
  /** Something the user should read: divergence, a worker failure, a stop reason. */
  message: UserMessage;
}

export type EventName = keyof EventPayloads;

// ---------------------------------------------------------------------------------------------
// Wire format

export const requestSchema = z.object({
  id: z.number().int(),
  command: z.string(),
  args: z.unknown(),
});

export interface RequestMessage {
  id: number;
  command: string;
  args: unknown;
}

export type ReplyMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };

export type EventMessage = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

/** The service as every host and test sees it: one async method per command, plus events. */
export type CommandHandlers = {
  [C in CommandName]: (args: ValidArgs<C>) => Promise<CommandResults[C]>;
};

export interface Service extends CommandHandlers {
  subscribe(listener: (e: EventMessage) => void): () => void;
}
