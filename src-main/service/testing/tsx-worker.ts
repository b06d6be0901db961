/**
 * The training worker for tests: the same worker/training-worker.ts, run from source through
 * tsx (the app's build bundles it instead, via electron-vite's `?nodeWorker`), told to start its
 * two-core block workers from source too.
 */
import { BLOCK_WORKER_SOURCE, sourceWorker } from '../../engine/train/parallel/from-source.ts';
import type { WorkerFactory } from '../worker-client.ts';
import type { WorkerData } from '../worker/channel.ts';

const entry = new URL('../worker/training-worker.ts', import.meta.url);

export const tsxWorkerFactory: WorkerFactory = (options) =>
  sourceWorker(entry, { ...options, workerData: { ...(options.workerData as WorkerData), blockWorker: BLOCK_WORKER_SOURCE } });
