/**
 * One line under the sheet for what the user should read: a refused edit, a divergence, a lost
 * connection. It lies over the legend's fixed strip (styles/app.css .sheet-footer), so showing
 * one never changes the grid's height. It stays until its close button, the next successful
 * action (see `clearShownBefore`) or, for an info line, a few seconds.
 */
import type { UserMessage } from '../../src-main/service/contract.ts';

/** An info line is a confirmation and goes by itself; a warning or an error waits to be read. */
const INFO_SHOWN_MS = 6000;

export class MessageBar {
  private timer = 0;
  private readonly text = document.createElement('span');
  /** How many messages were shown so far: the mark an action takes before it starts. */
  private shown = 0;

  constructor(private readonly element: HTMLElement) {
    this.text.className = 'message-text';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'message-close';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Close message');
    close.title = 'Close this message';
    close.addEventListener('click', () => this.hide());
    element.replaceChildren(this.text, close);
  }

  show({ level, text }: UserMessage): void {
    clearTimeout(this.timer);
    this.shown++;
    this.text.textContent = text;
    this.text.title = text;
    this.element.dataset['level'] = level;
    this.element.hidden = false;
    if (level === 'info') this.timer = window.setTimeout(() => this.hide(), INFO_SHOWN_MS);
  }

  hide(): void {
    clearTimeout(this.timer);
    this.element.hidden = true;
  }

  /** Taken when an action starts; hand it to `clearShownBefore` once the action succeeded. */
  mark(): number {
    return this.shown;
  }

  /**
   * An action succeeded: what was said before it started is over. A message the action itself
   * brought (a warning during its Solve, an answer it shows) is newer than the mark and stays.
   */
  clearShownBefore(mark: number): void {
    if (this.shown <= mark) this.hide();
  }
}
