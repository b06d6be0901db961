/**
 * The training worker for tests: the same worker/training-worker.ts, run from source through
 * tsx (the app's build bundles it instead, via electron-vite's `?nodeWorker`).
 */
import { sourceWorker } from '../../engine/train/parallel/from-source.ts';
import type { WorkerFactory } from '../worker-client.ts';

const entry = new URL('../worker/training-worker.ts', import.meta.url);

export const tsxWorkerFactory: WorkerFactory = (options) => sourceWorker(entry, options);
