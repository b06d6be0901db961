/**
 * The Insights tab: the panels that read the trained factors (biases, PCA, similar movies,
 * recommendations, one-hot × matrix) and the side features' effects, behind a row of tabs. The
 * shown panel re-queries whenever the sheet changes while idle; during training it keeps its last
 * answer, marked as stale.
 */
import type { AppState } from '../../../src-main/service/contract.ts';
import { CommandError, type ApiClient } from '../../api/client.ts';
import { BiasesPanel } from './biases-panel.ts';
import { el } from './dom.ts';
import { FeaturesPanel } from './features-panel.ts';
import { OneHotPanel } from './one-hot-panel.ts';
import type { InsightPanel } from './panel.ts';
import { PcaPanel } from './pca-panel.ts';
import { RecommendPanel } from './recommend-panel.ts';
import { Refresher } from './refresher.ts';
import { SimilarPanel } from './similar-panel.ts';

const TAB_KEY = 'collabsheet.insight';

export class InsightsView {
  readonly element: HTMLElement;
  readonly similar: SimilarPanel;
  readonly recommend: RecommendPanel;
  readonly features: FeaturesPanel;
  private readonly panels: InsightPanel[];
  private readonly tabs = new Map<string, HTMLButtonElement>();
  private readonly error = el('div', { className: 'insight-error', attrs: { role: 'status' } });
  private readonly stale = el('div', { className: 'insight-stale', text: 'Training… the panels update when it stops.' });
  private active: InsightPanel;
  private state: AppState | null = null;
  private visible = false;
  private readonly refresher = new Refresher(() => this.refreshNow());

  constructor(api: ApiClient) {
    const refresh = () => this.refresh();
    this.similar = new SimilarPanel(api, refresh);
    this.recommend = new RecommendPanel(api, refresh);
    this.features = new FeaturesPanel(api);
    this.panels = [new BiasesPanel(api, refresh), new PcaPanel(api, refresh), this.similar, this.recommend, new OneHotPanel(api, refresh), this.features];
    const nav = el('nav', { className: 'insight-tabs', attrs: { role: 'tablist', 'aria-label': 'Insights' } });
    for (const p of this.panels) {
      const tab = el('button', { text: p.title, attrs: { role: 'tab', type: 'button', 'data-tab': p.id } });
      tab.addEventListener('click', () => this.show(p.id));
      this.tabs.set(p.id, tab);
      nav.append(tab);
    }
    const body = el('div', { className: 'insight-body' }, this.stale, this.error, ...this.panels.map((p) => p.element));
    this.element = el('section', { className: 'insights', attrs: { id: 'insights' } }, nav, body);
    this.active = this.panels.find((p) => p.id === localStorage.getItem(TAB_KEY)) ?? this.panels[0];
    this.show(this.active.id);
  }

  show(id: string): void {
    this.active = this.panels.find((p) => p.id === id) ?? this.panels[0];
    localStorage.setItem(TAB_KEY, this.active.id);
    for (const p of this.panels) {
      p.element.hidden = p !== this.active;
      this.tabs.get(p.id)!.setAttribute('aria-selected', String(p === this.active));
    }
    this.refresh();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.refresh();
  }

  onState(state: AppState): void {
    this.state = state;
    this.stale.hidden = state.status !== 'training';
    this.refresh();
  }

  refresh(): void {
    if (this.visible && this.state?.status === 'idle') this.refresher.request();
  }

  private async refreshNow(): Promise<void> {
    const state = this.state;
    if (!state) return;
    const panel = this.active;
    try {
      await panel.refresh(state);
      this.error.hidden = true;
      panel.element.dataset['loaded'] = String(Number(panel.element.dataset['loaded'] ?? 0) + 1);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      this.error.textContent = error.message;
      this.error.hidden = false;
    }
  }
}
