/**
 * The service the hosts serve: every command of the contract, forwarded unchanged to the training
 * worker, where the app lives (worker/app.ts), and the worker's events handed on unchanged. The
 * main thread holds no state of the app: it validates at the endpoint, forwards here, and stays
 * free to paint while the worker trains. No electron, ws or http here.
 */
import { commandArgs, interruptCommands, type CommandHandlers, type CommandName, type EventMessage, type Service } from './contract.ts';
import type { ServiceOptions } from './worker/open-sheet.ts';
import { StopFlag } from './worker/stop-flag.ts';
import type { WorkerFactory } from './worker-client.ts';
import { type SupervisorLimits, WorkerSupervisor } from './worker-supervisor.ts';

export type { ServiceOptions } from './worker/open-sheet.ts';

export interface DisposableService extends Service {
  dispose(): Promise<void>;
}

/** Starts the worker on the sheet the options name; resolves once that sheet is open. */
export async function createService(createWorker: WorkerFactory, options: ServiceOptions, limits?: SupervisorLimits): Promise<DisposableService> {
  const listeners = new Set<(e: EventMessage) => void>();
  const stopFlag = new StopFlag();
  const client = new WorkerSupervisor(createWorker, { stopFlag: stopFlag.buffer, options }, (e) => listeners.forEach((l) => l(e)), limits);
  try {
    await client.ready;
  } catch (error) {
    await client.shutdown();
    throw error;
  }
  const interrupts = new Set<CommandName>(interruptCommands);
  const forward = (command: CommandName) => (args: unknown) => {
    // A worker deep in an epoch or an import reads the flag long before its message queue.
    if (interrupts.has(command)) stopFlag.raise();
    return client.request(command, args);
  };
  const commands = Object.fromEntries(Object.keys(commandArgs).map((c) => [c, forward(c as CommandName)])) as unknown as CommandHandlers;
  return {
    ...commands,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      await client.shutdown();
      listeners.clear();
    },
  };
}
