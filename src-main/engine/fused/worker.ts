/**
 * A fused worker's entry: one of the N threads training the shared factor tables (trainer.ts).
 * It imports only the fused kernel's code — never ONNX Runtime, so terminating or starting these
 * threads cannot abort the process (docs/architecture.md) — and holds no state of its own
 * between epochs beyond its kernel instance. Each epoch message runs its share of the epoch
 * synchronously (the barriers block this thread, not the trainer's); `close` lets it exit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runBelowTheUi } from '../train/parallel/below-ui.ts';
import { CONTROL_WORDS, bufferOf, instantiate } from './kernel.ts';
import type { FromFusedWorker, FusedWorkerData, ToFusedWorker } from './protocol.ts';
import { runShare } from './rounds.ts';

if (!parentPort) throw new Error('fused/worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as FusedWorkerData;
if (data.nice !== undefined) runBelowTheUi(data.nice);
const kernel = instantiate(data.memory, data.layout, data.settings);
const grid = { g: data.g, blockStart: data.blockStart, validStart: data.validStart };
const ctl = new Int32Array(bufferOf(data.memory), data.layout.control, CONTROL_WORDS(data.g));

port.on('message', (message: ToFusedWorker) => {
  if ('close' in message) {
    port.close();
    return;
  }
  let reply: FromFusedWorker;
  try {
    reply = { epoch: message.epoch, finished: runShare(kernel, data.layout, grid, ctl, message.plan, data.threads) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
