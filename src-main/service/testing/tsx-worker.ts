/**
 * The training worker for tests: the same worker/training-worker.ts, run from source through
 * tsx (the app's build bundles it instead, via electron-vite's `?nodeWorker`).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerFactory } from '../worker-client.ts';

const bootstrap = new URL('./tsx-bootstrap.mjs', import.meta.url);
const entry = new URL('../worker/training-worker.ts', import.meta.url).href;

export const tsxWorkerFactory: WorkerFactory = (options) => new Worker(bootstrap, { ...options, argv: [entry] });
