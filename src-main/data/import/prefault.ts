/**
 * Touching the column pages ahead of the parser, on another thread. On the VMs we measure on a
 * first write to a fresh 4 KB page costs ~10 µs (104 MB: 0.85–1.35 s), so faulting in 25M rows'
 * columns (300 MB) cost as much as parsing the 591 MB file; a second core takes the faults while
 * the parser runs. Only shared columns can be touched from a worker; plain ones fault on the
 * parser's thread as before.
 *
 * The worker must never change a value: it does `Atomics.compareExchange(a, i, 0, 0)`, which
 * writes the page (so it is faulted in writable) and leaves whatever is there, even while the
 * parser stores into the same page.
 */
import { Worker } from 'node:worker_threads';

/** Below this many bytes the worker's start (~30 ms) costs more than the faults it saves. */
const MIN_BYTES = 64 << 20;

const SOURCE = `
const { workerData } = require('node:worker_threads');
const cols = workerData.views.map((v) => new Int32Array(v.buffer, v.byteOffset, v.byteLength >> 2));
const n = Math.max(...cols.map((a) => a.length));
// Front to back, all columns together, as the parser fills them; one touch per 4 KB page.
for (let i = 0; i < n; i += 1024) for (const a of cols) if (i < a.length) Atomics.compareExchange(a, i, 0, 0);
`;

export interface Prefault {
  stop(): void;
  /** Settles when the worker has touched every page or was stopped. */
  done: Promise<void>;
}

/**
 * Starts touching the pages of `views` (typed arrays over SharedArrayBuffers: only their bytes, so
 * columns in a larger shared memory leave the rest of it untouched); stop() when the parse is done.
 */
export function prefaultPages(views: ArrayBufferView[], minBytes = MIN_BYTES): Prefault | null {
  const bytes = views.reduce((s, v) => s + v.byteLength, 0);
  if (bytes < minBytes) return null;
  const worker = new Worker(SOURCE, { eval: true, workerData: { views } });
  worker.unref();
  const done = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return { stop: () => void worker.terminate(), done };
}
