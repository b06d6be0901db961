/**
 * When the app is taken for broken: our bugs (not the user's refusals) in a row. One bug may be a
 * single command's; the next command failing with a bug too means the state itself is bad (a
 * disposed session answers everything with the same error), and the supervisor should restart
 * the worker from its checkpoint.
 */
import { UserError } from '../user-error.ts';

export class BugStreak {
  private inARow = 0;

  constructor(private readonly limit = 2) {}

  succeeded(): void {
    this.inARow = 0;
  }

  /** Counts a failed command; true exactly when this failure makes the streak reach the limit. */
  failed(error: unknown): boolean {
    this.inARow = error instanceof UserError ? 0 : this.inARow + 1;
    return this.inARow === this.limit;
  }
}
