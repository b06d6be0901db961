/** One line under the sheet for what the user should read: a refused edit, a divergence, a lost connection. */
import type { UserMessage } from '../../src-main/service/contract.ts';

const SHOWN_MS: Record<UserMessage['level'], number> = { info: 5000, warning: 10000, error: 15000 };

export class MessageBar {
  private timer = 0;

  constructor(private readonly element: HTMLElement) {}

  show({ level, text }: UserMessage): void {
    clearTimeout(this.timer);
    this.element.textContent = text;
    this.element.dataset['level'] = level;
    this.element.hidden = false;
    this.timer = window.setTimeout(() => (this.element.hidden = true), SHOWN_MS[level]);
  }
}
