/** What the fused trainer (trainer.ts) and its worker threads (worker.ts) tell each other. */
import type { FusedLayout, KernelSettings } from './kernel.ts';
import type { EpochPlan } from './rounds.ts';

export interface FusedWorkerData {
  memory: WebAssembly.Memory;
  layout: FusedLayout;
  settings: KernelSettings;
  g: number;
  blockStart: Int32Array;
  validStart: Int32Array;
  threads: number;
  /** Run below the UI (worker-entry.ts); set by the starter. */
  nice?: number;
}

export type ToFusedWorker = { epoch: number; plan: EpochPlan } | { close: true };
/** The epoch's share is done (finished) or was stopped; or the worker failed. */
export type FromFusedWorker = { epoch: number; finished: boolean } | { error: string };
