/**
 * Runs an async refresh at most once at a time: a request while one runs marks it stale and
 * runs it once more afterwards, so a burst of state changes (typing ratings) costs one extra
 * query, not one per keystroke, and the last answer shown is always for the latest state.
 */
export class Refresher {
  private running = false;
  private stale = false;

  constructor(private readonly task: () => Promise<void>) {}

  request(): void {
    if (this.running) {
      this.stale = true;
      return;
    }
    this.running = true;
    void this.task().finally(() => {
      this.running = false;
      if (this.stale) {
        this.stale = false;
        this.request();
      }
    });
  }
}
