/**
 * Paces the live view of a running Solve (issue 16 item 5): new numbers arrive up to ~30 times a
 * second, and on a slow machine painting one set (the sheet's cells, the curve, the status) takes
 * longer than the gap between them, so the page did nothing else while training and a click
 * waited 150–300 ms. The pacer paints the latest numbers at most once a frame and, after each
 * paint, leaves the main thread free for as long as that paint took (its script plus the style,
 * layout and painting of its frame), so input always gets at least half of it. Where painting is
 * cheap (a frame or less) every update is still painted; updates that arrive while one waits are
 * merged into the next, which shows the newest numbers.
 */
export interface PacerClock {
  now(): number;
  /** Runs `callback` at the start of the next frame (requestAnimationFrame). */
  frame(callback: () => void): void;
  after(ms: number, callback: () => void): void;
}

const browserClock: PacerClock = {
  now: () => performance.now(),
  frame: (callback) => void requestAnimationFrame(() => callback()),
  after: (ms, callback) => void setTimeout(callback, ms),
};

/** A frame at 60 Hz: the part of a measured paint that any frame takes, however cheap. */
const FRAME_MS = 1000 / 60;

export class PaintPacer {
  private pending = false;
  /** A paint is scheduled, or the last one's frame is still being measured. */
  private busy = false;
  private notBefore = 0;

  constructor(
    private readonly paint: () => void,
    private readonly clock: PacerClock = browserClock,
  ) {}

  /** Something changed: it will be painted, with whatever else changes before then. */
  request(): void {
    this.pending = true;
    if (!this.busy) this.schedule();
  }

  private schedule(): void {
    this.busy = true;
    const wait = this.notBefore - this.clock.now();
    if (wait > 0) this.clock.after(wait, () => this.clock.frame(() => this.run()));
    else this.clock.frame(() => this.run());
  }

  private run(): void {
    this.pending = false;
    const started = this.clock.now();
    this.paint();
    // The next frame begins once this one's style, layout and painting are done; what it took
    // beyond a frame is what the paint cost, and the time given back to input before the next.
    this.clock.frame(() => {
      const now = this.clock.now();
      this.notBefore = now + Math.max(0, now - started - FRAME_MS);
      this.busy = false;
      if (this.pending) this.schedule();
    });
  }
}
