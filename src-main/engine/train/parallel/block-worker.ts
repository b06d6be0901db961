/**
 * A block worker's entry: one thread of a two-core epoch, running a BlockTrainer. Requests are
 * handled one at a time in arrival order; a round's stop request arrives through the shared
 * control flags (polled between batches), its progress leaves the same way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BlockTrainer, type RowBlock } from './block-trainer.ts';
import { runBelowTheUi } from './below-ui.ts';
import { type BlockReply, type BlockRequest, CONTROL, type BlockWorkerData, buffersOf } from './protocol.ts';

if (!parentPort) throw new Error('block-worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as BlockWorkerData;
if (data.nice !== undefined) runBelowTheUi(data.nice);
const control = new Int32Array(data.control);
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
