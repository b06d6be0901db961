/**
 * Above the sheet, for data bigger than a screen: how many of the most active users and most
 * rated movies the crosstab shows (N × N), and Find — a user by id, a movie by id or title —
 * which pins the match first in the sheet. The whole dataset trains either way; the visible
 * cells come from the full model.
 */
import type { AppState, FindMatch, UserMessage } from '../../src-main/service/contract.ts';
import { unlessRefused, type ApiClient } from '../api/client.ts';
import { fmt, h } from './dom.ts';

export class SheetTools {
  private readonly size: HTMLInputElement;
  private readonly query: HTMLInputElement;
  private readonly results: HTMLElement;
  private readonly unpin: HTMLButtonElement;
  private readonly root: HTMLElement;
  /** The N the sheet shows (a repeated change event must not re-send it). */
  private shown = 0;

  constructor(
    host: HTMLElement,
    private readonly api: ApiClient,
    private readonly say: (m: UserMessage) => void,
  ) {
    this.size = h('input', { id: 'crosstab-size', type: 'number', min: 2, max: 100, step: 1, title: 'Rows and columns of the most active users and most rated movies' });
    const resize = () => {
      const size = Number(this.size.value);
      if (!this.size.checkValidity() || size === this.shown) return;
      this.shown = size;
      void this.attempt(() => this.api.call('setCrosstab', { size }));
    };
    this.size.addEventListener('change', resize);
    this.size.addEventListener('keydown', (e) => e.key === 'Enter' && resize());
    this.query = h('input', { id: 'find-input', type: 'search', placeholder: 'Find a user or movie…', spellcheck: 'false', autocomplete: 'off' });
    this.query.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.find();
      if (e.key === 'Escape') this.results.hidden = true;
    });
    this.results = h('div', { id: 'find-results', class: 'find-results', role: 'listbox', hidden: true });
    this.unpin = h('button', { id: 'find-unpin', type: 'button', class: 'chip', hidden: true, title: 'Show the most active users and most rated movies again' });
    this.unpin.addEventListener('click', () => void this.attempt(() => this.api.call('pinInSheet', { user: null, item: null })));
    this.root = h('div', { class: 'sheet-tools' },
      h('label', { class: 'inline', for: 'crosstab-size' }, 'show', this.size, h('span', { id: 'crosstab-label', text: '× N' })),
      h('div', { class: 'find' }, this.query, this.results),
      this.unpin,
    );
    host.append(this.root);
    document.addEventListener('click', (e) => {
      if (!this.root.contains(e.target as Node)) this.results.hidden = true;
    });
  }

  render(state: AppState): void {
    const d = state.sheet.data;
    this.shown = d.crosstab;
    if (document.activeElement !== this.size) this.size.value = String(d.crosstab);
    const big = state.sheet.totals.users > d.crosstab || state.sheet.totals.movies > d.crosstab;
    this.root.classList.toggle('small-sheet', !big);
    const pinned = [...d.pinned.users.map((u) => `user ${u}`), ...d.pinned.items.map((id) => state.sheet.movies.find((m) => m.id === id)?.title ?? id)];
    this.unpin.hidden = pinned.length === 0;
    this.unpin.textContent = `pinned: ${pinned.join(', ')} ✕`;
    const training = state.status === 'training';
    this.size.disabled = training;
    this.query.disabled = training;
  }

  private async find(): Promise<void> {
    const query = this.query.value.trim();
    if (!query) return;
    const matches = await this.attempt(() => this.api.call('findInSheet', { query }));
    if (!matches) return;
    if (matches.length === 0) {
      this.say({ level: 'warning', text: `No user with id "${query}" and no movie whose id or title contains it` });
      return;
    }
    if (matches.length === 1) return this.pin(matches[0]);
    this.results.replaceChildren(
      ...matches.map((m) => {
        const b = h('button', { type: 'button', role: 'option', class: 'find-match' },
          h('span', { class: 'kind', text: m.kind === 'user' ? 'user' : 'movie' }),
          h('span', { class: 'label', text: m.label }),
          h('span', { class: 'count', text: `${fmt(m.ratings)} ratings` }),
        );
        b.addEventListener('click', () => void this.pin(m));
        return b;
      }),
    );
    this.results.hidden = false;
  }

  private async pin(m: FindMatch): Promise<void> {
    this.results.hidden = true;
    const state = await this.attempt(() => this.api.call('pinInSheet', m.kind === 'user' ? { user: m.id } : { item: m.id }));
    if (!state) return;
    this.query.value = '';
    this.say({ level: 'info', text: `${m.kind === 'user' ? 'User' : 'Movie'} ${m.label} is pinned first in the sheet (${fmt(m.ratings)} ratings)` });
  }

  private attempt<T>(task: () => Promise<T>): Promise<T | null> {
    return unlessRefused(task, (text) => this.say({ level: 'error', text }));
  }
}
