/**
 * The N worker threads of a fused run (worker.ts). Each epoch is one message to every thread and
 * one reply from each; between epochs every thread is idle (no wasm call in flight), and that is
 * the only time they are closed: `close` asks each to end and waits for its exit. A thread that
 * fails raises the stop flag, so the others leave their barriers instead of waiting for it.
 */
import type { Worker } from 'node:worker_threads';
import { sourceWorkerCjs } from '../train/parallel/from-source.ts';
import { type WorkerEntry, workerStarter } from '../train/parallel/worker-entry.ts';
import type { FromFusedWorker, FusedRunSetup, FusedWorkerData, ToFusedWorker } from './protocol.ts';
import { type EpochPlan, raiseStop } from './rounds.ts';

const WORKER_SOURCE = new URL('./worker.ts', import.meta.url);

interface Pending {
  left: number;
  finished: boolean;
  failure: string | null;
  done: () => void;
}

export class FusedPool {
  private readonly workers: Worker[];
  private readonly exited: Promise<void>[];
  private pending: Pending | null = null;
  private failure: string | null = null;

  private ctl: Int32Array | null = null;

  /** Starts the threads on the memory; `setup` tells them the run once it is laid out. */
  constructor(where: WorkerEntry | undefined, data: FusedWorkerData, n: number) {
    const start = where ? workerStarter<FusedWorkerData>(where) : (d: FusedWorkerData) => sourceWorkerCjs(WORKER_SOURCE, { workerData: d });
    this.workers = Array.from({ length: n }, () => start(data));
    this.exited = this.workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
    for (const w of this.workers) {
      w.on('message', (m: FromFusedWorker) => this.reply('error' in m ? m.error : null, 'finished' in m && m.finished));
      w.on('error', (e) => this.reply(`a fused worker failed: ${e.message}`, false));
      w.on('exit', (code) => {
        if (this.pending) this.reply(`a fused worker exited (code ${code}) during an epoch`, false);
      });
    }
  }

  /** The run, to every thread, before the first epoch; ctl is its control words (a failing thread raises their stop flag). */
  setup(run: FusedRunSetup, ctl: Int32Array): void {
    this.ctl = ctl;
    const message: ToFusedWorker = { setup: run };
    for (const w of this.workers) w.postMessage(message);
  }

  /** Runs one epoch on every thread; true when all finished it, false when stopped. */
  epoch(epoch: number, plan: EpochPlan): Promise<boolean> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    return new Promise<boolean>((resolve, reject) => {
      const pending: Pending = {
        left: this.workers.length, finished: true, failure: null,
        done: () => (pending.failure ? reject(new Error(pending.failure)) : resolve(pending.finished)),
      };
      this.pending = pending;
      const message: ToFusedWorker = { epoch, plan };
      for (const w of this.workers) w.postMessage(message);
    });
  }

  private reply(failure: string | null, finished: boolean): void {
    const p = this.pending;
    if (!p) {
      this.failure ??= failure;
      return;
    }
    if (failure) {
      p.failure ??= failure;
      this.failure ??= failure;
      if (this.ctl) raiseStop(this.ctl);
    }
    p.finished &&= finished;
    if (--p.left === 0) {
      this.pending = null;
      p.done();
    }
  }

  /** Between epochs only (every thread idle): each thread ends its event loop and exits. */
  async close(): Promise<void> {
    const close: ToFusedWorker = { close: true };
    for (const w of this.workers) w.postMessage(close);
    await Promise.all(this.exited);
  }
}
