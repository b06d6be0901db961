/**
 * The training worker's entry: one long-lived thread that holds the app (worker/app.ts) with its
 * data and trainer, so ONNX Runtime's synchronous work never blocks the main loop. Requests are
 * answered as they come: the app queues those that change the state and refuses them while
 * training runs (the epoch loop hands the event loop a turn between batches, so even then a
 * request is answered within a batch).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { blockWorkerStarter } from '../../engine/train/parallel/worker-entry.ts';
import type { CommandHandlers, ReplyMessage, RequestMessage } from '../contract.ts';
import { UserError } from '../user-error.ts';
import { App } from './app.ts';
import type { FromWorker, ToWorker, WorkerData } from './channel.ts';
import { StopFlag } from './stop-flag.ts';

if (!parentPort) throw new Error('training-worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as WorkerData;
const post = (m: FromWorker) => port.postMessage(m);
const twoCores = data.blockWorker ? { start: blockWorkerStarter(data.blockWorker) } : undefined;
const app = new App(post, new StopFlag(data.stopFlag), data.options, { twoCores }, data.sessionId);

app.start(data.resume).then(
  () => post({ ready: true }),
  (error: unknown) => post({ ready: false, error: messageOf(error) }),
);

port.on('message', (m: ToWorker) => {
  if ('shutdown' in m) void app.dispose().finally(() => post({ closed: true }));
  else void answer(app.commands, m).then(post);
});

/**
 * Our bugs in a row after which the app is taken for broken (a disposed session answers every
 * command with the same error): the supervisor then restarts the worker from its checkpoint. One
 * bug alone may be a single command's; the next command failing too means the state is bad.
 */
const UNUSABLE_AFTER_BUGS = 2;
let bugsInARow = 0;

async function answer(commands: CommandHandlers, { id, command, args }: RequestMessage): Promise<ReplyMessage> {
  if (!Object.hasOwn(commands, command)) return { id, ok: false, error: `Unknown command "${command}"` };
  try {
    const run = commands[command as keyof CommandHandlers] as (a: unknown) => Promise<unknown>;
    const value = await run(args);
    bugsInARow = 0;
    return { id, ok: true, value };
  } catch (error) {
    const text = messageOf(error);
    bugsInARow = error instanceof UserError ? 0 : bugsInARow + 1;
    if (bugsInARow === UNUSABLE_AFTER_BUGS) post({ unusable: text });
    return { id, ok: false, error: text };
  }
}

/** A refusal's message is for the user; anything else is a bug of ours, logged here where its stack is. */
function messageOf(error: unknown): string {
  if (!(error instanceof UserError)) console.error(error);
  return error instanceof Error ? error.message : String(error);
}
