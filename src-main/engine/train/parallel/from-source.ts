/**
 * Worker threads running TypeScript entries from source through tsx: the CLI, the benchmarks
 * and the tests. The app's build bundles block-worker.ts and starts the bundled file instead.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { BlockWorkerStarter } from './two-cores.ts';

const bootstrap = new URL('./tsx-bootstrap.mjs', import.meta.url);

export function sourceWorker(entry: URL, options: WorkerOptions): Worker {
  return new Worker(bootstrap, { ...options, argv: [entry.href] });
}

export const blockWorkerFromSource: BlockWorkerStarter = (data) =>
  sourceWorker(new URL('./block-worker.ts', import.meta.url), { workerData: data });
