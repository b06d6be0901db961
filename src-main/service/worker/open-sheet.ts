/**
 * The app as its command modules see it (data-commands.ts, autosave.ts): the sheet open now,
 * the session beside it, and the app's ways to replace, announce and queue. App implements it;
 * the modules import this, not the App, so nothing imports upward.
 */
import type { AppState, EpochMetrics, SessionSettings, StatePatch, TrainConfig } from '../contract.ts';
import type { EditHistory } from '../edit-history.ts';
import type { RunStore } from '../runs/run-store.ts';
import type { Checkpoint } from './channel.ts';
import type { DataCalls } from './data-calls.ts';
import type { ViewResult } from './loaded-sheet.ts';
import type { SheetSource } from './sheet-sources.ts';
import type { StopFlag } from './stop-flag.ts';
import type { LoadResult, TrainingSession } from './training-session.ts';

export interface ServiceOptions {
  source: SheetSource;
  /** Most users (rows) and movies (columns) the sheet shows; default 15 × 15 like the Excel sheet. */
  crosstab?: number;
  /** null/absent: the default for the sheet's size. */
  config?: TrainConfig | null;
  settings?: Partial<SessionSettings>;
  /** Where autosaves go (and crashed sessions' are found); absent: no autosave. */
  recoveryDir?: string;
  /** How long after a change the autosave runs (default 60 s); a finished Solve autosaves at once. */
  autosaveMs?: number;
}

export const DEFAULT_CROSSTAB = 15;
/** Real data gets a validation split from the start: ARCHITECTURE.md §3's 10 %, seed 42. */
export const REAL_DATA_SPLIT = { validPct: 0.1, splitSeed: 42 };

/** What belongs to the sheet open now, beside the session's data and model: replaced whole when another opens. */
export interface OpenSheet {
  readonly edits: EditHistory;
  /** Metrics of every epoch since the last reset (the chart's data). */
  history: EpochMetrics[];
  settings: SessionSettings;
  /** The .collabsheet file this state was opened from or saved to. */
  path: string | null;
  /** Changed since it was opened or last saved (what autosave and "unsaved" mean). */
  unsaved: boolean;
  /** Its Solves and Steps (issue 12 item 1). */
  readonly runs: RunStore;
}

export interface SheetHost {
  readonly session: TrainingSession;
  readonly data: DataCalls;
  readonly stopFlag: StopFlag;
  readonly openSheet: OpenSheet;
  readonly isTraining: boolean;
  /** Runs a state-changing task after the ones before it; refused while training. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** A sheet the session has just loaded replaces the open one; announces the whole state. */
  opened(
    load: LoadResult,
    settings: Omit<SessionSettings, 'epochsPerSecond'> & { epochsPerSecond?: number },
    saved?: { history: EpochMetrics[]; path: string | null; unsaved: boolean; runs?: RunStore },
  ): AppState;
  /** The crosstab moved or grew a row: the sheet shows another block. */
  viewChanged(view: ViewResult): StatePatch;
  /** Saved to `path`: nothing is unsaved now. */
  saved(path: string): StatePatch;
  notify(level: 'info' | 'warning' | 'error', text: string): void;
  /** The open sheet can now be rebuilt from `c` (the supervisor restarts a dead worker there). */
  checkpoint(c: Checkpoint): void;
}
