/**
 * The training curve: train and valid RMSE per epoch, and, when asked (a checkbox under the
 * chart), the learning rate on a right axis so the one-cycle shape is visible next to its effect.
 * Points are appended as epochs arrive. L-BFGS has no learning rate: the series is then the step
 * size its line search chose (chart-words.ts names it).
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { EpochMetrics } from '../../src-main/service/contract.ts';
import type { OptimizerKind } from '../../src-main/engine/types.ts';
import { stepSeriesWords } from './chart-words.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

type Point = { x: number; y: number };

/** A picked run's curve over the chart (issue 12 item 1): its epochs counted from 1, its legend words. */
export interface OverlayLine {
  label: string;
  colour: string;
  points: Point[];
  /** The train curve, for a run without a validation split. */
  dashed: boolean;
}

export class RmseChart {
  private readonly chart: Chart<'line', Point[]>;
  private shown = 0;
  private readonly toggle: HTMLInputElement;
  private readonly toggleText: HTMLSpanElement;
  /** The optimizer the second series is named for. */
  private optimizer: OptimizerKind | null = null;
  /** Picked runs are shown in place of the live curve. */
  private overlaid = false;

  constructor(canvas: HTMLCanvasElement) {
    const line = (label: string, colour: string, yAxisID: string, dash: number[] = []): ChartDataset<'line', Point[]> => ({
      label,
      data: [],
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      borderDash: dash,
      pointRadius: 0,
      yAxisID,
    });
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          line('train RMSE', '#1f6feb', 'rmse'),
          line('valid RMSE', '#d9480f', 'rmse'),
          { ...line('learning rate', '#8c959f', 'lr', [4, 3]), hidden: true },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' }, ticks: { precision: 0 } },
          rmse: { type: 'linear', position: 'left', title: { display: true, text: 'RMSE' } },
          lr: { type: 'linear', position: 'right', display: false, title: { display: true, text: 'learning rate' }, grid: { drawOnChartArea: false } },
        },
        plugins: {
          legend: {
            // No split, no valid curve: leave it out of the legend rather than strike it through.
            labels: { boxWidth: 12, boxHeight: 2, filter: (item, data) => !data.datasets[item.datasetIndex ?? 0].hidden },
          },
        },
      },
    });
    const label = document.createElement('label');
    label.className = 'chart-options';
    this.toggle = document.createElement('input');
    this.toggle.type = 'checkbox';
    this.toggle.id = 'chart-show-step';
    this.toggleText = document.createElement('span');
    label.append(this.toggle, this.toggleText);
    canvas.parentElement!.after(label);
    this.toggle.addEventListener('change', () => this.showStepSeries(this.toggle.checked));
  }

  private showStepSeries(on: boolean): void {
    this.chart.data.datasets[2].hidden = !on;
    const axis = this.chart.options.scales?.['lr'];
    if (axis) axis.display = on;
    this.chart.update('none');
  }

  /** Shows `history`; appends when it extends what is shown, else redraws it whole (after a reset). */
  show(history: EpochMetrics[], optimizer: OptimizerKind): void {
    const [train, valid, lr] = this.chart.data.datasets;
    if (optimizer !== this.optimizer) {
      this.optimizer = optimizer;
      const words = stepSeriesWords(optimizer);
      lr.label = words.name;
      const axis = this.chart.options.scales?.['lr'];
      if (axis && 'title' in axis && axis.title) axis.title.text = words.name;
      this.toggleText.textContent = words.toggle;
      this.toggle.parentElement!.title = words.hint;
    }
    if (history.length < this.shown) {
      train.data = [];
      valid.data = [];
      lr.data = [];
      this.shown = 0;
    }
    for (const m of history.slice(this.shown)) {
      train.data.push({ x: m.epoch, y: m.trainRmse });
      if (m.validRmse !== null) valid.data.push({ x: m.epoch, y: m.validRmse });
      lr.data.push({ x: m.epoch, y: m.lr });
    }
    this.shown = history.length;
    train.hidden = this.overlaid;
    valid.hidden = this.overlaid || valid.data.length === 0;
    this.chart.update('none');
  }

  /**
   * The picked runs' curves in place of the live one, their epochs counted from each run's start
   * so that runs line up; null puts the live curve back.
   */
  overlay(lines: readonly OverlayLine[] | null): void {
    const datasets = this.chart.data.datasets;
    datasets.splice(3);
    this.overlaid = lines !== null && lines.length > 0;
    for (const l of lines ?? []) {
      datasets.push({ label: l.label, data: l.points, borderColor: l.colour, backgroundColor: l.colour, borderWidth: 2, borderDash: l.dashed ? [5, 3] : [], pointRadius: 0, yAxisID: 'rmse' });
    }
    datasets[0].hidden = this.overlaid;
    datasets[1].hidden = this.overlaid || datasets[1].data.length === 0;
    const x = this.chart.options.scales?.['x'];
    if (x && 'title' in x && x.title) x.title.text = this.overlaid ? 'epoch of the run' : 'epoch';
    this.chart.update('none');
  }
}
