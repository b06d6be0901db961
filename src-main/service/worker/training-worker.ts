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
import { UserError, userMessage } from '../user-error.ts';
import { App } from './app.ts';
import { BugStreak } from './bug-streak.ts';
import type { FromWorker, ToWorker, WorkerData } from './channel.ts';
import { StopFlag } from './stop-flag.ts';

if (!parentPort) throw new Error('training-worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as WorkerData;
const post = (m: FromWorker) => port.postMessage(m);
const twoCores = data.blockWorker ? { start: blockWorkerStarter(data.blockWorker) } : undefined;
const app = new App(post, new StopFlag(data.stopFlag), data.options, { trainer: { twoCores }, ...(data.fusedWorker ? { fusedWorker: data.fusedWorker } : {}) }, data.sessionId);

app.start(data.resume).then(
  () => post({ ready: true }),
  (error: unknown) => post({ ready: false, error: messageOf(error) }),
);

port.on('message', (m: ToWorker) => {
  if ('shutdown' in m) void app.dispose().finally(() => post({ closed: true }));
  else void answer(app.commands, m).then(post);
});

const bugs = new BugStreak();

async function answer(commands: CommandHandlers, { id, command, args }: RequestMessage): Promise<ReplyMessage> {
  if (!Object.hasOwn(commands, command)) return { id, ok: false, error: `Unknown command "${command}"` };
  try {
    const run = commands[command as keyof CommandHandlers] as (a: unknown) => Promise<unknown>;
    const value = await run(args);
    bugs.succeeded();
    return { id, ok: true, value };
  } catch (error) {
    const text = messageOf(error);
    if (bugs.failed(error)) post({ unusable: text });
    return { id, ok: false, error: text };
  }
}

/** A refusal's message is for the user; anything else is a bug of ours, logged here where its stack is. */
function messageOf(error: unknown): string {
  if (!(error instanceof UserError)) console.error(error);
  return userMessage(error);
}
