/**
 * Everything issue 5 adds to the window, wired in one place so app.ts only creates it and hands
 * it each state: the Sheet / Insights switch, the Add user / Add movie / Export buttons beside
 * the sheet's title, the Insights tab, the cold-start card in the side pane, the export dialog.
 */
import type { AppState, ColdStartAnswer, CommandArgs, FeatureEffectsProgress, CommandName, CommandResults, FeatureValues } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { ColdStartCard, type TrackedRow } from './cold-start-card.ts';
import { el } from './dom.ts';
import { ExportDialog } from './export-dialog.ts';
import { featureForm, type FeatureForm } from './feature-form.ts';
import { InsightsView } from './insights-view.ts';

const PANE_KEY = 'collabsheet.pane';
type Pane = 'sheet' | 'insights';

export interface InsightAreaHost {
  /** The app's command sender: shows a refusal to the user and answers null. */
  send<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResults[C] | null>;
  focusCell(cell: { row: number; col: number }): void;
}

export class InsightArea {
  private readonly insights: InsightsView;
  private readonly cold: ColdStartCard;
  private readonly exportDialog: ExportDialog;
  private readonly paneTabs = new Map<Pane, HTMLButtonElement>();
  private readonly buttons: HTMLButtonElement[] = [];
  private state: AppState | null = null;
  /** The + User / + Movie forms' side-feature inputs, rebuilt when the data's features change. */
  private readonly featureForms = { user: new FeatureSlot('user'), item: new FeatureSlot('item') };

  constructor(
    api: ApiClient,
    private readonly places: { sheetPane: HTMLElement; titleBar: HTMLElement; sidePane: HTMLElement },
    private readonly host: InsightAreaHost,
  ) {
    this.insights = new InsightsView(api);
    this.cold = new ColdStartCard(api, (row) => this.openInInsights(row));
    this.exportDialog = new ExportDialog(api);

    const tabs = el('div', { className: 'pane-tabs', attrs: { role: 'tablist', 'aria-label': 'Pane' } });
    for (const [pane, text] of [['sheet', 'Sheet'], ['insights', 'Insights']] as const) {
      const b = el('button', { text, attrs: { type: 'button', role: 'tab', id: `pane-${pane}` } });
      b.addEventListener('click', () => this.showPane(pane));
      this.paneTabs.set(pane, b);
      tabs.append(b);
    }
    const userForm = this.rowForm('user');
    const movieForm = this.rowForm('item');
    const exportButton = this.button('export', 'Export…', 'Export factors and biases (CSV, TSV, JSON, NPY, Embedding Projector, ONNX)');
    exportButton.addEventListener('click', () => this.exportDialog.open());
    places.titleBar.prepend(tabs);
    places.titleBar.append(el('div', { className: 'title-actions' }, userForm, movieForm, exportButton));
    places.titleBar.after(this.insights.element);
    places.sidePane.prepend(this.cold.element);
    document.body.append(this.exportDialog.element);
    this.showPane(localStorage.getItem(PANE_KEY) === 'insights' ? 'insights' : 'sheet');
  }

  render(state: AppState): void {
    this.state = state;
    for (const b of this.buttons) b.disabled = state.status === 'training';
    this.featureForms.user.render(state);
    this.featureForms.item.render(state);
    this.insights.onState(state);
    this.cold.onState(state);
  }

  /** The export dialog for a blend run of the Runs card. */
  exportBlend(run: string, name: string): void {
    this.exportDialog.open({ run, name });
  }

  /** A cold row's new list, sent with the edit that moved it. */
  coldStart(answer: ColdStartAnswer): void {
    this.cold.onColdStart(answer);
  }

  /** How far Feature effects has got (its runs train in the worker). */
  featureEffectsProgress(p: FeatureEffectsProgress): void {
    this.insights.features.progress(p);
  }

  private showPane(pane: Pane): void {
    localStorage.setItem(PANE_KEY, pane);
    this.places.sheetPane.dataset['pane'] = pane;
    for (const [p, b] of this.paneTabs) b.setAttribute('aria-selected', String(p === pane));
    this.insights.setVisible(pane === 'insights');
  }

  private openInInsights(row: TrackedRow): void {
    const ref = this.refOf(row);
    if (!ref) return;
    if (row.side === 'user') this.insights.recommend.choose(ref);
    else this.insights.similar.choose(ref);
    this.showPane('insights');
    this.insights.show(row.side === 'user' ? 'recommend' : 'similar');
  }

  private refOf(row: TrackedRow) {
    const s = this.state;
    const label = row.side === 'user' ? s?.sheet.users.find((u) => u.id === row.id)?.label : s?.sheet.movies.find((m) => m.id === row.id)?.title;
    return label === undefined ? null : { id: row.id, label, count: 0, mean: null };
  }

  private async addUser(label: string, features: FeatureValues | undefined): Promise<void> {
    const s = (await this.host.send('addUser', { ...(label ? { label } : {}), ...(features ? { features } : {}) }))?.sheet;
    if (!s) return;
    const row = s.users.length - 1;
    this.afterAdd({ side: 'user', id: s.users[row].id }, { row, col: 0 });
  }

  private async addMovie(title: string, features: FeatureValues | undefined): Promise<void> {
    const s = (await this.host.send('addMovie', { ...(title ? { title } : {}), ...(features ? { features } : {}) }))?.sheet;
    if (!s) return;
    const col = s.movies.length - 1;
    this.afterAdd({ side: 'item', id: s.movies[col].id }, { row: 0, col });
  }

  private afterAdd(row: TrackedRow, cell: { row: number; col: number }): void {
    this.showPane('sheet');
    this.cold.track(row);
    const ref = this.refOf(row);
    if (ref && row.side === 'user') this.insights.recommend.choose(ref);
    if (ref && row.side === 'item') this.insights.similar.choose(ref);
    this.host.focusCell(cell);
  }

  /**
   * "+ Movie" opens a title field in place, with the data's movie features to pick (genres);
   * Enter adds the movie, Escape gives up. "+ User" adds a user at once, or, when the data has
   * user features, opens the same kind of form for their name, age, occupation…
   */
  private rowForm(side: 'user' | 'item'): HTMLElement {
    const movie = side === 'item';
    const open = movie
      ? this.button('add-movie', '+ Movie', 'Add a movie column: type ratings into it to place it among the others, or give its genres for a neural model to predict it from')
      : this.button('add-user', '+ User', 'Add a user row: it starts from the average taste and is folded in from the ratings you type');
    const name = movie
      ? el('input', { attrs: { type: 'text', id: 'new-movie-title', placeholder: 'Title of the new movie', maxlength: '500' } })
      : el('input', { attrs: { type: 'text', id: 'new-user-label', placeholder: 'Name of the new user', maxlength: '200' } });
    const add = el('button', { text: 'Add', attrs: { type: 'submit', id: movie ? 'add-movie-confirm' : 'add-user-confirm' } });
    const slot = this.featureForms[side];
    const form = el('form', { className: 'movie-form' }, name, add, slot.element);
    form.hidden = true;
    const close = () => {
      form.hidden = true;
      open.hidden = false;
    };
    open.addEventListener('click', () => {
      if (!movie && !slot.has) return void this.addUser('', undefined);
      open.hidden = true;
      form.hidden = false;
      name.value = '';
      slot.reset();
      name.focus();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      close();
      const features = slot.value();
      void (movie ? this.addMovie(name.value.trim(), features) : this.addUser(name.value.trim(), features));
    });
    form.addEventListener('keydown', (e) => e.key === 'Escape' && close());
    return el('span', { className: 'movie-add' }, open, form);
  }

  private button(id: string, text: string, title: string): HTMLButtonElement {
    const b = el('button', { text, title, attrs: { type: 'button', id } });
    this.buttons.push(b);
    return b;
  }
}

/** Where a form's side-feature inputs go: rebuilt when the data's features of that side change. */
class FeatureSlot {
  readonly element = el('div', { className: 'feature-slot' });
  private form: FeatureForm | null = null;
  private shown = '';

  constructor(private readonly side: 'user' | 'item') {}

  get has(): boolean {
    return this.form !== null && !this.form.element.hidden;
  }

  render(state: AppState): void {
    const features = state.sheet.data.features.filter((f) => f.side === this.side);
    const key = JSON.stringify(features.map((f) => [f.key, f.values]));
    if (key === this.shown) return;
    this.shown = key;
    this.form = featureForm(this.side, features);
    this.element.replaceChildren(this.form.element);
  }

  value(): FeatureValues | undefined {
    return this.form?.value();
  }

  reset(): void {
    this.form?.reset();
  }
}
