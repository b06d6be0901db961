/**
 * The training worker's entry: one long-lived thread that owns the trainer (ONNX Runtime's
 * synchronous session.run would otherwise block the main loop). Requests run one at a time, in
 * the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { blockWorkerStarter } from '../../engine/train/parallel/worker-entry.ts';
import { UserError } from '../user-error.ts';
import type { WorkerData, WorkerMessage, WorkerRequest } from './protocol.ts';
import { TrainingSession } from './training-session.ts';

if (!parentPort) throw new Error('training-worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as WorkerData;
const stopFlag = new Int32Array(data.stopFlag);
const send = (m: WorkerMessage) => port.postMessage(m);
const twoCores = data.blockWorker ? { start: blockWorkerStarter(data.blockWorker) } : undefined;
const session = new TrainingSession(send, () => Atomics.load(stopFlag, 0) === 1, { twoCores });

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      send({ type: 'reply', id: request.id, ok: true, value: await session.dispatch(request.call, request.arg) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof UserError)) console.error(error);
      send({ type: 'reply', id: request.id, ok: false, error: message, userFacing: error instanceof UserError });
    }
  });
});
