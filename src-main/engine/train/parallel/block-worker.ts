/**
 * A block worker's entry: one thread of a two-core epoch, running a BlockTrainer. Requests are
 * handled one at a time in arrival order; a round's stop request arrives through the shared
 * control flags (polled between batches), its progress leaves the same way.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { BlockTrainer, type RowBlock } from './block-trainer.ts';
import { type BlockReply, type BlockRequest, CONTROL, type BlockWorkerData, buffersOf } from './protocol.ts';

if (!parentPort) throw new Error('block-worker.ts must run in a worker thread');
const port = parentPort;
yieldToTheUi();
const control = new Int32Array((workerData as BlockWorkerData).control);
let trainer: BlockTrainer | null = null;

function handle(request: BlockRequest): Promise<unknown> | unknown {
  if (request.call === 'setup') {
    trainer?.dispose();
    trainer = new BlockTrainer((request as BlockRequest<'setup'>).arg);
    return trainer.batchesPerEpoch;
  }
  if (!trainer) throw new Error(`${request.call} before setup`);
  switch (request.call) {
    case 'put':
      return trainer.put((request as BlockRequest<'put'>).arg);
    case 'take':
      return trainer.take((request as BlockRequest<'take'>).arg);
    case 'round':
      return trainer.round((request as BlockRequest<'round'>).arg, {
        shouldStop: () => Atomics.load(control, CONTROL.STOP) === 1,
        onBatches: (done) => Atomics.store(control, CONTROL.DONE, done),
      });
  }
}

/**
 * Two block workers keep both cores busy, and the window (the renderer, the main thread) must
 * still get one when it needs it: the workers run at nice 10. On Linux the nice value belongs to
 * a thread, so this lowers this worker only (25M ratings in the app: the longest frame gap while
 * scrolling 250 ms → see docs/scale.md); elsewhere setpriority would lower the whole app, so
 * there it is left alone.
 */
function yieldToTheUi(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, 10);
  } catch {
    // Not permitted (a sandbox): run at the normal priority.
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: BlockRequest) => {
  queue = queue.then(async () => {
    let reply: BlockReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const value = await handle(request);
      if (request.call === 'take') transfer = buffersOf(value as RowBlock[]);
      reply = { id: request.id, ok: true, value };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply, transfer);
  });
});
