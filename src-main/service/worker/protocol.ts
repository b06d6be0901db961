/**
 * Messages between the service (main thread) and the training worker. Internal to the service:
 * the renderer never sees them. Requests are answered in order, one at a time; while a `train`
 * request runs, the worker only streams events, and Stop arrives through the shared flag because
 * a worker busy in an epoch does not read its message queue.
 */
import type { WorkerEntry } from '../../engine/train/parallel/worker-entry.ts';
import type { PlantedSpec } from '../../data/synthetic.ts';
import type { InitKind, StopReason, TrainConfig, TrainProgress, EpochMetrics } from '../../engine/train/types.ts';
import type { Fit, PlantedTastes, RatingScale, SheetMovie, SheetNumbers, SheetUser } from '../contract.ts';
import type { ImportProgressEvent, SheetDataInfo, SplitReport } from '../data-contract.ts';
import type { DataWorkerCalls } from './data-protocol.ts';
import type { RatingChange } from '../ratings-table.ts';
import type { SheetWindow } from '../visible-block.ts';
import type { EditResult, InsightWorkerCalls } from './insight-protocol.ts';

/** Where the ratings come from. */
export type SheetSource =
  | { kind: 'sheet-file'; path: string }
  /** Any ratings file the importer reads (MovieLens u.data, ratings.csv, a CSV/TSV). */
  | { kind: 'ratings-file'; path: string }
  /** A synthetic dataset ("New synthetic dataset", benchmarks, the responsiveness measurement). */
  | { kind: 'planted'; name: string; spec: PlantedSpec; scale: RatingScale };

export interface SplitSettings {
  validPct: number;
  splitSeed: number;
}

export interface LoadRequest {
  source: SheetSource;
  split: SplitSettings;
  /** null: the worker picks the default for the sheet's size (defaultConfig). */
  config: TrainConfig | null;
  /** Rows and columns the sheet shows at most (the crosstab's N). */
  crosstab: number;
}

export interface Totals {
  users: number;
  movies: number;
  ratings: number;
  validRatings: number;
}

/** What the sheet shows of the dataset: the crosstab window, its cells and their numbers. */
export interface ViewResult {
  users: SheetUser[];
  movies: SheetMovie[];
  /** The dense codes behind the sheet's rows and columns (edits are sent as codes). */
  visible: SheetWindow;
  ratings: (number | null)[][];
  planted: PlantedTastes | null;
  data: SheetDataInfo;
  split: SplitResult;
}

export interface LoadResult extends ViewResult {
  name: string;
  scale: RatingScale;
  config: TrainConfig;
}

export interface SplitResult {
  heldOut: boolean[][];
  totals: Totals;
  report: SplitReport;
  numbers: SheetNumbers;
}

export interface TrainRequest {
  /** Most epochs to run now (Step: 1); the run also ends at the config's epoch budget. */
  maxEpochs: number;
  /** 0 = as fast as possible. */
  epochsPerSecond: number;
}

export interface TrainResult {
  epochs: number;
  stopped: StopReason | null;
  fit: Fit;
}

/** Request type → [argument, result]. */
export interface WorkerCalls extends DataWorkerCalls, InsightWorkerCalls {
  load: [LoadRequest, LoadResult];
  edit: [RatingChange[], EditResult];
  split: [SplitSettings, SplitResult];
  configure: [TrainConfig, SheetNumbers];
  reset: [{ seed: number; init: InitKind }, SheetNumbers];
  train: [TrainRequest, TrainResult];
}

export type WorkerCallName = keyof WorkerCalls;

export interface WorkerRequest<C extends WorkerCallName = WorkerCallName> {
  id: number;
  call: C;
  arg: WorkerCalls[C][0];
}

export type WorkerMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string; userFacing: boolean }
  | { type: 'epoch'; metrics: EpochMetrics[]; numbers: SheetNumbers }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'import-progress'; progress: ImportProgressEvent };

/** Passed as workerData: index 0 of the Int32Array is 1 while a stop is requested. */
export interface WorkerData {
  stopFlag: SharedArrayBuffer;
  /** Where the two-core block workers' code is (engine/train/parallel/); absent: one thread. */
  blockWorker?: WorkerEntry;
}
