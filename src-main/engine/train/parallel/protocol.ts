/** Messages between a two-core epoch (two-cores.ts) and its block workers (block-worker.ts). */
import type { BlockSetup, RoundPlan, RowBlock, RowRequest } from './block-trainer.ts';

export interface BlockWorkerData {
  /** Int32Array over it: [STOP] 1 asks the running round to stop; [DONE] batches of the epoch done. */
  control: SharedArrayBuffer;
  /** Run below the UI: this nice value for the worker's thread (Linux only; see block-worker.ts). */
  nice?: number;
}

export const CONTROL = { STOP: 0, DONE: 1, LENGTH: 2 } as const;

export interface BlockCalls {
  /** Builds the worker's trainer; answers its batches per epoch. */
  setup: [BlockSetup, number];
  put: [RowBlock[], void];
  take: [RowRequest[], RowBlock[]];
  round: [RoundPlan, import('./block-trainer.ts').RoundResult];
}

export type BlockCallName = keyof BlockCalls;

export interface BlockRequest<C extends BlockCallName = BlockCallName> {
  id: number;
  call: C;
  arg: BlockCalls[C][0];
}

export type BlockReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The buffers of row blocks, to transfer rather than copy between threads. */
export const buffersOf = (blocks: readonly RowBlock[]): ArrayBuffer[] =>
  blocks.flatMap((b) => [b.values, ...Object.values(b.state)].map((a) => a.buffer as ArrayBuffer));
