/**
 * The training curve: train and valid RMSE per epoch, and the learning rate (right axis) so the
 * one-cycle shape is visible next to its effect. Points are appended as epochs arrive. L-BFGS has
 * no learning rate: its line search picks a step length each iteration, and the right axis says so.
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

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

type Point = { x: number; y: number };

export class RmseChart {
  private readonly chart: Chart<'line', Point[]>;
  private shown = 0;

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
          line('learning rate', '#8c959f', 'lr', [4, 3]),
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
          lr: { type: 'linear', position: 'right', title: { display: true, text: 'lr' }, grid: { drawOnChartArea: false } },
        },
        plugins: {
          legend: {
            // No split, no valid curve: leave it out of the legend rather than strike it through.
            labels: { boxWidth: 12, boxHeight: 2, filter: (item, data) => !data.datasets[item.datasetIndex ?? 0].hidden },
          },
        },
      },
    });
  }

  /** Shows `history`; appends when it extends what is shown, else redraws it whole (after a reset). */
  show(history: EpochMetrics[], optimizer: OptimizerKind): void {
    const [train, valid, lr] = this.chart.data.datasets;
    const stepLabel = optimizer === 'lbfgs' ? 'L-BFGS step length' : 'learning rate';
    if (lr.label !== stepLabel) {
      lr.label = stepLabel;
      const axis = this.chart.options.scales?.['lr'];
      if (axis && 'title' in axis && axis.title) axis.title.text = optimizer === 'lbfgs' ? 'step' : 'lr';
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
    valid.hidden = valid.data.length === 0;
    this.chart.update('none');
  }
}
