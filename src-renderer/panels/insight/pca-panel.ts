/**
 * fastbook's movie map: PCA of the item factors of the most rated movies, two chosen components
 * as a chart.js scatter, and beside it the movies at both ends of each axis — the fac0 / fac1
 * tables, where a reader names the direction. As in the Embedding Projector: the wheel zooms
 * about the pointer, a drag pans, a double-click resets; labels are placed without overlap, the
 * most telling first (largest |bias|, else most rated); a click on a point lists its nearest
 * neighbours (the service's similarItems, as the Similar movies panel) and rings them on the map;
 * the points can be coloured by bias or by one genre (genres come with MovieLens titles).
 */
import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type Plugin } from 'chart.js';
import type { AppState, PcaEntry, PcaResult, SimilarResult } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';
import { el, field, numberInput, select, signed, table, valueOf } from './dom.ts';
import { placeLabels } from './map-labels.ts';
import { type Colouring, type Range, genresOf, panRange, pointColour, wheelFactor, zoomRange } from './map-view.ts';
import type { InsightPanel } from './panel.ts';
import { scoredTable } from './scored-table.ts';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

const COMPONENTS = 3;
/** At most this many labels, tried among this many candidates (measuring text costs). */
const MAX_LABELS = 40;
const MAX_CANDIDATES = 400;
const NEIGHBOURS = 8;
/** A press that moves less than this is a click, not a drag. */
const CLICK_SLOP_PX = 4;

interface Point {
  x: number;
  y: number;
  entry: PcaEntry;
}

interface MapMarks {
  /** Point indices, most telling first: the order labels are tried in. */
  order: number[];
  /** Ids labelled whatever the clutter: the clicked movie and its neighbours. */
  marked: Set<string>;
  /** Called with the number of labels drawn and where the most telling labelled point is. */
  drawn(labels: number, first: { x: number; y: number; id: string } | null): void;
}

/**
 * Draws decluttered titles and rings the marked points (chart.js has no point labels of its own).
 * One plugin per chart, holding its marks: chart.js would call a function kept in its options.
 */
const pointLabels = (marks: MapMarks): Plugin<'scatter'> => ({
  id: 'pointLabels',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    const meta = chart.getDatasetMeta(0);
    const data = chart.data.datasets[0].data as unknown as Point[];
    const area = chart.chartArea;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    const marked = marks.order.filter((i) => marks.marked.has(data[i].entry.id));
    const rest = marks.order.filter((i) => !marks.marked.has(data[i].entry.id));
    const tried = [...marked, ...rest.filter((i) => inArea(meta.data[i], area)).slice(0, MAX_CANDIDATES)];
    const candidates = tried.map((i, rank) => ({
      x: meta.data[i].x, y: meta.data[i].y, width: ctx.measureText(shorten(data[i].entry.label)).width, height: 11,
      priority: tried.length - rank,
    }));
    const placed = placeLabels(candidates, area, MAX_LABELS + marked.length);
    ctx.strokeStyle = '#cf222e';
    ctx.lineWidth = 2;
    for (const i of marked) {
      if (!inArea(meta.data[i], area)) continue;
      ctx.beginPath();
      ctx.arc(meta.data[i].x, meta.data[i].y, 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.fillStyle = '#1f2328';
    ctx.textBaseline = 'bottom';
    for (const [c, box] of placed) ctx.fillText(shorten(data[tried[c]].entry.label), box.left, box.bottom);
    ctx.restore();
    const top = [...placed.keys()].sort((a, b) => a - b).find((c) => !marks.marked.has(data[tried[c]].entry.id));
    marks.drawn(placed.size, top === undefined ? null : { x: meta.data[tried[top]].x, y: meta.data[tried[top]].y, id: data[tried[top]].entry.id });
  },
});

const inArea = (p: { x: number; y: number }, a: { left: number; right: number; top: number; bottom: number }) =>
  p.x >= a.left && p.x <= a.right && p.y >= a.top && p.y <= a.bottom;

export class PcaPanel implements InsightPanel {
  readonly id = 'pca';
  readonly title = 'Movie map (PCA)';
  readonly element: HTMLElement;
  private readonly topItems = numberInput(1000, 3, 20000, 50);
  private readonly x = select([['0', 'PC1'], ['1', 'PC2'], ['2', 'PC3']] as const, '0');
  private readonly y = select([['0', 'PC1'], ['1', 'PC2'], ['2', 'PC3']] as const, '1');
  private readonly colour = el('select', { className: 'pca-colour' });
  private readonly reset = el('button', { className: 'pca-reset', text: 'Reset zoom', attrs: { type: 'button' } });
  private readonly canvas = el('canvas', { attrs: { 'aria-label': 'PCA of the movie factors: wheel to zoom, drag to pan, click a movie for its neighbours' } });
  private readonly note = el('p', { className: 'muted small' });
  private readonly legend = el('p', { className: 'muted small pca-legend' });
  private readonly neighbours = el('div', { className: 'pca-neighbours', attrs: { hidden: '' } });
  private readonly extremes = el('div', { className: 'pca-extremes' });
  private readonly chart: Chart<'scatter', Point[]>;
  private readonly marks: MapMarks = {
    order: [], marked: new Set(),
    // Said on the panel: how many labels fit, and where the first labelled movie is (what a test clicks).
    drawn: (n, first) => {
      this.element.dataset['labels'] = String(n);
      this.element.dataset['firstLabelled'] = first ? `${Math.round(first.x)},${Math.round(first.y)},${first.id}` : '';
    },
  };
  private result: PcaResult | null = null;
  private colouring: Colouring = { by: 'none' };

  constructor(private readonly api: ApiClient, onChange: () => void) {
    const controls = el('div', { className: 'insight-controls' },
      field('Most rated movies', this.topItems), field('x axis', this.x), field('y axis', this.y), field('Colour', this.colour), this.reset);
    const chartBox = el('div', { className: 'pca-chart' }, this.canvas);
    this.element = el('div', { className: 'insight-panel', attrs: { 'data-panel': this.id } },
      controls, this.note, this.legend, el('div', { className: 'pca-layout' }, chartBox, this.extremes));
    this.topItems.addEventListener('change', onChange);
    for (const s of [this.x, this.y]) s.addEventListener('change', () => this.draw(true));
    this.colour.addEventListener('change', () => this.recolour());
    this.reset.addEventListener('click', () => this.setView(null));
    this.chart = new Chart<'scatter', Point[]>(this.canvas, {
      type: 'scatter',
      data: {
        datasets: [{
          data: [], pointRadius: 3, pointHoverRadius: 6, borderWidth: 0,
          backgroundColor: (c) => pointColour(this.colouring, (c.raw as Point | undefined)?.entry ?? { bias: null, genres: [] }),
        }],
      },
      plugins: [pointLabels(this.marks)],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        events: ['mousemove', 'mouseout'], // clicks are the map's own (a drag is not a click)
        // Parsed, not `parsing: false`: unparsed data is taken as sorted by x, which a scatter is not.
        scales: { x: { type: 'linear', title: { display: true } }, y: { type: 'linear', title: { display: true } } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => items.map((i) => (i.raw as Point).entry.label),
              label: (i) => {
                const p = i.raw as Point;
                const bias = p.entry.bias === null ? '' : ` · bias ${signed(p.entry.bias)}`;
                return `${this.axisName('x')} ${signed(p.x)} · ${this.axisName('y')} ${signed(p.y)} · ${p.entry.count} ratings${bias}`;
              },
            },
          },
        },
      },
    });
    this.listen();
  }

  async refresh(_state: AppState): Promise<void> {
    this.result = await this.api.call('itemPca', { topItems: valueOf(this.topItems, 1000), components: COMPONENTS, extremes: 10 });
    this.element.dataset['points'] = String(this.result.points.length);
    this.fillColourMenu(this.result.points);
    // Most telling first: the largest |bias| where the model has biases, else the most rated.
    const points = this.result.points;
    const weight = (e: PcaEntry) => (e.bias === null ? e.count : Math.abs(e.bias));
    this.marks.order = points.map((_, i) => i).sort((a, b) => weight(points[b]) - weight(points[a]));
    this.marks.marked = new Set();
    this.neighbours.replaceChildren();
    this.neighbours.hidden = true;
    this.draw(true);
  }

  private axisName(axis: 'x' | 'y'): string {
    return `PC${Number((axis === 'x' ? this.x : this.y).value) + 1}`;
  }

  private fillColourMenu(points: readonly PcaEntry[]): void {
    const was = this.colour.value;
    const options: [string, string][] = [['none', 'one colour']];
    if (points.some((p) => p.bias !== null)) options.push(['bias', 'by movie bias']);
    for (const g of genresOf(points)) options.push([`genre:${g}`, `genre: ${g}`]);
    this.colour.replaceChildren(...options.map(([v, text]) => new Option(text, v)));
    this.colour.value = options.some(([v]) => v === was) ? was : 'none';
    this.recolour(false);
  }

  private recolour(update = true): void {
    const v = this.colour.value;
    const points = this.result?.points ?? [];
    this.colouring = v === 'bias'
      ? { by: 'bias', maxAbs: Math.max(0, ...points.map((p) => Math.abs(p.bias ?? 0))) }
      : v.startsWith('genre:') ? { by: 'genre', genre: v.slice('genre:'.length) } : { by: 'none' };
    this.element.dataset['colour'] = v;
    this.legend.textContent = this.colouring.by === 'bias'
      ? 'Colour: blue below zero bias, red above; the stronger the colour, the larger the bias (what the model adds to every rating of the movie).'
      : this.colouring.by === 'genre' ? `Colour: red for ${this.colouring.genre} movies, grey for the rest.`
        // Always a line of text, so choosing a colouring never moves the map.
        : 'Colour: one for every movie; colour by bias or, with MovieLens titles, by genre.';
    if (update) this.chart.update('none');
  }

  private draw(resetView: boolean): void {
    const r = this.result;
    if (!r) return;
    const cx = Math.min(Number(this.x.value), r.varianceRatio.length - 1);
    const cy = Math.min(Number(this.y.value), r.varianceRatio.length - 1);
    const share = (c: number) => `${Math.round(r.varianceRatio[c] * 100)}% of the variance`;
    this.note.textContent = `${r.points.length} most rated movies. Each axis is a direction in factor space; the movies at its two ends tell what it means. `
      + 'Wheel to zoom, drag to pan, double-click to reset; click a movie for its nearest neighbours.';
    const scales = this.chart.options.scales as { x: { title: { text: string } }; y: { title: { text: string } } };
    scales.x.title.text = `PC${cx + 1} (${share(cx)})`;
    scales.y.title.text = `PC${cy + 1} (${share(cy)})`;
    this.chart.data.datasets[0].data = r.points.map((entry) => ({ x: entry.coords[cx], y: entry.coords[cy], entry }));
    if (resetView) this.setView(null);
    else this.chart.update('none');
    this.extremes.replaceChildren(this.neighbours, ...[...new Set([cx, cy])].map((c) => extremesCard(r, c)));
  }

  /** Sets the axis ranges (null: fit the data) and says them on the panel, for tests and screen readers. */
  private setView(view: { x: Range; y: Range } | null): void {
    const scales = this.chart.options.scales as Record<'x' | 'y', { min?: number; max?: number }>;
    for (const axis of ['x', 'y'] as const) {
      scales[axis].min = view?.[axis].min;
      scales[axis].max = view?.[axis].max;
    }
    this.chart.update('none');
    const range = (axis: 'x' | 'y') => `${this.chart.scales[axis].min.toFixed(3)},${this.chart.scales[axis].max.toFixed(3)}`;
    this.element.dataset['view'] = `${range('x')};${range('y')}`;
    this.element.dataset['zoomed'] = String(view !== null);
  }

  private currentView(): { x: Range; y: Range } {
    const { x, y } = this.chart.scales;
    return { x: { min: x.min, max: x.max }, y: { min: y.min, max: y.max } };
  }

  private listen(): void {
    const c = this.canvas;
    c.addEventListener('wheel', (e) => {
      if (!this.result) return;
      e.preventDefault(); // the map zooms; the page does not scroll under it
      const f = wheelFactor(e.deltaY);
      const v = this.currentView();
      const { x, y } = this.chart.scales;
      this.setView({ x: zoomRange(v.x, x.getValueForPixel(e.offsetX) ?? 0, f), y: zoomRange(v.y, y.getValueForPixel(e.offsetY) ?? 0, f) });
    }, { passive: false });
    c.addEventListener('dblclick', () => this.setView(null));
    c.addEventListener('pointerdown', (down) => {
      if (!this.result || down.button !== 0) return;
      const start = this.currentView();
      const { x, y } = this.chart.scales;
      const span = { x: x.right - x.left, y: y.bottom - y.top };
      let dragged = false;
      c.setPointerCapture(down.pointerId);
      const move = (e: PointerEvent) => {
        const dx = e.offsetX - down.offsetX;
        const dy = e.offsetY - down.offsetY;
        if (!dragged && Math.hypot(dx, dy) < CLICK_SLOP_PX) return;
        dragged = true;
        c.style.cursor = 'grabbing';
        // Screen y grows downwards, data y upwards.
        this.setView({ x: panRange(start.x, dx, span.x), y: panRange(start.y, -dy, span.y) });
      };
      const up = (e: PointerEvent) => {
        c.removeEventListener('pointermove', move);
        c.removeEventListener('pointerup', up);
        c.style.cursor = '';
        if (!dragged) void this.pick(e);
      };
      c.addEventListener('pointermove', move);
      c.addEventListener('pointerup', up);
    });
  }

  /** A click on a point: its nearest neighbours, listed and ringed. A click on nothing clears them. */
  private async pick(e: PointerEvent): Promise<void> {
    const [hit] = this.chart.getElementsAtEventForMode(e, 'nearest', { intersect: true }, false);
    if (!hit) {
      this.marks.marked = new Set();
      this.neighbours.replaceChildren();
      this.neighbours.hidden = true;
      this.chart.update('none');
      return;
    }
    const entry = (this.chart.data.datasets[0].data[hit.index] as Point).entry;
    const r = await this.api.call('similarItems', { id: entry.id, metric: 'cosine', n: NEIGHBOURS, minRatings: 0 });
    this.showNeighbours(r);
  }

  private showNeighbours(r: SimilarResult): void {
    this.marks.marked = new Set([r.query.id, ...r.items.map((i) => i.id)]);
    const onMap = r.items.filter((i) => this.result?.points.some((p) => p.id === i.id)).length;
    this.neighbours.hidden = false;
    this.neighbours.replaceChildren(el('section', { className: 'insight-card', attrs: { 'data-neighbours-of': r.query.id } },
      el('h3', { text: `Nearest to ${r.query.label}` }),
      el('p', { className: 'muted small', text: `By cosine similarity of the movie factors · ringed on the map (${onMap} of ${r.items.length} are among the movies shown)` }),
      scoredTable(r.items, { header: 'cosine', title: 'cosine of the angle between the factor vectors', format: (x) => x.toFixed(3) })));
    this.chart.update('none');
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
