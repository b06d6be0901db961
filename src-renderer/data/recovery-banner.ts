/**
 * At start: work a previous session autosaved but never saved (it crashed, or quit without
 * saving) is offered back — Restore opens it as unsaved work (asking "Save changes?" first when
 * the open sheet has unsaved work of its own), Discard deletes the copy.
 */
import type { RecoveryOffer, UserMessage } from '../../src-main/service/contract.ts';
import { CommandError, type ApiClient } from '../api/client.ts';
import { h } from './dom.ts';

export class RecoveryBanner {
  private readonly bar: HTMLElement;

  constructor(
    host: HTMLElement,
    private readonly api: ApiClient,
    private readonly say: (m: UserMessage) => void,
    /** "Save changes?" for the open sheet; false: keep it, restore nothing. */
    private readonly leaving: (doing: string) => Promise<boolean>,
  ) {
    this.bar = h('div', { id: 'recovery', class: 'recovery', role: 'alert', hidden: true });
    host.prepend(this.bar);
  }

  async check(): Promise<void> {
    const offers = await this.api.call('listRecoverable', {});
    this.show(offers);
  }

  private show(offers: RecoveryOffer[]): void {
    const offer = offers[0];
    this.bar.hidden = !offer;
    if (!offer) return this.bar.replaceChildren();
    const when = new Date(offer.savedAt).toLocaleString();
    const what = offer.projectPath ? `changes to ${offer.projectPath}` : `"${offer.name}"`;
    const restore = h('button', { id: 'recovery-restore', type: 'button', class: 'primary', text: 'Restore' });
    const discard = h('button', { id: 'recovery-discard', type: 'button', text: 'Discard' });
    restore.addEventListener('click', () => void this.restore(offer, what));
    discard.addEventListener('click', () => void this.act(() => this.api.call('discardRecoverable', { path: offer.path }), null));
    this.bar.replaceChildren(
      h('span', { id: 'recovery-text', text: `Unsaved work was found: ${what}, autosaved ${when}${offers.length > 1 ? ` (and ${offers.length - 1} more)` : ''}.` }),
      restore,
      discard,
    );
  }

  private async restore(offer: RecoveryOffer, what: string): Promise<void> {
    if (!(await this.leaving(`restoring ${what}`))) return;
    await this.act(() => this.api.call('restoreRecoverable', { path: offer.path }), `Restored ${what} — unsaved until you save it`);
  }

  private async act(task: () => Promise<unknown>, done: string | null): Promise<void> {
    try {
      await task();
      if (done) this.say({ level: 'info', text: done });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      this.say({ level: 'error', text: error.message });
    }
    await this.check();
  }
}
