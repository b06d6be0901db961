/**
 * The main thread's handle on the training worker: numbered requests with promised replies, the
 * worker's events forwarded, and Stop through a shared flag (the worker polls it between batches,
 * so a stop lands within one batch even while the worker never reads its message queue).
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { UserError } from './user-error.ts';
import type { WorkerCallName, WorkerCalls, WorkerData, WorkerMessage, WorkerRequest } from './worker/protocol.ts';

/**
 * Creates the worker thread running worker/training-worker.ts. Injected because the way to find
 * that file differs: the electron-vite build bundles it (`?nodeWorker`), tests run it through tsx.
 */
export type WorkerFactory = (options: WorkerOptions) => Worker;

export type WorkerEvent = Exclude<WorkerMessage, { type: 'reply' }>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class TrainingClient {
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(createWorker: WorkerFactory, onEvent: (e: WorkerEvent) => void, onFailure: (message: string) => void) {
    const data: WorkerData = { stopFlag: this.stopFlag.buffer as SharedArrayBuffer };
    this.worker = createWorker({ workerData: data });
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type !== 'reply') return onEvent(m);
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.ok) p.resolve(m.value);
      else p.reject(m.userFacing ? new UserError(m.error) : new Error(m.error));
    });
    const fail = (why: string) => {
      this.failure = new Error(`The training worker stopped: ${why}`);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
      onFailure(this.failure.message);
    };
    this.worker.on('error', (e) => fail(e.message));
    this.worker.on('exit', (code) => {
      if (!this.failure) fail(`exit code ${code}`);
    });
  }

  call<C extends WorkerCallName>(call: C, arg: WorkerCalls[C][0]): Promise<WorkerCalls[C][1]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const request: WorkerRequest<C> = { id, call, arg };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(request);
    });
  }

  requestStop(): void {
    Atomics.store(this.stopFlag, 0, 1);
  }

  clearStop(): void {
    Atomics.store(this.stopFlag, 0, 0);
  }

  async dispose(): Promise<void> {
    this.failure ??= new Error('The training worker was shut down');
    await this.worker.terminate();
  }
}
