/**
 * Keeps a training worker alive for the service. When the thread dies (a crash, its heap limit)
 * or reports that it can no longer work, the user is told, the requests it held fail with that
 * reason, and a fresh worker opens the last checkpoint the old one posted (the last save,
 * autosave or opened project, or the import that opened the sheet), so the app goes on where it
 * was saved last. Requests sent meanwhile wait for the new worker instead of failing. A worker
 * that keeps dying is restarted on the first sheet instead, and at last given up on, with a
 * message: no request ever waits forever.
 *
 * The JS heap of each worker is capped, so running out of memory kills the worker alone, never
 * the process that holds the window (V8 aborts a whole process at its own limit).
 */
import { randomUUID } from 'node:crypto';
import { totalmem } from 'node:os';
import type { CommandName, EventMessage } from './contract.ts';
import { UserError } from './user-error.ts';
import type { Checkpoint, WorkerData } from './worker/channel.ts';
import { WorkerClient, type WorkerFactory } from './worker-client.ts';

export interface SupervisorLimits {
  /** The worker's JS heap cap (typed arrays live outside it); default: a quarter of RAM, 1–4 GB. */
  heapMb?: number;
  /** More restarts than this within `windowMs` and the worker is given up on (default 3 per minute). */
  maxRestarts?: number;
  windowMs?: number;
}

export function defaultHeapMb(): number {
  return Math.max(1024, Math.min(4096, Math.floor(totalmem() / 4 / 2 ** 20)));
}

export class WorkerSupervisor {
  /** The first worker has opened its sheet; rejects (nothing restarted) when it could not. */
  readonly ready: Promise<void>;
  private client: WorkerClient;
  /** Settles when the current client can take requests. */
  private starting: Promise<void>;
  private checkpoint: Checkpoint | null = null;
  private restarts: number[] = [];
  private gaveUp: Error | null = null;
  private closing = false;
  private readonly data: WorkerData;
  private readonly heapMb: number;
  private readonly maxRestarts: number;
  private readonly windowMs: number;

  constructor(
    private readonly createWorker: WorkerFactory,
    data: WorkerData,
    private readonly onEvent: (e: EventMessage) => void,
    limits: SupervisorLimits = {},
  ) {
    this.data = { ...data, sessionId: data.sessionId ?? randomUUID().slice(0, 8) };
    this.heapMb = limits.heapMb ?? defaultHeapMb();
    this.maxRestarts = limits.maxRestarts ?? 3;
    this.windowMs = limits.windowMs ?? 60_000;
    this.client = this.launch(undefined);
    this.ready = this.client.ready;
    this.starting = this.ready;
  }

  async request(command: CommandName, args: unknown): Promise<unknown> {
    await this.starting.catch(() => undefined);
    if (this.gaveUp) throw this.gaveUp;
    return this.client.request(command, args);
  }

  async shutdown(): Promise<void> {
    this.closing = true;
    await this.starting.catch(() => undefined);
    await this.client.shutdown();
  }

  private launch(resume: Checkpoint | undefined): WorkerClient {
    const client: WorkerClient = new WorkerClient(
      this.createWorker,
      { ...this.data, resume },
      {
        event: (e) => client === this.client && this.onEvent(e),
        checkpoint: (c) => {
          if (client === this.client) this.checkpoint = c;
        },
        lost: (why) => {
          // A worker that dies while starting is the restart's to handle (client.ready rejects).
          if (client === this.client && !this.closing) client.ready.then(() => this.restart(why), () => undefined);
        },
      },
      { maxOldGenerationSizeMb: this.heapMb },
    );
    return client;
  }

  private restart(why: string): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < this.windowMs);
    if (this.restarts.length >= this.maxRestarts) {
      this.giveUp(`The training worker stopped again (${why}) after ${this.restarts.length} restarts in a minute.`);
      return;
    }
    this.restarts.push(now);
    const from = this.checkpoint;
    const where = from ? from.label : 'the sheet it opened first';
    this.notify('error', `The training worker stopped: ${why}. Restarting it on ${where}; changes made after that are lost.`);
    const old = this.client;
    this.starting = old.ended.then(() => this.reopen(from)).then(
      (opened) => this.notify('info', `The training worker was restarted: ${opened} is open again.`),
      (error: Error) => this.giveUp(`The training worker could not be restarted: ${error.message}.`),
    );
  }

  /** Opens the checkpoint in a new worker, or the first sheet if that fails; says which it opened. */
  private async reopen(from: Checkpoint | null): Promise<string> {
    if (from) {
      this.client = this.launch(from);
      try {
        await this.client.ready;
        return from.label;
      } catch (error) {
        this.notify('warning', `Could not reopen ${from.label} (${(error as Error).message}); opening the first sheet instead.`);
        this.checkpoint = null;
      }
    }
    this.client = this.launch(undefined);
    await this.client.ready;
    return 'the first sheet';
  }

  private giveUp(text: string): void {
    this.gaveUp = new UserError(`${text} Restart CollabSheet; your autosaves are offered when it starts.`);
    this.notify('error', this.gaveUp.message);
  }

  private notify(level: 'info' | 'warning' | 'error', text: string): void {
    this.onEvent({ event: 'message', payload: { level, text } });
  }
}
