/**
 * fastbook's "movies most similar to Silence of the Lambs": a movie's nearest neighbours in
 * factor space, by cosine similarity (angle only), dot product (what the model multiplies) or
 * Euclidean distance. A minimum rating count keeps barely trained movies out of the list.
 */
import type { AppState, RowRef } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { el, field, numberInput, select, valueOf } from './dom.ts';
import type { InsightPanel } from './panel.ts';
import { RowPicker } from './row-picker.ts';
import { scoredTable } from './scored-table.ts';

const METRICS = [['cosine', 'cosine similarity'], ['dot', 'dot product'], ['euclidean', 'Euclidean distance']] as const;

export class SimilarPanel implements InsightPanel {
  readonly id = 'similar';
  readonly title = 'Similar movies';
  readonly element: HTMLElement;
  private readonly picker: RowPicker;
  private readonly metric = select(METRICS, 'cosine');
  private readonly minRatings = numberInput(0, 0, 100000);
  private readonly n = numberInput(10, 1, 100);
  private readonly content = el('div');

  constructor(private readonly api: ApiClient, onChange: () => void) {
    this.picker = new RowPicker(api, 'item', 'Search a movie title…', onChange);
    const controls = el('div', { className: 'insight-controls' },
      field('Movie', this.picker.element), field('Metric', this.metric), field('Min ratings', this.minRatings), field('Show', this.n));
    this.element = el('div', { className: 'insight-panel', attrs: { 'data-panel': this.id } }, controls, this.content);
    for (const c of [this.metric, this.minRatings, this.n]) c.addEventListener('change', onChange);
  }

  /** Shows the neighbours of this movie (the cold-start card opens a new movie here). */
  choose(row: RowRef): void {
    this.picker.set(row);
  }

  async refresh(_state: AppState): Promise<void> {
    if (!this.picker.value) {
      const [first] = await this.api.call('findRows', { side: 'item', query: '', limit: 1 });
      if (!first) return;
      this.picker.set(first);
    }
    const metric = this.metric.value as (typeof METRICS)[number][0];
    const r = await this.api.call('similarItems', { id: this.picker.value!.id, metric, n: valueOf(this.n, 10), minRatings: valueOf(this.minRatings, 0) });
    this.picker.set(r.query);
    const score = metric === 'euclidean'
      ? { header: 'distance', title: 'Euclidean distance of the factor vectors (smaller is closer)', format: (x: number) => x.toFixed(3) }
      : metric === 'dot'
        ? { header: 'dot', title: 'dot product of the factor vectors', format: (x: number) => x.toFixed(3) }
        : { header: 'cosine', title: 'cosine of the angle between the factor vectors', format: (x: number) => x.toFixed(3) };
    this.content.replaceChildren(
      el('section', { className: 'insight-card' },
        el('h3', { text: `Most similar to ${r.query.label}` }),
        el('p', { className: 'muted small', text: `By ${METRICS.find(([m]) => m === metric)![1]} of the movie factors · ${r.query.count} ratings · the movie itself left out` }),
        scoredTable(r.items, score)),
    );
  }
}
