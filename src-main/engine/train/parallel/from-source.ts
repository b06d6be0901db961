/**
 * Worker threads running TypeScript entries from source through tsx: the CLI, the benchmarks
 * and the tests. The app's build bundles block-worker.ts and starts the bundled file instead.
 */
import type { WorkerOptions } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { type WorkerEntry, blockWorkerStarter } from './worker-entry.ts';

const bootstrap = new URL('./tsx-bootstrap.mjs', import.meta.url).href;

export function sourceWorker(entry: URL, options: WorkerOptions): Worker {
  return new Worker(new URL(bootstrap), { ...options, argv: [entry.href] });
}

/** The same for an entry that imports only our TypeScript and Node's modules, through tsx's in-thread CommonJS loader (tsx-bootstrap-cjs.cjs). */
export function sourceWorkerCjs(entry: URL, options: WorkerOptions): Worker {
  return new Worker(new URL('./tsx-bootstrap-cjs.cjs', import.meta.url), { ...options, argv: [fileURLToPath(entry)] });
}

export const BLOCK_WORKER_SOURCE: WorkerEntry = { entry: new URL('./block-worker.ts', import.meta.url).href, bootstrap };

export const blockWorkerFromSource = blockWorkerStarter(BLOCK_WORKER_SOURCE);
