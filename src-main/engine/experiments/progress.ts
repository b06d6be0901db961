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

/** Seconds per epoch so far × the epochs still queued. */
export class PaceClock {
  private readonly started = performance.now();
  private epochsDone = 0;

  constructor(private epochsLeft: number) {}

  finished(epochs: number): void {
    this.epochsDone += epochs;
    this.epochsLeft = Math.max(0, this.epochsLeft - epochs);
  }

  /** More runs were queued (a tune's next rung). */
  queued(epochs: number): void {
    this.epochsLeft += epochs;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  progress(done: number, total: number, next: string | null): QueueProgress {
    const elapsed = this.elapsedSeconds;
    const eta = this.epochsDone === 0 ? null : (elapsed / this.epochsDone) * this.epochsLeft;
    return { done, total, next, elapsedSeconds: elapsed, etaSeconds: eta };
  }
}
