/**
 * Pick a user or a movie by typing part of its title (or id): the service's findRows answers
 * with the best matches, most rated first, shown under the field. Enter takes the highlighted
 * match, Escape closes the list.
 */
import type { RowRef } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { el } from './dom.ts';

const SHOWN = 12;
const DEBOUNCE_MS = 120;

export class RowPicker {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private matches: RowRef[] = [];
  private highlighted = 0;
  private chosen: RowRef | null = null;
  private timer = 0;
  private asked = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly side: 'user' | 'item',
    placeholder: string,
    private readonly onPick: (row: RowRef) => void,
  ) {
    this.input = el('input', { className: 'picker-input', attrs: { type: 'search', placeholder, autocomplete: 'off', spellcheck: 'false' } });
    this.list = el('ul', { className: 'picker-list', attrs: { role: 'listbox' } });
    this.list.hidden = true;
    this.element = el('div', { className: 'picker' }, this.input, this.list);
    this.input.addEventListener('input', () => this.search());
    this.input.addEventListener('focus', () => {
      this.input.select();
      this.search();
    });
    this.input.addEventListener('blur', () => window.setTimeout(() => this.close(), 150));
    this.input.addEventListener('keydown', (e) => this.key(e));
  }

  get value(): RowRef | null {
    return this.chosen;
  }

  /** Shows `row` as chosen without calling onPick. */
  set(row: RowRef): void {
    this.chosen = row;
    if (document.activeElement !== this.input) this.input.value = row.label;
  }

  private search(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(async () => {
      const ask = ++this.asked;
      try {
        const rows = await this.api.call('findRows', { side: this.side, query: this.input.value, limit: SHOWN });
        if (ask !== this.asked || document.activeElement !== this.input) return;
        this.show(rows);
      } catch {
        this.close(); // e.g. training: the panel shows why
      }
    }, DEBOUNCE_MS);
  }

  private show(rows: RowRef[]): void {
    this.matches = rows;
    this.highlighted = 0;
    this.list.replaceChildren(
      ...rows.map((r, i) => {
        const item = el('li', { attrs: { role: 'option' } }, el('span', { className: 'picker-label', text: r.label }), el('span', { className: 'picker-count', text: `${r.count} ratings` }));
        item.addEventListener('mousedown', (e) => {
          e.preventDefault();
          this.pick(i);
        });
        return item;
      }),
    );
    if (rows.length === 0) this.list.append(el('li', { className: 'picker-empty', text: 'no match' }));
    this.list.hidden = false;
    this.mark();
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!this.matches.length) return;
      this.highlighted = (this.highlighted + (e.key === 'ArrowDown' ? 1 : -1) + this.matches.length) % this.matches.length;
      this.mark();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.matches.length) this.pick(this.highlighted);
    } else if (e.key === 'Escape') {
      this.close();
      if (this.chosen) this.input.value = this.chosen.label;
    }
  }

  private mark(): void {
    [...this.list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === this.highlighted)));
  }

  private pick(i: number): void {
    const row = this.matches[i];
    this.chosen = row;
    this.input.value = row.label;
    this.close();
    this.input.blur();
    this.onPick(row);
  }

  private close(): void {
    this.list.hidden = true;
  }
}
