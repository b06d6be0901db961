/**
 * A fused worker's entry: one of the N threads training the shared factor tables (trainer.ts).
 * It imports only the fused kernel's code — never ONNX Runtime, so terminating or starting these
 * threads cannot abort the process (docs/architecture.md) — and holds no state of its own
 * between epochs beyond its kernel instance. It starts with the memory alone (the trainer starts
 * the threads before it blocks the ratings, so their start overlaps that work), sets up its kernel
 * on the `setup` message, and each epoch message then runs its share of the epoch
 * synchronously (the barriers block this thread, not the trainer's); `close` lets it exit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runBelowTheUi } from '../train/parallel/below-ui.ts';
import type { RunGrid } from './blocks.ts';
import { CONTROL_WORDS, type KernelExports, bufferOf, instantiate } from './kernel.ts';
import type { FromFusedWorker, FusedRunSetup, FusedWorkerData, ToFusedWorker } from './protocol.ts';
import { runShare } from './rounds.ts';

if (!parentPort) throw new Error('fused/worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as FusedWorkerData;
if (data.nice !== undefined) runBelowTheUi(data.nice);

interface Run {
  setup: FusedRunSetup;
  kernel: KernelExports;
  grid: RunGrid;
  ctl: Int32Array;
}

/** The kernel and views on the memory as laid out: made at setup, when the memory has stopped growing. */
function start(setup: FusedRunSetup): Run {
  const kernel = instantiate(data.memory, setup.layout, setup.settings);
  const grid = { g: setup.g, blockStart: setup.blockStart, validStart: setup.validStart };
  return { setup, kernel, grid, ctl: new Int32Array(bufferOf(data.memory), setup.layout.control, CONTROL_WORDS(setup.g)) };
}

let run: Run | null = null;

port.on('message', (message: ToFusedWorker) => {
  if ('close' in message) {
    port.close();
    return;
  }
  if ('setup' in message) {
    try {
      run = start(message.setup);
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies FromFusedWorker);
    }
    return;
  }
  let reply: FromFusedWorker;
  try {
    if (!run) throw new Error('a fused worker was sent an epoch before its setup');
    reply = { epoch: message.epoch, finished: runShare(run.kernel, run.setup.layout, run.grid, run.ctl, message.plan, run.setup.threads) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
