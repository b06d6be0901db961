/**
 * What travels between the main thread and the training worker: the contract's own messages,
 * unchanged (requests validated on the main side, replies, events), plus the worker's start and
 * shutdown. There is no second protocol: a new command needs its contract entry and its
 * implementation (worker/app.ts), nothing here.
 */
import type { WorkerEntry } from '../../engine/train/parallel/worker-entry.ts';
import type { EventMessage, ReplyMessage, RequestMessage } from '../contract.ts';
import type { ServiceOptions } from './open-sheet.ts';

/** The worker's workerData. */
export interface WorkerData {
  /** The StopFlag's buffer (stop-flag.ts). */
  stopFlag: SharedArrayBuffer;
  /** The sheet to open first, and how the app behaves. */
  options: ServiceOptions;
  /** Where the two-core block workers' code is (engine/train/parallel/); absent: one thread. */
  blockWorker?: WorkerEntry;
  /** Where the fused engine's worker threads' code is (engine/fused/worker.ts); absent: from source. */
  fusedWorker?: WorkerEntry;
  /** Names the autosave; the supervisor keeps it for every worker it starts. */
  sessionId?: string;
  /** A restarted worker picks up here instead of opening `options.source` (worker-supervisor.ts). */
  resume?: Checkpoint;
}

/**
 * The latest state a worker could be rebuilt from, should this one die: a project file (the last
 * save, autosave or opened project), or the command that opened the sheet (an import re-reads
 * its file). `label` says which, for the user.
 */
export type Checkpoint =
  | { kind: 'project'; path: string; projectPath: string | null; unsaved: boolean; label: string }
  | { kind: 'replay'; command: ReplayCommand; args: unknown; label: string };

/** Commands that open a sheet from data alone, so running them again rebuilds it. */
export type ReplayCommand = 'openRatings' | 'importRatings' | 'newSynthetic';

export type ToWorker = RequestMessage | { shutdown: true };

export type FromWorker =
  | ReplyMessage
  | EventMessage
  /** The first sheet is open (createService resolves), or why it could not be opened. */
  | { ready: true }
  | { ready: false; error: string }
  /** Shutdown done: the autosave is written or discarded. */
  | { closed: true }
  | { checkpoint: Checkpoint }
  /** The app cannot go on (commands keep failing with our bugs): restart me from the last checkpoint. */
  | { unusable: string };
