/**
 * Runs an async refresh at most once at a time: a request while one runs marks it stale and
 * runs it once more afterwards, so a burst of state changes (typing ratings) costs one extra
 * query, not one per keystroke, and the last answer shown is always for the latest state.
 */
export class Refresher {
  private running = false;
  private stale = false;

  /** onError gets what the task throws (a refusal the task did not handle itself is a bug to show). */
  constructor(private readonly task: () => Promise<void>, private readonly onError: (error: unknown) => void = (e) => console.error(e)) {}

  request(): void {
    if (this.running) {
      this.stale = true;
      return;
    }
    this.running = true;
    void this.task().catch(this.onError).finally(() => {
      this.running = false;
      if (this.stale) {
        this.stale = false;
        this.request();
      }
    });
  }
}
