/**
 * Where a block worker's code is: the bundled file in the app's build, or the TypeScript source
 * with the tsx bootstrap that loads it (CLI, benchmarks, tests). Plain data, so the app's
 * training worker can be told it in its workerData.
 */
import { Worker } from 'node:worker_threads';
import type { BlockWorkerStarter } from './two-cores.ts';

export interface WorkerEntry {
  /** Path or file URL of the entry module. */
  entry: string;
  /** File URL of a bootstrap that registers tsx and imports `entry` (source entries only). */
  bootstrap?: string;
  /** The nice value block workers run at, below a UI sharing the cores (see block-worker.ts). */
  nice?: number;
}

export function blockWorkerStarter(where: WorkerEntry): BlockWorkerStarter {
  return workerStarter(where);
}

/** Starts threads running `where`'s entry with the given workerData and its nice value (block and fused workers). */
export function workerStarter<D extends object>(where: WorkerEntry): (data: D) => Worker {
  return (data) => {
    const workerData = { ...data, nice: where.nice };
    return where.bootstrap
      ? new Worker(new URL(where.bootstrap), { argv: [where.entry], workerData })
      : new Worker(where.entry, { workerData });
  };
}
