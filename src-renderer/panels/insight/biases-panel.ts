/**
 * Movies (or users) ranked by learned bias, fastbook ch. 8's first reading of a model: the lowest
 * biases are movies people rate below what their tastes predict, even fans of their genre.
 * Rating counts and means beside them say how much data each bias stands on.
 */
import type { AppState, BiasEntry } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { el, field, fixed, numberInput, select, signed, table, valueOf, type Column } from './dom.ts';
import type { InsightPanel } from './panel.ts';

export class BiasesPanel implements InsightPanel {
  readonly id = 'biases';
  readonly title = 'Biases';
  readonly element: HTMLElement;
  private readonly side = select([['item', 'Movies'], ['user', 'Users']] as const, 'item');
  private readonly minRatings = numberInput(0, 0, 100000);
  private readonly n = numberInput(10, 1, 100);
  private readonly content = el('div', { className: 'bias-columns' });

  constructor(private readonly api: ApiClient, onChange: () => void) {
    const controls = el('div', { className: 'insight-controls' },
      field('Rank', this.side), field('Min ratings', this.minRatings), field('Show', this.n));
    this.element = el('div', { className: 'insight-panel', attrs: { 'data-panel': this.id } }, controls, this.content);
    for (const c of [this.side, this.minRatings, this.n]) c.addEventListener('change', onChange);
  }

  async refresh(state: AppState): Promise<void> {
    const side = this.side.value as 'user' | 'item';
    const r = await this.api.call('biases', { side, n: valueOf(this.n, 10), minRatings: valueOf(this.minRatings, 0) });
    const what = side === 'item' ? 'movie' : 'user';
    const span = Math.max(1e-9, ...[...r.lowest, ...r.highest].map((e) => Math.abs(e.bias)));
    const columns: Column<BiasEntry>[] = [
      { header: '#', kind: 'rank', cell: (_, i) => String(i + 1) },
      { header: side === 'item' ? 'movie' : 'user', kind: 'label', cell: (e) => e.label },
      { header: 'bias', kind: 'num', cell: (e) => biasCell(e.bias, span) },
      { header: 'ratings', kind: 'num', cell: (e) => String(e.count) },
      { header: 'mean', kind: 'num', title: `mean of the ${what}'s ratings`, cell: (e) => fixed(e.mean) },
    ];
    const card = (title: string, note: string, rows: BiasEntry[], cls: string) =>
      el('section', { className: `insight-card ${cls}` }, el('h3', { text: title }), el('p', { className: 'muted small', text: note }), table(rows, columns));
    const scale = state.sheet.scale;
    this.content.replaceChildren(
      card(`Lowest ${what} bias`, side === 'item'
        ? 'Rated lower than their factors predict, even by people whose taste they match.'
        : `Rate everything lower than their tastes predict (on a ${scale.lo}–${scale.hi} scale).`, r.lowest, 'lowest'),
      card(`Highest ${what} bias`, side === 'item'
        ? 'Rated higher than their factors predict, even by people who usually dislike their kind.'
        : 'Rate everything higher than their tastes predict.', r.highest, 'highest'),
    );
  }
}

/** A signed number (a bias, a feature's effect) with a bar proportional to it (blue below zero, red above). */
export function biasCell(bias: number, span: number): HTMLElement {
  const bar = el('span', { className: `bias-bar ${bias < 0 ? 'neg' : 'pos'}` });
  bar.style.setProperty('--w', `${Math.round((Math.abs(bias) / span) * 100)}%`);
  return el('span', { className: 'bias' }, bar, el('span', { text: signed(bias) }));
}
