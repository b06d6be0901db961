/** A user's top-N movies by predicted rating, leaving out everything they rated. */
import type { AppState, RecommendationResult, RowRef } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { el, field, numberInput, valueOf } from './dom.ts';
import type { InsightPanel } from './panel.ts';
import { RowPicker } from './row-picker.ts';
import { PREDICTED, scoredTable } from './scored-table.ts';

export class RecommendPanel implements InsightPanel {
  readonly id = 'recommend';
  readonly title = 'Recommendations';
  readonly element: HTMLElement;
  private readonly picker: RowPicker;
  private readonly n = numberInput(10, 1, 100);
  private readonly minRatings = numberInput(0, 0, 100000);
  private readonly content = el('div');

  constructor(private readonly api: ApiClient, onChange: () => void) {
    this.picker = new RowPicker(api, 'user', 'Search a user…', onChange);
    const controls = el('div', { className: 'insight-controls' },
      field('User', this.picker.element), field('Show', this.n), field('Min ratings', this.minRatings));
    this.element = el('div', { className: 'insight-panel', attrs: { 'data-panel': this.id } }, controls, this.content);
    for (const c of [this.n, this.minRatings]) c.addEventListener('change', onChange);
  }

  choose(row: RowRef): void {
    this.picker.set(row);
  }

  async refresh(state: AppState): Promise<void> {
    const first = state.sheet.users[0];
    const userId = this.picker.value?.id ?? first?.id;
    if (!userId) return;
    const r = await this.api.call('recommendations', { userId, n: valueOf(this.n, 10), minRatings: valueOf(this.minRatings, 0) });
    this.picker.set(r.user);
    this.content.replaceChildren(recommendationCard(r));
  }
}

export function recommendationCard(r: RecommendationResult): HTMLElement {
  const how = r.coldStart
    ? `new user: factors folded in from ${r.rated} rating${r.rated === 1 ? '' : 's'}${r.rated === 0 ? ' — the average taste' : ''}, no retraining`
    : `${r.rated} rated movies left out`;
  return el('section', { className: 'insight-card', attrs: { 'data-user': r.user.id } },
    el('h3', { text: `Top ${r.items.length} for ${r.user.label}` }),
    el('p', { className: 'muted small' }, r.coldStart ? el('span', { className: 'badge', text: 'cold start' }) : null, how),
    scoredTable(r.items, PREDICTED));
}
