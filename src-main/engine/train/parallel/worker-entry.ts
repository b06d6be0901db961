/**
 * Where a block worker's code is: the bundled file in the app's build, or the TypeScript source
 * with the tsx bootstrap that loads it (CLI, benchmarks, tests). Plain data, so the app's
 * training worker can be told it in its workerData.
 */
import { setPriority } from 'node:os';
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

/**
 * In the app, two block workers keep both cores busy and the window (the renderer, the main
 * thread) must still get one when it needs it: the app starts them at nice 10 (25M ratings: the
 * longest frame gap while scrolling during Solve 250 → 100 ms). It costs training time even with
 * no window to share with (25M: ~2 s an epoch), so the CLI and the benchmarks leave it out. On
 * Linux the nice value belongs to a thread, so this lowers the calling worker only; elsewhere
 * setpriority would lower the whole app, so there it is left alone.
 */
export function runBelowTheUi(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, nice);
  } catch {
    // Not permitted (a sandbox): run at the normal priority.
  }
}
