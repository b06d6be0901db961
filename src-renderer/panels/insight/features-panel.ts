/**
 * What the neural model learned about each movie feature value (issue 15 item 4): "Sci-Fi raises
 * its movies' predicted ratings by 0.2". Each value's effect is measured through the network
 * (its movies' mean prediction with the value minus without it), so it is in rating points and
 * compares across features. A table, not a PCA map: the feature embeddings are concatenated
 * beside the movie embeddings, so they share no basis with the movie map, and a map of a
 * handful of genre vectors of their own says less than their effect in rating points does.
 * Beside it, Feature effects: valid RMSE of short runs with every feature and without each.
 */
import type { FeatureEffectsAnswer, FeatureEffectsProgress, FeatureValueEffect } from '../../../src-main/service/contract.ts';
import { CommandError, type ApiClient } from '../../api/client.ts';
import { biasCell } from './biases-panel.ts';
import { el, field, fixed, numberInput, select, signed, table, valueOf, type Column } from './dom.ts';
import type { InsightPanel } from './panel.ts';

const ORDERS = [
  ['size', 'Largest effect (either way)'],
  ['raises', 'Raises ratings most'],
  ['lowers', 'Lowers ratings most'],
  ['movies', 'Most movies'],
] as const;
type Order = (typeof ORDERS)[number][0];

const compare: Record<Order, (a: FeatureValueEffect, b: FeatureValueEffect) => number> = {
  size: (a, b) => Math.abs(b.effect) - Math.abs(a.effect),
  raises: (a, b) => b.effect - a.effect,
  lowers: (a, b) => a.effect - b.effect,
  movies: (a, b) => b.movies - a.movies,
};

export class FeaturesPanel implements InsightPanel {
  readonly id = 'features';
  readonly title = 'Features';
  readonly element: HTMLElement;
  private readonly order = select(ORDERS, 'size');
  private readonly content = el('div', { className: 'feature-effects' });
  private values: FeatureValueEffect[] = [];
  private note = '';
  private readonly epochs = Object.assign(numberInput(5, 1, 100), { id: 'feature-effects-epochs' });
  private readonly runButton = el('button', { text: 'Feature effects', attrs: { type: 'button', id: 'feature-effects-run', title: 'train the model a few epochs with every feature, then once without each; each run joins the Runs list' } });
  private readonly stopButton = el('button', { text: 'Stop', attrs: { type: 'button', id: 'feature-effects-stop' } });
  private readonly runStatus = el('p', { className: 'muted small', attrs: { id: 'feature-effects-status', role: 'status' } });
  private readonly runResult = el('div', { attrs: { id: 'feature-effects-result' } });

  constructor(private readonly api: ApiClient) {
    const controls = el('div', { className: 'insight-controls' }, field('Sort by', this.order));
    const runs = el('section', { className: 'insight-card' },
      el('h3', { text: 'Valid RMSE with and without each feature' }),
      el('div', { className: 'insight-controls' }, field('Epochs a run', this.epochs), this.runButton, this.stopButton),
      this.runStatus, this.runResult);
    this.element = el('div', { className: 'insight-panel', attrs: { 'data-panel': this.id } }, controls, this.content, runs);
    // Sorting needs no new answer from the worker.
    this.order.addEventListener('change', () => this.render());
    this.runButton.addEventListener('click', () => void this.runFeatureEffects());
    this.stopButton.addEventListener('click', () => void this.api.call('stop', {}));
    this.stopButton.hidden = true;
  }

  progress(p: FeatureEffectsProgress): void {
    this.runStatus.textContent = p.next === null
      ? `${p.done} of ${p.total} runs done in ${p.elapsedSeconds.toFixed(0)} s`
      : `Run ${p.done + 1} of ${p.total} (${p.next}) · ${p.elapsedSeconds.toFixed(0)} s so far`;
  }

  private async runFeatureEffects(): Promise<void> {
    this.runButton.disabled = true;
    this.stopButton.hidden = false;
    this.runStatus.textContent = 'Starting…';
    try {
      this.showRuns(await this.api.call('featureEffects', { epochs: valueOf(this.epochs, 5) }));
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      this.runStatus.textContent = error.message;
    } finally {
      this.runButton.disabled = false;
      this.stopButton.hidden = true;
    }
  }

  private showRuns(a: FeatureEffectsAnswer): void {
    const base = a.withAll ? `With every feature: valid RMSE ${fixed(a.withAll.validRmse, 4)} after ${a.epochs} epochs.` : 'Stopped before the run with every feature finished.';
    this.runStatus.textContent = `${base}${a.cancelled ? ' Stopped: the runs finished are listed.' : ''} Each run is in the Runs list.`;
    const rows = [...a.without].sort((x, y) => (y.change ?? -Infinity) - (x.change ?? -Infinity));
    const span = Math.max(1e-9, ...rows.map((w) => Math.abs(w.change ?? 0)));
    this.runResult.replaceChildren(table(rows, [
      { header: 'left out', kind: 'label', cell: (w) => `${w.side === 'item' ? 'movie' : 'user'} ${w.name}` },
      { header: 'valid RMSE', kind: 'num', cell: (w) => fixed(w.validRmse, 4) },
      { header: 'change', kind: 'num', title: 'valid RMSE without the feature minus with every feature: positive, the feature helps', cell: (w) => (w.change === null ? '–' : biasCell(w.change, span)) },
      { header: 'run', kind: 'num', cell: (w) => w.runId },
    ]));
  }

  async refresh(): Promise<void> {
    const r = await this.api.call('featureValueEffects', { users: 200, top: 3 });
    this.values = r.values;
    this.note = `Each value's effect: how much its movies' predicted rating, averaged over ${r.users} users, drops when the value is taken from them (their other values kept).`
      + (r.notListed.length ? ` Not listed: ${r.notListed.join('; ')}.` : '');
    this.render();
  }

  private render(): void {
    const rows = [...this.values].sort(compare[this.order.value as Order]);
    const span = Math.max(1e-9, ...rows.map((v) => Math.abs(v.effect)));
    const columns: Column<FeatureValueEffect>[] = [
      { header: '#', kind: 'rank', cell: (_, i) => String(i + 1) },
      { header: 'feature', cell: (v) => v.feature },
      { header: 'value', kind: 'label', cell: (v) => v.value },
      { header: 'effect', kind: 'num', title: 'mean predicted rating of its movies with the value minus without it', cell: (v) => biasCell(v.effect, span) },
      { header: 'movies', kind: 'num', title: 'movies with the value', cell: (v) => String(v.movies) },
      { header: 'moves most', kind: 'label', title: 'the movies whose predictions it moves most', cell: (v) => v.top.map((m) => `${m.label} (${signed(m.effect)})`).join(', ') },
    ];
    this.content.replaceChildren(
      el('section', { className: 'insight-card' },
        el('h3', { text: 'What the model learned about each feature value' }),
        el('p', { className: 'muted small', text: this.note }),
        table(rows, columns)),
    );
  }
}
