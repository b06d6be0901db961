/**
 * The config and settings sent to the service and not answered yet. Each change sends the whole
 * config, so a second change made before the first one's state came back must build on what was
 * sent, not on the last state received: it used to send the first field's old value back (an lr
 * just set to 0.01 went back to 1 when the batch size was changed a moment later).
 */
import type { AppState, SessionSettings, TrainConfig } from '../../src-main/service/contract.ts';

export type SettingsChange = { config?: TrainConfig; settings?: SessionSettings };

export class SentSettings {
  private sent: SettingsChange = {};
  private unanswered = 0;

  /** The last state received with what was sent since laid over it: what the user asked for so far. */
  intended(received: AppState): AppState {
    return { ...received, ...this.sent };
  }

  async send(change: SettingsChange, apply: (change: SettingsChange) => Promise<string | null>): Promise<string | null> {
    this.sent = { ...this.sent, ...change };
    this.unanswered++;
    try {
      return await apply(change);
    } finally {
      // The service sends a change's state before its answer, so once every answer is in, the
      // state received holds all that was taken (and none of what was refused).
      if (--this.unanswered === 0) this.sent = {};
    }
  }
}
