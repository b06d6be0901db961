/**
 * Progress of a queue of runs (a sweep, a tune): how many are done and an estimate of the time
 * left. The estimate is for people only; nothing a sweep or a tune decides reads the clock.
 */

export interface QueueProgress {
  /** Runs finished so far, and in all. */
  done: number;
  total: number;
  /** The run starting now ('k=20'), or null once all are done. */
  next: string | null;
  elapsedSeconds: number;
  /** Seconds left at the pace so far (seconds per epoch trained), null before the first run ends. */
  etaSeconds: number | null;
}

/**
 * Seconds per unit of work so far × the work still queued. The unit is the caller's: a sweep's
 * epochs (its runs differ little in cost per epoch), a tune's estimated seconds (cost.ts: a
 * fused epoch is about 50× cheaper than an ONNX one, and a tune trains them cheapest first).
 */
export class PaceClock {
  private readonly started = performance.now();
  private workDone = 0;

  constructor(private workLeft: number) {}

  finished(work: number): void {
    this.workDone += work;
    this.workLeft = Math.max(0, this.workLeft - work);
  }

  /** More runs were queued (a tune's next rung). */
  queued(work: number): void {
    this.workLeft += work;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  progress(done: number, total: number, next: string | null): QueueProgress {
    const elapsed = this.elapsedSeconds;
    const eta = this.workDone === 0 ? null : (elapsed / this.workDone) * this.workLeft;
    return { done, total, next, elapsedSeconds: elapsed, etaSeconds: eta };
  }
}
