/**
 * lr_find in the settings (issue 12 item 3): "Find learning rate" under the learning-rate field
 * runs the service's `lrFind` (the sheet's model, 100 batches at rates growing from 1e-7, the
 * factors put back) and plots its smoothed loss against the rate on a log axis, the suggestions
 * marked; "Use this rate" sets the learning rate as typing it would.
 */
import { Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { AppState, LrFindResult, LrSuggestions } from '../../src-main/service/contract.ts';
import { shortRate, suggestionToUse } from './lr-find-words.ts';
import '../styles/lr-find.css';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

export interface LrFindActions {
  /** The sweep's answer, or null when it was refused (the controller showed why). */
  find(): Promise<LrFindResult | null>;
  use(lr: number): Promise<void>;
}

const MARKS: Record<keyof LrSuggestions, string> = { valley: '#d55e00', steep: '#009e73', minimum: '#cc79a7' };

export class LrFindPanel {
  private readonly button = document.createElement('button');
  private readonly box = document.createElement('div');
  private readonly canvas = document.createElement('canvas');
  private readonly words = document.createElement('p');
  private readonly use = document.createElement('button');
  private chart: Chart<'line' | 'scatter', { x: number; y: number }[]> | null = null;
  private rate: number | null = null;
  private running = false;
  private state: AppState | null = null;

  constructor(
    after: HTMLElement,
    private readonly actions: LrFindActions,
  ) {
    const host = document.createElement('div');
    host.className = 'lr-find';
    host.id = 'lr-find';
    this.button.type = 'button';
    this.button.id = 'find-lr';
    this.button.textContent = 'Find learning rate';
    this.box.className = 'lr-find-plot';
    this.box.hidden = true;
    const chartBox = document.createElement('div');
    chartBox.className = 'lr-find-chart';
    this.canvas.setAttribute('aria-label', 'Smoothed loss against the learning rate');
    chartBox.append(this.canvas);
    this.words.className = 'muted small';
    this.words.id = 'lr-find-words';
    this.use.type = 'button';
    this.use.id = 'use-lr';
    this.box.append(chartBox, this.words, this.use);
    host.append(this.button, this.box);
    after.after(host);
    this.button.addEventListener('click', () => void this.find());
    this.use.addEventListener('click', () => {
      if (this.rate !== null) void this.actions.use(Number(this.rate.toPrecision(2))); // the rate the button shows
    });
  }

  render(state: AppState): void {
    this.state = state;
    const lbfgs = state.config.optim.optimizer === 'lbfgs';
    this.button.disabled = this.running || state.status === 'training' || lbfgs;
    this.button.title = lbfgs ? 'L-BFGS chooses its own steps: choose Adam, SGD or momentum to find a learning rate' : 'fastai’s lr_find: 100 batches at rates growing from 1e-7; the factors are put back after';
    this.use.disabled = this.rate === null || state.status === 'training' || lbfgs;
  }

  private async find(): Promise<void> {
    this.running = true;
    this.button.textContent = 'Finding…';
    if (this.state) this.render(this.state);
    try {
      const result = await this.actions.find();
      if (result) this.show(result);
    } finally {
      this.running = false;
      this.button.textContent = 'Find learning rate';
      if (this.state) this.render(this.state);
    }
  }

  private show(r: LrFindResult): void {
    this.box.hidden = false;
    const curve = r.points.map((p) => ({ x: p.lr, y: p.smoothed }));
    const nearest = (lr: number) => curve.reduce((best, p) => (Math.abs(Math.log(p.x / lr)) < Math.abs(Math.log(best.x / lr)) ? p : best), curve[0]);
    const marks = (Object.keys(MARKS) as (keyof LrSuggestions)[]).flatMap((key) => {
      const lr = r.suggestions[key];
      return lr === null || curve.length === 0 ? [] : [{ key, lr }];
    });
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: {
        datasets: [
          { type: 'line', label: 'smoothed loss', data: curve, borderColor: '#1f6feb', backgroundColor: '#1f6feb', borderWidth: 2, pointRadius: 0 },
          ...marks.map(({ key, lr }) => ({
            type: 'scatter' as const,
            label: `${key} ${shortRate(lr)}`,
            data: [{ x: lr, y: nearest(lr).y }],
            borderColor: MARKS[key],
            backgroundColor: MARKS[key],
            pointRadius: 6,
            pointStyle: 'triangle' as const,
          })),
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: 'logarithmic', title: { display: true, text: 'learning rate (log)' }, ticks: { callback: (v) => (Math.log10(Number(v)) % 1 === 0 ? shortRate(Number(v)) : '') } },
          // The divergence at the end would flatten the part that is read: capped, as fastai's plot leaves out the last batches.
          y: { type: 'linear', title: { display: true, text: 'loss (smoothed)' }, max: yCap(curve) },
        },
        plugins: { legend: { labels: { boxWidth: 10, boxHeight: 2 } } },
      },
    });
    this.rate = suggestionToUse(r.suggestions);
    const stopped = r.stopped === 'diverged' || r.stopped === 'not-finite' ? ` It stopped at ${shortRate(r.stoppedAt ?? 0)}, where the loss diverged.` : r.stopped === 'cancelled' ? ' Stopped early.' : '';
    this.words.textContent = this.rate === null ? `The curve is too short to suggest a rate.${stopped}` : `${r.points.length} batches.${stopped}`;
    this.use.textContent = this.rate === null ? 'Use this rate' : `Use this rate (${shortRate(this.rate)})`;
    if (this.state) this.render(this.state);
  }
}

/** 1.5 × the first smoothed loss, where the curve climbs beyond it; undefined (the chart's own) otherwise. */
function yCap(curve: readonly { y: number }[]): number | undefined {
  const first = curve[0]?.y;
  if (first === undefined || !(first > 0)) return undefined;
  return curve.some((p) => p.y > 1.5 * first) ? 1.5 * first : undefined;
}
