/**
 * The renderer's controller: it owns the latest AppState (patched by `changed` events), sends commands for what the user does,
 * and routes the service's events to the views. Views never call the service themselves.
 */
import type { AppState, CommandArgs, CommandName, CommandResults, EventMessage, SessionSettings, TrainConfig } from '../src-main/service/contract.ts';
import { CommandError, type ApiClient } from './api/client.ts';
import { applyPatch } from './api/state-patch.ts';
import { DataUi } from './data/data-ui.ts';
import { ExperimentsPanel } from './panels/experiments-panel.ts';
import { FormulaView } from './panels/formula-view.ts';
import { InsightArea } from './panels/insight/insight-area.ts';
import { renderLegend } from './panels/legend.ts';
import { LrFindPanel } from './panels/lr-find-panel.ts';
import { MessageBar } from './panels/message-bar.ts';
import { PaintPacer } from './panels/paint-pacer.ts';
import { RmseChart } from './panels/rmse-chart.ts';
import { RunsPanel } from './panels/runs-panel.ts';
import { SettingsPanel } from './panels/settings-panel.ts';
import { ENGINE_LABELS } from './panels/setting-words.ts';
import { wireSidePaneToggle } from './panels/side-pane.ts';
import { TastesPanel } from './panels/tastes-panel.ts';
import { idleTail, trainingProgressText } from './panels/training-progress.ts';
import { blendBanner } from './sheet/blend-words.ts';
import { ratingFormula } from './sheet/formula.ts';
import { typedParameter, type ParameterCell } from './sheet/parameter-cell.ts';
import { SheetGrid, type SheetCell } from './sheet/sheet-grid.ts';
import { k, MAX_SHOWN_FACTORS, type ViewMode } from './sheet/sheet-model.ts';

const VIEW_KEY = 'collabsheet.view';

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

export class App {
  private state!: AppState;
  private mode: ViewMode = (localStorage.getItem(VIEW_KEY) as ViewMode | null) ?? 'ratings';
  private readonly grid: SheetGrid;
  private readonly chart = new RmseChart(byId<HTMLCanvasElement>('chart'));
  private readonly settings: SettingsPanel;
  private readonly tastes = new TastesPanel(byId('tastes-card'), byId<HTMLButtonElement>('reveal-tastes'), byId('tastes'));
  private readonly formula = new FormulaView(byId('formula-bar'), byId('tooltip'));
  private readonly data: DataUi;
  private readonly insight: InsightArea;
  private readonly runs: RunsPanel;
  private readonly lrFind: LrFindPanel;
  private readonly experiments: ExperimentsPanel;
  private progressText = '';
  /** The epoch the last Solve stopped at on convergence, for the status line; null otherwise. */
  private convergedAt: number | null = null;
  /** A Solve's numbers and progress reach the screen through this, so clicks are answered meanwhile (issue 16 item 5). */
  private readonly live = new PaintPacer(() => this.paintLive());
  /** The status line's parts, updated in place (it changes with every epoch). */
  private readonly statusParts = ['status-state', 'status-fit', 'status-progress'].map((className) => {
    const s = document.createElement('span');
    s.className = className;
    byId('status').append(s);
    return s;
  });
  /** The cells whose formulas are on screen, re-evaluated whenever the numbers change. */
  private hovered: { cell: SheetCell; mouse: { x: number; y: number } } | null = null;
  private focused: SheetCell | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly messages: MessageBar,
  ) {
    this.grid = new SheetGrid(byId('sheet'), {
      onEdit: (cell, text) => this.edit(cell, text),
      onClear: (cell) => void this.send('clearRating', cell),
      onParameter: (cell, text) => this.setParameter(cell, text),
      onHover: (cell, mouse) => {
        this.hovered = cell && mouse ? { cell, mouse } : null;
        this.showFormulas();
      },
      onFocus: (cell) => {
        this.focused = cell;
        this.showFormulas();
      },
    });
    this.settings = new SettingsPanel(byId<HTMLFormElement>('settings'), (change) => this.applySettings(change));
    this.data = new DataUi({ menu: byId('file-menu-host'), title: byId('sheet-title'), pane: byId('sheet-pane') }, api, (m) => messages.show(m));
    this.insight = new InsightArea(
      api,
      { sheetPane: byId('sheet-pane'), titleBar: byId('sheet-title'), sidePane: byId('side-pane') },
      { send: (command, args) => this.send(command, args), focusCell: (cell) => this.grid.focusCell(cell) },
    );
    this.lrFind = new LrFindPanel(byId('setting-lr').closest('.field')!, {
      find: () => this.send('lrFind', {}),
      use: async (lr) => {
        const { config } = this.state;
        await this.send('setConfig', { config: { ...config, optim: { ...config.optim, lr } } });
      },
    });
    this.runs = new RunsPanel(byId('runs'), {
      rename: (id, name) => this.send('renameRun', { id, name }),
      remove: (id) => this.send('deleteRun', { id }),
      open: (id) => this.send('openRun', { id }),
      blend: (ids, mode) => this.send('blend', { ids, mode }),
      exportBlend: (id, name) => this.insight.exportBlend(id, name),
      curves: (ids) => this.send('runCurves', { ids }),
      overlay: (lines) => this.chart.overlay(lines),
    });
    this.experiments = new ExperimentsPanel(byId('runs'), {
      sweep: (args) => this.send('sweep', args),
      tune: (budgetSeconds) => this.send('tune', { budgetSeconds }),
      cancel: () => void this.send('stop', {}),
      useSettings: async (id) => {
        const run = this.state.runs.find((r) => r.id === id);
        if (run) await this.send('setConfig', { config: run.config });
      },
      open: (id) => this.send('openRun', { id }),
      error: (text) => this.messages.show({ level: 'error', text }),
    });
    this.wireToolbar();
    this.wireKeyboard();
    wireSidePaneToggle(byId('side-pane'), byId<HTMLButtonElement>('toggle-side'));
  }

  async start(): Promise<void> {
    this.api.onEvent((e) => this.onEvent(e));
    this.render(await this.api.call('getState', {}));
    this.setMode(this.mode);
    await this.data.start();
  }

  private onEvent(e: EventMessage): void {
    switch (e.event) {
      case 'state':
        return this.render(e.payload);
      case 'changed':
        return this.render(applyPatch(this.state, e.payload));
      case 'epoch': {
        this.state = { ...this.state, numbers: e.payload.numbers, history: [...this.state.history, ...e.payload.metrics] };
        this.progressText = '';
        this.grid.noteNumbersArrived();
        return this.live.request();
      }
      case 'progress':
        this.progressText = trainingProgressText(e.payload);
        return this.live.request();
      case 'message':
        return this.messages.show(e.payload);
      case 'importProgress':
        return this.data.importProgress(e.payload);
      case 'coldStart':
        return this.insight.coldStart(e.payload);
      case 'featureEffectsProgress':
        return this.insight.featureEffectsProgress(e.payload);
      case 'experimentProgress':
        return this.experiments.progress(e.payload);
    }
  }

  /**
   * The latest numbers of a running Solve: the curve, the sheet's cells, the tastes, the formulas
   * and the status. The curve comes first: chart.js sets its canvas font, which makes Chromium
   * bring the page's style up to date — cheap at the start of a frame, a recalculation of every
   * cell just written when it followed the sheet (issue 16 item 5).
   */
  private paintLive(): void {
    this.chart.show(this.state.history, this.state.config.optim.optimizer);
    this.grid.setNumbers(this.state.numbers);
    this.tastes.render(this.state);
    this.renderBlendBanner();
    this.showFormulas();
    this.renderStatus();
  }

  private render(state: AppState): void {
    this.state = state;
    this.grid.setState(state);
    this.settings.render(state);
    this.chart.show(state.history, state.config.optim.optimizer);
    this.tastes.render(state);
    this.runs.render(state.runs);
    this.experiments.render(state);
    this.lrFind.render(state);
    this.data.render(state);
    this.insight.render(state);
    byId('sheet-name').textContent = state.sheet.name;
    byId('sheet-name').title = state.sheet.name;
    const t = state.sheet.totals;
    const shown = state.sheet.users.length * state.sheet.movies.length;
    const totals = byId('sheet-totals');
    totals.textContent =
      `${t.users} users × ${t.movies} movies · ${t.ratings} ratings${t.validRatings ? ` (${t.validRatings} held out)` : ''}` +
      (t.users * t.movies > shown ? ` · showing the ${state.sheet.users.length} most active users × ${state.sheet.movies.length} most rated movies` : '') +
      (k(state.numbers) > MAX_SHOWN_FACTORS ? ` · factors 1–${MAX_SHOWN_FACTORS} of ${k(state.numbers)} shown` : '');
    totals.title = totals.textContent;
    // Another sheet may have another rating scale.
    renderLegend(byId('legend'), this.mode, state.sheet.scale);
    const training = state.status === 'training';
    byId<HTMLButtonElement>('solve').disabled = training;
    byId<HTMLButtonElement>('step').disabled = training;
    byId<HTMLButtonElement>('stop').disabled = !training;
    byId<HTMLButtonElement>('reset').disabled = training;
    byId<HTMLButtonElement>('undo').disabled = training || !state.canUndo;
    byId<HTMLButtonElement>('redo').disabled = training || !state.canRedo;
    byId<HTMLInputElement>('reset-seed').value = String(state.config.seed);
    byId<HTMLSelectElement>('reset-init').value = state.config.model.init;
    document.body.dataset['status'] = state.status;
    this.renderBlendBanner();
    this.showFormulas();
    this.renderStatus();
  }

  /** Above the grid while a blend fills the predictions; a Solve's first epoch, a single model's, takes it away. */
  private renderBlendBanner(): void {
    const { blend, fit } = this.state.numbers;
    const banner = byId('blend-banner');
    banner.hidden = !blend;
    banner.textContent = blend ? blendBanner(blend, fit.validRmse) : '';
  }

  private showFormulas(): void {
    const { users, movies } = this.state.sheet;
    // A cell remembered from before another sheet was opened may no longer exist.
    const formula = (c: SheetCell | null) =>
      c && c.row < users.length && c.col < movies.length ? ratingFormula(this.state, this.state.numbers, c.row, c.col) : null;
    this.formula.showTooltip(formula(this.hovered?.cell ?? null), this.hovered?.mouse ?? null);
    this.formula.showInBar(formula(this.focused));
  }

  /**
   * "Ready · epoch 60 · train 0.5120 · valid 0.9010 · <progress>": the fit part never shrinks
   * (styles/app.css gives the status room for it at every width); the progress gives way first.
   * Four decimals, as the sheet's RMSE cells show them.
   */
  private renderStatus(): void {
    const last = this.state.history.at(-1);
    const { trainRmse, validRmse } = this.state.numbers.fit;
    const training = this.state.status === 'training';
    const fit = `epoch ${last?.epoch ?? 0} · train ${trainRmse.toFixed(4)} · valid ${validRmse === null ? '—' : validRmse.toFixed(4)}`;
    // The engine that trains (or trained) the model, after the fit: the line still starts "Ready · epoch N".
    const engine = this.state.engine ? ` · ${ENGINE_LABELS[this.state.engine]}` : '';
    const progress = engine + (training ? (this.progressText ? ` · ${this.progressText}` : '') : idleTail(this.convergedAt, last?.epoch));
    const [state, fitPart, progressPart] = this.statusParts;
    state.textContent = `${training ? 'Training' : 'Ready'} · `;
    fitPart.textContent = fit;
    progressPart.textContent = progress;
    byId('status').title = `${state.textContent}${last ? '' : 'not trained yet · '}${fit}${progress}` +
      (validRmse === null ? ' (no ratings held out: set Validation % for a valid RMSE)' : '');
  }

  private setMode(mode: ViewMode): void {
    this.mode = mode;
    localStorage.setItem(VIEW_KEY, mode);
    this.grid.setMode(mode);
    for (const b of document.querySelectorAll<HTMLButtonElement>('.segmented button')) {
      b.setAttribute('aria-checked', String(b.dataset['mode'] === mode));
    }
    renderLegend(byId('legend'), mode, this.state.sheet.scale);
  }

  private edit(cell: SheetCell, text: string): void {
    if (text === '') {
      void this.send('clearRating', cell);
      return;
    }
    const rating = Number(text.replace(',', '.'));
    const { lo, hi } = this.state.sheet.scale;
    if (!Number.isFinite(rating) || !/^[+-]?(\d+[.,]?\d*|[.,]\d+)$/.test(text)) {
      this.messages.show({ level: 'error', text: `"${text}" is not a rating: type a number from ${lo} to ${hi}, or Delete to clear the cell` });
      return;
    }
    void this.send('setRating', { ...cell, rating });
  }

  private setParameter(cell: ParameterCell, text: string): void {
    const { users, movies } = this.state.sheet;
    const typed = typedParameter(cell, text, cell.side === 'user' ? users[cell.row].label : movies[cell.row].title);
    if ('error' in typed) this.messages.show({ level: 'error', text: typed.error });
    else void this.send('setParameter', { ...cell, value: typed.value });
  }

  /** The settings panel shows a refusal beside its field (issue 16 item 4), so it answers it rather than the message bar. */
  private async applySettings(change: { config?: TrainConfig; settings?: SessionSettings }): Promise<string | null> {
    try {
      if (change.config) await this.api.call('setConfig', { config: change.config });
      if (change.settings) await this.api.call('setSettings', { settings: change.settings });
      return null;
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      return error.message;
    }
  }

  /** Sends a command; a refusal is shown to the user and the view re-renders from the last state. */
  private async send<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResults[C] | null> {
    const mark = this.messages.mark();
    try {
      const result = await this.api.call(command, args);
      this.messages.clearShownBefore(mark);
      return result;
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      this.messages.show({ level: 'error', text: error.message });
      this.render(this.state);
      return null;
    }
  }

  private wireToolbar(): void {
    byId('solve').addEventListener('click', async () => {
      this.convergedAt = null;
      const outcome = await this.send('solve', {});
      this.convergedAt = outcome?.stopped?.kind === 'converged' ? (this.state.history.at(-1)?.epoch ?? null) : null;
      this.renderStatus();
    });
    byId('step').addEventListener('click', () => void this.send('step', {}));
    byId('stop').addEventListener('click', () => void this.send('stop', {}));
    byId('reset').addEventListener('click', () => {
      const seed = Number(byId<HTMLInputElement>('reset-seed').value);
      const init = byId<HTMLSelectElement>('reset-init').value as TrainConfig['model']['init'];
      void this.send('reset', { seed, init });
    });
    byId('undo').addEventListener('click', () => void this.send('undo', {}));
    byId('redo').addEventListener('click', () => void this.send('redo', {}));
    for (const b of document.querySelectorAll<HTMLButtonElement>('.segmented button')) {
      b.addEventListener('click', () => this.setMode(b.dataset['mode'] as ViewMode));
    }
  }

  private wireKeyboard(): void {
    const inField = (t: EventTarget | null) => t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
    document.addEventListener('keydown', (e) => {
      if (!(e.ctrlKey || e.metaKey) || inField(e.target)) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        void this.send('undo', {});
      } else if (key === 'y' || (key === 'z' && e.shiftKey)) {
        e.preventDefault();
        void this.send('redo', {});
      }
    });
    document.addEventListener('paste', (e) => {
      if (inField(e.target)) return;
      const cell = this.grid.focusedRatingCell();
      const text = e.clipboardData?.getData('text/plain') ?? '';
      e.preventDefault();
      if (!cell) {
        this.messages.show({ level: 'warning', text: 'Select a rating cell first: the pasted block goes there (top-left corner).' });
        return;
      }
      void this.send('paste', { ...cell, text });
    });
  }
}
