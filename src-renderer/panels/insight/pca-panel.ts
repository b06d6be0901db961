/**
 * fastbook's movie map: PCA of the item factors of the most rated movies, two chosen components
 * as a chart.js scatter (titles on hover, the extremes labelled on the chart), and beside it the
 * movies at both ends of each axis — the fac0 / fac1 tables, where a reader names the direction.
 */
import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type Plugin } from 'chart.js';
import type { AppState, PcaEntry, PcaResult } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { el, field, numberInput, select, signed, table, valueOf } from './dom.ts';
import type { InsightPanel } from './panel.ts';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

const COMPONENTS = 3;
/** Points labelled at each end of each shown axis. */
const LABELLED = 4;

interface Point {
  x: number;
  y: number;
  entry: PcaEntry;
}

/** Draws the titles of the chosen points next to them (chart.js has no point labels of its own). */
const pointLabels: Plugin<'scatter'> = {
  id: 'pointLabels',
  afterDatasetsDraw(chart) {
    const labelled = (chart.options.plugins as { pointLabels?: { rows?: Set<string> } }).pointLabels?.rows;
    if (!labelled?.size) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#1f2328';
    const meta = chart.getDatasetMeta(0);
    const data = chart.data.datasets[0].data as unknown as Point[];
    meta.data.forEach((element, i) => {
      const p = data[i];
      if (!labelled.has(p.entry.id)) return;
      const right = element.x < chart.chartArea.left + chart.chartArea.width * 0.7;
      ctx.textAlign = right ? 'left' : 'right';
      ctx.fillText(shorten(p.entry.label), element.x + (right ? 6 : -6), element.y - 5);
    });
    ctx.restore();
  },
};

export class PcaPanel implements InsightPanel {
  readonly id = 'pca';
  readonly title = 'Movie map (PCA)';
  readonly element: HTMLElement;
  private readonly topItems = numberInput(1000, 3, 20000, 50);
  private readonly x = select([['0', 'PC1'], ['1', 'PC2'], ['2', 'PC3']] as const, '0');
  private readonly y = select([['0', 'PC1'], ['1', 'PC2'], ['2', 'PC3']] as const, '1');
  private readonly canvas = el('canvas', { attrs: { 'aria-label': 'PCA of the movie factors' } });
  private readonly note = el('p', { className: 'muted small' });
  private readonly extremes = el('div', { className: 'pca-extremes' });
  private readonly chart: Chart<'scatter', Point[]>;
  private result: PcaResult | null = null;

  constructor(private readonly api: ApiClient, onChange: () => void) {
    const controls = el('div', { className: 'insight-controls' },
      field('Most rated movies', this.topItems), field('x axis', this.x), field('y axis', this.y));
    const chartBox = el('div', { className: 'pca-chart' }, this.canvas);
    this.element = el('div', { className: 'insight-panel', attrs: { 'data-panel': this.id } },
      controls, this.note, el('div', { className: 'pca-layout' }, chartBox, this.extremes));
    this.topItems.addEventListener('change', onChange);
    for (const s of [this.x, this.y]) s.addEventListener('change', () => this.draw());
    this.chart = new Chart<'scatter', Point[]>(this.canvas, {
      type: 'scatter',
      data: { datasets: [{ data: [], pointRadius: 3, pointHoverRadius: 6, backgroundColor: 'rgb(31 111 235 / 45%)', borderColor: '#1f6feb', borderWidth: 1 }] },
      plugins: [pointLabels],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        // Parsed, not `parsing: false`: unparsed data is taken as sorted by x, which a scatter is not.
        scales: { x: { type: 'linear', title: { display: true } }, y: { type: 'linear', title: { display: true } } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => items.map((i) => (i.raw as Point).entry.label),
              label: (i) => {
                const p = i.raw as Point;
                return `${this.axisName('x')} ${signed(p.x)} · ${this.axisName('y')} ${signed(p.y)} · ${p.entry.count} ratings`;
              },
            },
          },
        },
      },
    });
  }

  async refresh(_state: AppState): Promise<void> {
    this.result = await this.api.call('itemPca', { topItems: valueOf(this.topItems, 1000), components: COMPONENTS, extremes: 10 });
    this.element.dataset['points'] = String(this.result.points.length);
    this.draw();
  }

  private axisName(axis: 'x' | 'y'): string {
    return `PC${Number((axis === 'x' ? this.x : this.y).value) + 1}`;
  }

  private draw(): void {
    const r = this.result;
    if (!r) return;
    const cx = Math.min(Number(this.x.value), r.varianceRatio.length - 1);
    const cy = Math.min(Number(this.y.value), r.varianceRatio.length - 1);
    const share = (c: number) => `${Math.round(r.varianceRatio[c] * 100)}% of the variance`;
    this.note.textContent = `${r.points.length} most rated movies. Each axis is a direction in factor space; the movies at its two ends tell what it means.`;
    const labelled = new Set<string>();
    for (const c of new Set([cx, cy])) {
      const e = r.extremes[c];
      for (const p of [...e.lowest.slice(0, LABELLED), ...e.highest.slice(0, LABELLED)]) labelled.add(p.id);
    }
    const scales = this.chart.options.scales as { x: { title: { text: string } }; y: { title: { text: string } } };
    scales.x.title.text = `PC${cx + 1} (${share(cx)})`;
    scales.y.title.text = `PC${cy + 1} (${share(cy)})`;
    (this.chart.options.plugins as { pointLabels?: { rows: Set<string> } }).pointLabels = { rows: labelled };
    this.chart.data.datasets[0].data = r.points.map((entry) => ({ x: entry.coords[cx], y: entry.coords[cy], entry }));
    this.chart.update('none');
    this.extremes.replaceChildren(...[...new Set([cx, cy])].map((c) => extremesCard(r, c)));
  }
}

function extremesCard(r: PcaResult, c: number): HTMLElement {
  const e = r.extremes[c];
  const list = (title: string, rows: PcaEntry[]) =>
    el('div', { className: 'extreme' }, el('h4', { text: title }), table(rows, [
      { header: '#', kind: 'rank', cell: (_, i) => String(i + 1) },
      { header: 'movie', kind: 'label', cell: (p) => p.label },
      { header: `PC${c + 1}`, kind: 'num', cell: (p) => signed(p.coords[c], 2) },
    ]));
  return el('section', { className: 'insight-card', attrs: { 'data-component': String(c) } },
    el('h3', { text: `PC${c + 1} — ${Math.round(r.varianceRatio[c] * 100)}% of the variance` }),
    el('div', { className: 'extreme-pair' }, list('negative end', e.lowest), list('positive end', e.highest)));
}

const shorten = (s: string) => (s.length > 28 ? `${s.slice(0, 26)}…` : s);
