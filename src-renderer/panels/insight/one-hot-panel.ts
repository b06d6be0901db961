/**
 * The Excel `movielens_1hot` lesson: looking up a row of an embedding is multiplying its one-hot
 * vector by the embedding matrix. Shown side by side — the one-hot row (as a column, so its 1
 * sits beside the row it picks), the matrix, and the product next to the looked-up row.
 */
import type { AppState, OneHotResult } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { el, field, select } from './dom.ts';
import type { InsightPanel } from './panel.ts';
import { RowPicker } from './row-picker.ts';

export class OneHotPanel implements InsightPanel {
  readonly id = 'onehot';
  readonly title = 'One-hot × matrix';
  readonly element: HTMLElement;
  private readonly side = select([['user', 'User factors'], ['item', 'Movie factors']] as const, 'user');
  private readonly pickers: Record<'user' | 'item', RowPicker>;
  private readonly pickerSlot = el('span');
  private readonly content = el('div');

  constructor(private readonly api: ApiClient, onChange: () => void) {
    this.pickers = {
      user: new RowPicker(api, 'user', 'Search a user…', onChange),
      item: new RowPicker(api, 'item', 'Search a movie…', onChange),
    };
    const controls = el('div', { className: 'insight-controls' }, field('Embedding', this.side), field('Row', this.pickerSlot));
    this.element = el('div', { className: 'insight-panel', attrs: { 'data-panel': this.id } }, controls, this.content);
    this.side.addEventListener('change', () => {
      this.pickerSlot.replaceChildren(this.pickers[this.currentSide()].element);
      onChange();
    });
    this.pickerSlot.replaceChildren(this.pickers.user.element);
  }

  private currentSide(): 'user' | 'item' {
    return this.side.value as 'user' | 'item';
  }

  async refresh(state: AppState): Promise<void> {
    const side = this.currentSide();
    const fallback = side === 'user' ? state.sheet.users[0]?.id : state.sheet.movies[0]?.id;
    const id = this.pickers[side].value?.id ?? fallback;
    if (!id) return;
    const r = await this.api.call('oneHot', { side, id });
    this.pickers[side].set({ id: r.rows[r.row].id, label: r.rows[r.row].label, count: 0, mean: null });
    this.content.replaceChildren(figure(r));
  }
}

const num = (x: number) => x.toFixed(3);

function figure(r: OneHotResult): HTMLElement {
  const k = r.product.length;
  const what = r.side === 'user' ? 'user' : 'movie';
  const head = (cells: string[]) => {
    const tr = el('tr');
    for (const c of cells) tr.append(el('th', { text: c }));
    return el('thead', {}, tr);
  };
  const factorHeads = Array.from({ length: k }, (_, f) => `f${f + 1}`);

  const oneHot = el('table', { className: 'onehot-vector' }, head([what, 'one-hot']));
  const matrix = el('table', { className: 'onehot-matrix' }, head(factorHeads));
  const oneHotBody = oneHot.createTBody();
  const matrixBody = matrix.createTBody();
  r.rows.forEach((row, i) => {
    const chosen = i === r.row ? 'chosen' : '';
    oneHotBody.append(el('tr', { className: chosen }, el('td', { className: 'label', text: row.label, title: row.id }), el('td', { className: 'num bit', text: String(r.oneHot[i]) })));
    matrixBody.append(el('tr', { className: chosen }, ...r.matrix[i].map((x) => el('td', { className: 'num', text: num(x) }))));
  });
  const vector = (title: string, values: number[], cls: string) =>
    el('table', { className: `onehot-result ${cls}` }, head([title, ...factorHeads]), el('tbody', {}, el('tr', {}, el('td', { className: 'label', text: title }), ...values.map((x) => el('td', { className: 'num', text: num(x) })))));
  const label = r.rows[r.row].label;
  return el('section', { className: 'insight-card onehot' },
    el('h3', { text: `Embedding of ${label} = one-hot(${label}) × ${what} factor matrix` }),
    el('p', { className: 'muted small', text: `A ${r.rows.length}-long vector of zeros with a single 1, times the ${r.rows.length} × ${k} matrix, picks out one row: the model never needs the multiplication, only the lookup.` }),
    el('div', { className: 'onehot-figure' },
      el('figure', {}, el('figcaption', { text: `one-hot (1 × ${r.rows.length})` }), oneHot),
      el('div', { className: 'op', text: '×' }),
      el('figure', {}, el('figcaption', { text: `${what} factors (${r.rows.length} × ${k})` }), matrix),
      el('div', { className: 'op', text: '=' }),
      el('figure', { className: 'onehot-results' },
        el('figcaption', { text: `product (1 × ${k})` }), vector('one-hot × matrix', r.product, 'product'),
        el('figcaption', { text: 'looked-up row' }), vector(`row of ${label}`, r.lookedUp, 'lookup'),
        el('p', { className: `equal ${r.equal ? 'yes' : 'no'}`, text: r.equal ? '✓ identical, value for value' : '✗ they differ' }))));
}
