/**
 * The main thread's handle on one training worker: the contract's requests posted as they are,
 * replies matched to them by id, the contract's events handed on, and the worker's start,
 * checkpoints and shutdown (worker/channel.ts). It knows no command by name. One client is one
 * thread's life; restarting a dead one is the supervisor's (worker-supervisor.ts).
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import type { CommandName, EventMessage, RequestMessage } from './contract.ts';
import { UserError } from './user-error.ts';
import type { Checkpoint, FromWorker, ToWorker, WorkerData } from './worker/channel.ts';

/**
 * Creates the worker thread running worker/training-worker.ts. Injected because the way to find
 * that file differs: the electron-vite build bundles it (`?nodeWorker`), tests run it through tsx.
 */
export type WorkerFactory = (options: WorkerOptions) => Worker;

/** What the worker tells its owner besides replies. */
export interface WorkerListener {
  event(e: EventMessage): void;
  checkpoint(c: Checkpoint): void;
  /** The thread is gone or asks to be replaced; every request it had is rejected already. */
  lost(why: string): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** How long shutdown waits for the worker's last autosave before it terminates the thread. */
const SHUTDOWN_GRACE_MS = 10_000;

export class WorkerClient {
  /** Resolves once the worker has opened its first sheet; rejects with why it could not. */
  readonly ready: Promise<void>;
  /**
   * Resolves once the thread has exited. A replacement starts only then: ONNX Runtime's binding
   * is not safe with one thread tearing down while another loads it.
   */
  readonly ended: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;
  private onClosed: (() => void) | null = null;
  private closing: Promise<void> | null = null;

  constructor(createWorker: WorkerFactory, data: WorkerData, listener: WorkerListener, resourceLimits?: WorkerOptions['resourceLimits']) {
    let started: { resolve(): void; reject(e: Error): void } | null = null;
    this.ready = new Promise((resolve, reject) => (started = { resolve, reject }));
    this.worker = createWorker({ workerData: data, resourceLimits });
    this.ended = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (m: FromWorker) => {
      if ('ready' in m) {
        if (m.ready) started?.resolve();
        else started?.reject(new UserError(m.error));
        started = null;
      } else if ('closed' in m) {
        this.onClosed?.();
      } else if ('event' in m) {
        listener.event(m);
      } else if ('checkpoint' in m) {
        listener.checkpoint(m.checkpoint);
      } else if ('unusable' in m) {
        fail(`it kept failing (${m.unusable})`, 'ask it to close');
      } else {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        // The worker logged anything unexpected where its stack was; here it is the user's message.
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new UserError(m.error));
      }
    });
    const fail = (why: string, end: 'terminate' | 'ask it to close' = 'terminate') => {
      if (this.failure) return;
      this.failure = new UserError(`The training worker stopped: ${why}`);
      started?.reject(this.failure);
      started = null;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
      // A live thread may be inside ONNX Runtime; terminating it there aborts the process.
      if (end === 'ask it to close') void this.close();
      else {
        this.onClosed?.();
        void this.worker.terminate();
      }
      listener.lost(why);
    };
    this.worker.on('error', (e: Error & { code?: string }) =>
      fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it ran out of memory (${e.message})` : e.message),
    );
    this.worker.on('exit', (code) => fail(`it exited (code ${code})`));
  }

  /** Forwards one command, arguments as validated; resolves with the worker's answer. */
  request(command: CommandName, args: unknown): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ id, command, args } satisfies RequestMessage);
    });
  }

  /** Lets the worker write or discard its autosave, then ends the thread. */
  async shutdown(): Promise<void> {
    if (this.failure) return this.closing ?? undefined;
    this.failure = new UserError('The training worker was shut down');
    await this.close();
  }

  /**
   * Asks the worker to stop training, write its autosave and release its sessions, and ends the
   * thread once it has (or after a grace period, when it does not answer).
   */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => {
        this.onClosed = resolve;
        setTimeout(resolve, SHUTDOWN_GRACE_MS).unref();
      });
      this.post({ shutdown: true });
      await closed;
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}
