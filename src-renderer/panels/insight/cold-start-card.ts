/**
 * The side card that follows a row just added to the sheet: a new user's top picks (or a new
 * movie's nearest neighbours). A rating typed into the row brings its new list with the edit (the
 * `coldStart` event, just before the edit's state): fold-in places the row without retraining,
 * so the list answers at once, in one round trip. Other changes (Solve, edits elsewhere, a new
 * model) re-query it. `data-rendered-at` holds when the list was last drawn (performance.now()).
 */
import type { AppState, ColdStartAnswer } from '../../../src-main/service/contract.ts';
import { CommandError, type ApiClient } from '../../api/client.ts';
import { el } from './dom.ts';
import { recommendationCard } from './recommend-panel.ts';
import { Refresher } from './refresher.ts';
import { scoredTable } from './scored-table.ts';

export interface TrackedRow {
  side: 'user' | 'item';
  id: string;
}

export class ColdStartCard {
  readonly element: HTMLElement;
  private readonly body = el('div', { className: 'cold-body' });
  private tracked: TrackedRow | null = null;
  private state: AppState | null = null;
  private renders = 0;
  /** The next state is the edit whose list an event already brought: no need to ask again. */
  private answered = false;
  private readonly refresher = new Refresher(() => this.refreshNow());

  constructor(private readonly api: ApiClient, onOpen: (row: TrackedRow) => void) {
    const close = el('button', { className: 'card-close', text: '×', title: 'Hide', attrs: { type: 'button', 'aria-label': 'Hide' } });
    close.addEventListener('click', () => this.track(null));
    const open = el('button', { className: 'link', text: 'open in Insights', attrs: { type: 'button' } });
    open.addEventListener('click', () => this.tracked && onOpen(this.tracked));
    this.element = el('section', { className: 'card cold-start', attrs: { id: 'cold-start' } },
      el('div', { className: 'card-head' }, el('h2', { text: 'Cold start' }), open, close),
      el('p', { className: 'muted small', text: 'Type ratings into the new row: its factors are solved with the others held fixed, no retraining.' }),
      this.body);
    this.element.hidden = true;
  }

  track(row: TrackedRow | null): void {
    this.tracked = row;
    this.element.hidden = row === null;
    this.body.replaceChildren();
    this.answered = false;
    if (row) this.refresher.request();
  }

  /** A cold row's new list, sent with the edit that moved it. */
  onColdStart(answer: ColdStartAnswer): void {
    if (answer.side !== this.tracked?.side || answer.id !== this.tracked.id) return;
    this.answered = true;
    this.show(answer);
  }

  onState(state: AppState): void {
    this.state = state;
    const ids = this.tracked?.side === 'user' ? state.sheet.users.map((u) => u.id) : state.sheet.movies.map((m) => m.id);
    // Another sheet was opened: the tracked row is gone.
    if (this.tracked && !ids.includes(this.tracked.id)) return this.track(null);
    if (this.answered) {
      this.answered = false;
      return;
    }
    if (this.tracked && state.status === 'idle') this.refresher.request();
  }

  private async refreshNow(): Promise<void> {
    const row = this.tracked;
    if (!row || this.state?.status !== 'idle') return;
    const rendersBefore = this.renders;
    let list: ColdStartAnswer | { error: string };
    try {
      list = await this.api.call('coldStartList', { side: row.side, id: row.id });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      list = { error: error.message };
    }
    // An edit's own list arrived while this query ran: it is the newer one.
    if (this.renders === rendersBefore) this.show(list);
  }

  private show(list: ColdStartAnswer | { error: string }): void {
    if ('error' in list) {
      this.body.replaceChildren(el('p', { className: 'insight-error', text: list.error }));
    } else if (list.side === 'user') {
      this.body.replaceChildren(recommendationCard(list.recommendations));
    } else {
      const r = list.similar;
      this.body.replaceChildren(el('h3', { text: `Nearest to ${r.query.label}` }),
        el('p', { className: 'muted small', text: `placed by ${r.query.count} rating${r.query.count === 1 ? '' : 's'} (cosine of the movie factors)` }),
        scoredTable(r.items, { header: 'cosine', title: 'cosine similarity', format: (x) => x.toFixed(3) }));
    }
    this.element.dataset['renders'] = String(++this.renders);
    this.element.dataset['renderedAt'] = performance.now().toFixed(1);
  }
}
