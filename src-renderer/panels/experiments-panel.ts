/**
 * Sweep… and Tune in the Runs card (issue 12 items 4, 5). Sweep: one setting and a list of
 * values, or two settings as a grid; the runs train one after another in the training worker
 * (progress, time left, Cancel), each joining the Runs list; then final valid RMSE against the
 * value (a log axis for lr and wd) or, for two settings, a heat map; "Use the best settings" puts
 * the best run's settings in the settings panel, "Open the best run" its factors in the sheet.
 * Tune: a budget in seconds; its best single run and best blend join the list.
 */
import { Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';
import type { AppState, CommandArgs, ExperimentProgress, SweepAnswer, TuneAnswer } from '../../src-main/service/contract.ts';
import { axisKind, budgetOf, choiceOf, heatShade, progressText, SWEEP_CHOICES, sweepSummary, valueList } from './sweep-words.ts';
import '../styles/experiments.css';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

export interface ExperimentActions {
  /** The service's answer, or null when it was refused (the controller showed why). */
  sweep(args: CommandArgs<'sweep'>): Promise<SweepAnswer | null>;
  tune(budgetSeconds: number): Promise<TuneAnswer | null>;
  cancel(): void;
  /** The run's settings into the settings panel (as typing them would). */
  useSettings(runId: string): Promise<unknown>;
  open(runId: string): Promise<unknown>;
  error(text: string): void;
}

const NONE = '';

export class ExperimentsPanel {
  private readonly sweepButton = button('sweep-open', 'Sweep…', 'Train one setting over a list of values (or two settings as a grid), one run after another');
  private readonly tuneButton = button('tune', 'Tune', 'Search the settings within the budget (successive halving: cheap short runs first); the best single run and the best blend join the list');
  private readonly budget = document.createElement('input');
  private readonly form = document.createElement('div');
  private readonly first = axisFields('sweep-setting', 'sweep-values');
  private readonly second = axisFields('sweep-setting-2', 'sweep-values-2', true);
  private readonly runButton = button('sweep-run', 'Run sweep', 'Queue the runs');
  private readonly progressLine = document.createElement('p');
  private readonly cancelButton = button('experiment-cancel', 'Cancel', 'Stops the run in progress; the runs finished stay in the list');
  private readonly result = document.createElement('div');
  private readonly canvas = document.createElement('canvas');
  private readonly heat = document.createElement('table');
  private readonly summary = document.createElement('p');
  private readonly useBest = button('sweep-use-best', 'Use the best settings', "Puts the best run's settings in the settings panel");
  private readonly openBest = button('sweep-open-best', 'Open the best run', "Puts the best run's factors in the sheet (Undo brings the current ones back)");
  private chart: Chart<'line', { x: number; y: number }[]> | null = null;
  private running: 'sweep' | 'tune' | null = null;
  private best: string | null = null;
  private state: AppState | null = null;

  constructor(
    host: HTMLElement,
    private readonly actions: ExperimentActions,
  ) {
    const bar = document.createElement('div');
    bar.className = 'experiments-bar';
    this.budget.type = 'number';
    this.budget.id = 'tune-budget';
    this.budget.min = '5';
    this.budget.max = '3600';
    this.budget.step = '1';
    this.budget.value = '30';
    this.budget.setAttribute('aria-label', 'Tune budget in seconds');
    const budgetLabel = document.createElement('label');
    budgetLabel.className = 'tune-budget';
    budgetLabel.append(this.budget, ' s');
    bar.append(this.sweepButton, this.tuneButton, budgetLabel);

    this.form.className = 'sweep-form';
    this.form.id = 'sweep-form';
    this.form.hidden = true;
    const and = document.createElement('span');
    and.className = 'muted small';
    and.textContent = 'and, for a grid:';
    this.form.append(this.first.row, and, this.second.row, this.runButton);

    this.progressLine.className = 'experiment-progress small';
    this.progressLine.id = 'experiment-progress';
    const progress = document.createElement('div');
    progress.className = 'experiment-progress-row';
    progress.append(this.progressLine, this.cancelButton);

    this.result.className = 'sweep-result';
    this.result.id = 'sweep-result';
    this.result.hidden = true;
    const chartBox = document.createElement('div');
    chartBox.className = 'sweep-chart';
    this.canvas.id = 'sweep-chart';
    this.canvas.setAttribute('aria-label', 'Final valid RMSE against the swept value');
    chartBox.append(this.canvas);
    this.heat.className = 'sweep-heat';
    this.heat.id = 'sweep-heat';
    this.summary.className = 'small';
    this.summary.id = 'sweep-summary';
    const bestBar = document.createElement('div');
    bestBar.className = 'runs-actions';
    bestBar.append(this.useBest, this.openBest);
    this.result.append(chartBox, this.heat, this.summary, bestBar);

    host.prepend(bar, this.form, progress, this.result);
    this.sweepButton.addEventListener('click', () => {
      this.form.hidden = !this.form.hidden;
      this.sweepButton.setAttribute('aria-expanded', String(!this.form.hidden));
    });
    for (const axis of [this.first, this.second]) {
      axis.select.addEventListener('change', () => (axis.values.value = axis.select.value === NONE ? '' : choiceOf(axis.select.value).suggested));
    }
    this.runButton.addEventListener('click', () => void this.runSweep());
    this.tuneButton.addEventListener('click', () => void this.runTune());
    this.cancelButton.addEventListener('click', () => this.actions.cancel());
    this.useBest.addEventListener('click', () => this.best && void this.actions.useSettings(this.best));
    this.openBest.addEventListener('click', () => this.best && void this.actions.open(this.best));
    this.showProgress(null);
  }

  render(state: AppState): void {
    this.state = state;
    const busy = state.status === 'training' || this.running !== null;
    for (const b of [this.sweepButton, this.tuneButton, this.runButton, this.useBest]) b.disabled = busy;
    const bestRun = state.runs.find((r) => r.id === this.best);
    this.openBest.disabled = busy || !bestRun?.canOpen;
    this.useBest.disabled = busy || !bestRun;
  }

  progress(p: ExperimentProgress): void {
    this.showProgress(progressText(p));
  }

  private showProgress(text: string | null): void {
    this.progressLine.textContent = text ?? '';
    this.progressLine.parentElement!.hidden = text === null;
    this.cancelButton.hidden = this.running === null;
  }

  private async runSweep(): Promise<void> {
    const axes = [this.first, this.second]
      .filter((a) => a.select.value !== NONE)
      .map((a) => ({ setting: a.select.value as (typeof SWEEP_CHOICES)[number]['setting'], values: valueList(a.values.value) }));
    const empty = axes.find((a) => a.values.length === 0);
    if (empty) return this.actions.error(`Type the values to sweep ${choiceOf(empty.setting).label} over, e.g. ${choiceOf(empty.setting).suggested}`);
    const answer = await this.busy('sweep', () => this.actions.sweep({ axes }));
    if (answer) this.showSweep(answer);
  }

  private async runTune(): Promise<void> {
    const budget = budgetOf(this.budget.value);
    if ('error' in budget) return this.actions.error(budget.error);
    const answer = await this.busy('tune', () => this.actions.tune(budget.seconds));
    if (answer) {
      const stopped = answer.cancelled ? ' Cancelled.' : answer.budgetHit ? ' The budget ran out before the plan did (the machine is slower than the plan expected).' : '';
      this.showProgress(`Tune: ${answer.trained} runs in ${Math.round(answer.seconds)} s; the best single run${answer.bestBlendId ? ' and the best blend are' : ' is'} in the list.${stopped}`);
    }
  }

  private async busy<T>(kind: 'sweep' | 'tune', work: () => Promise<T>): Promise<T> {
    this.running = kind;
    this.showProgress(kind === 'sweep' ? 'Sweep: starting…' : 'Tune: planning…');
    if (this.state) this.render(this.state);
    try {
      return await work();
    } finally {
      this.running = null;
      this.cancelButton.hidden = true;
      if (this.state) this.render(this.state);
    }
  }

  private showSweep(a: SweepAnswer): void {
    this.best = a.bestRunId;
    this.result.hidden = false;
    this.summary.textContent = sweepSummary(a);
    const two = a.axes.length === 2;
    this.canvas.parentElement!.hidden = two;
    this.heat.hidden = !two;
    if (two) this.showHeat(a);
    else this.showChart(a);
    if (this.state) this.render(this.state);
  }

  private showChart(a: SweepAnswer): void {
    const [axis] = a.axes;
    const kind = axisKind(axis.setting, axis.values);
    // Names (optimizers, models, y_range on/off) sit at 0, 1, 2… of a linear axis, labelled with the name.
    const xOf = (text: string) => (kind === 'category' ? axis.values.indexOf(text) : Number(text));
    const points = a.cells.filter((c) => c.validRmse !== null).map((c) => ({ x: xOf(c.values[0]), y: c.validRmse! })).sort((p, q) => p.x - q.x);
    const title = { display: true, text: choiceOf(axis.setting).label };
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { datasets: [{ label: 'valid RMSE', data: points, borderColor: '#1f6feb', backgroundColor: '#1f6feb', pointRadius: 4, showLine: kind !== 'category' }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: kind === 'log'
            ? { type: 'logarithmic', title: { display: true, text: `${choiceOf(axis.setting).label} (log)` } }
            : kind === 'linear'
              ? { type: 'linear', title }
              : { type: 'linear', title, min: -0.5, max: axis.values.length - 0.5, ticks: { stepSize: 1, callback: (v) => axis.values[Number(v)] ?? '' } },
          y: { type: 'linear', title: { display: true, text: 'final valid RMSE' } },
        },
        plugins: { legend: { display: false } },
      },
    });
  }

  /** Rows: the first setting's values; columns: the second's; each cell its run's valid RMSE, shaded. */
  private showHeat(a: SweepAnswer): void {
    const [rows, cols] = a.axes;
    const rmses = a.cells.map((c) => c.validRmse).filter((x): x is number => x !== null);
    const lo = Math.min(...rmses);
    const hi = Math.max(...rmses);
    const head = document.createElement('tr');
    head.append(cellOf('th', `${rows.setting} \\ ${cols.setting}`), ...cols.values.map((v) => cellOf('th', v)));
    const body = rows.values.map((rv, r) => {
      const tr = document.createElement('tr');
      tr.append(
        cellOf('th', rv),
        ...cols.values.map((_, c) => {
          const cell = a.cells[r * cols.values.length + c];
          const td = cellOf('td', cell?.validRmse != null ? cell.validRmse.toFixed(4) : '—');
          td.style.background = heatShade(cell?.validRmse ?? null, lo, hi);
          if (cell && cell.validRmse !== null && cell.validRmse - lo < 0.55 * (hi - lo)) td.classList.add('dark');
          if (cell?.runId === a.bestRunId) td.classList.add('best');
          return td;
        }),
      );
      return tr;
    });
    this.heat.replaceChildren(head, ...body);
  }
}

function button(id: string, text: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.textContent = text;
  b.title = title;
  return b;
}

function cellOf(tag: 'th' | 'td', text: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  return c;
}

/** A setting menu and its values field; the grid's second one starts at "none". */
function axisFields(selectId: string, valuesId: string, optional = false): { row: HTMLElement; select: HTMLSelectElement; values: HTMLInputElement } {
  const select = document.createElement('select');
  select.id = selectId;
  select.setAttribute('aria-label', optional ? 'Second setting to sweep' : 'Setting to sweep');
  if (optional) select.append(new Option('— none —', NONE));
  for (const c of SWEEP_CHOICES) select.append(new Option(c.label, c.setting));
  const values = document.createElement('input');
  values.type = 'text';
  values.id = valuesId;
  values.setAttribute('aria-label', optional ? 'Values of the second setting' : 'Values to sweep');
  values.placeholder = 'values, e.g. 1, 2, 5';
  values.value = optional ? '' : SWEEP_CHOICES[0].suggested;
  const row = document.createElement('div');
  row.className = 'sweep-axis';
  row.append(select, values);
  return { row, select, values };
}
