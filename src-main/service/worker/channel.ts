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
}

export type ToWorker = RequestMessage | { shutdown: true };

export type FromWorker =
  | ReplyMessage
  | EventMessage
  /** The first sheet is open (createService resolves), or why it could not be opened. */
  | { ready: true }
  | { ready: false; error: string }
  /** Shutdown done: the autosave is written or discarded. */
  | { closed: true };
