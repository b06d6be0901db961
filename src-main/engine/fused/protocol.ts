/** What the fused trainer (trainer.ts) and its worker threads (worker.ts) tell each other. */
import type { FusedLayout, KernelSettings } from './kernel.ts';
import type { EpochPlan } from './rounds.ts';

/** What a fused worker starts with: the kernel's memory alone, so the threads can start before the ratings are blocked. */
export interface FusedWorkerData {
  memory: WebAssembly.Memory;
  /** Run below the UI (worker-entry.ts); set by the starter. */
  nice?: number;
}

/** The run, once its memory is laid out: sent to every thread before its first epoch. */
export interface FusedRunSetup {
  layout: FusedLayout;
  settings: KernelSettings;
  g: number;
  blockStart: Int32Array;
  validStart: Int32Array;
  threads: number;
}

export type ToFusedWorker = { setup: FusedRunSetup } | { epoch: number; plan: EpochPlan } | { close: true };
/** The epoch's share is done (finished) or was stopped; or the worker failed. */
export type FromFusedWorker = { epoch: number; finished: boolean } | { error: string };
