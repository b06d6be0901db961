/**
 * The Runs card (issue 12 item 1): every Solve and Step series of the sheet in a sortable table;
 * checkboxes pick runs whose curves go over the chart, in colours, with a legend of what differs
 * between them and a diff of their settings; a name renames on double-click; Open this run and
 * Delete act on the picked run(s). It sends commands through the controller's `send`.
 */
import type { RunCurve, RunSummary } from '../../src-main/service/contract.ts';
import type { OverlayLine } from './rmse-chart.ts';
import { runLegends, settingsDiff, sortRuns, type RunColumn } from './run-legend.ts';
import '../styles/runs.css';

/** Distinct on white and for the common colour blindnesses (Okabe–Ito), the live curve's blue last. */
const COLOURS = ['#d55e00', '#0072b2', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];

const COLUMNS: { key: RunColumn; label: string; title: string }[] = [
  { key: 'name', label: 'Name', title: 'Double-click a name to rename the run' },
  { key: 'model', label: 'Model', title: 'Model' },
  { key: 'k', label: 'k', title: 'Factors' },
  { key: 'optimizer', label: 'Opt', title: 'Optimizer' },
  { key: 'lr', label: 'lr', title: 'Learning rate' },
  { key: 'wd', label: 'wd', title: 'Weight decay' },
  { key: 'epochs', label: 'Ep', title: 'Epochs trained' },
  { key: 'valid', label: 'Valid', title: 'Final valid RMSE (train RMSE, in grey, without a validation split)' },
  { key: 'time', label: 'Time', title: 'Wall time' },
];

/** Said plainly where the export would be (issue 12 item 4 asks for it; it is not built yet). */
const BLEND_EXPORT = 'Writes one ONNX serving model holding every member, its scores the weighted mean of theirs (model.onnx, model-unrated.onnx, model-pairs.onnx + ids.json)';

export interface RunsPanelActions {
  /** Sends a run command; answers null when it was refused (the controller showed why). */
  rename(id: string, name: string): Promise<unknown>;
  remove(id: string): Promise<unknown>;
  open(id: string): Promise<unknown>;
  /** Blends the picked runs on the validation split (weights fitted or equal). */
  blend(ids: string[], mode: 'fitted' | 'equal'): Promise<unknown>;
  /** Opens the export dialog for a blend run (its members in one ONNX serving model). */
  exportBlend(id: string, name: string): void;
  curves(ids: string[]): Promise<RunCurve[] | null>;
  /** The picked runs' curves for the chart; null: none picked, the live curve. */
  overlay(lines: OverlayLine[] | null): void;
}

export class RunsPanel {
  private runs: RunSummary[] = [];
  private picked: string[] = [];
  private sort: { column: RunColumn; descending: boolean } = { column: 'name', descending: false };
  private sorted = false;
  private readonly table = document.createElement('table');
  private readonly legend = document.createElement('ul');
  private readonly diff = document.createElement('table');
  private readonly openButton = document.createElement('button');
  private readonly deleteButton = document.createElement('button');
  private readonly blendButton = document.createElement('button');
  private readonly blendMode = document.createElement('select');
  /** A blend's serving export is not built: the item says so rather than being absent. */
  private readonly exportBlend = document.createElement('button');
  private readonly blendNote = document.createElement('p');
  private readonly empty = document.createElement('p');
  /** The overlay asked for last: an older answer arriving late is dropped. */
  private overlayAsk = 0;

  constructor(
    host: HTMLElement,
    private readonly actions: RunsPanelActions,
  ) {
    this.table.className = 'runs-table';
    this.table.id = 'runs-table';
    this.legend.className = 'runs-legend';
    this.legend.id = 'runs-legend';
    this.diff.className = 'runs-diff';
    this.diff.id = 'runs-diff';
    this.empty.className = 'muted small';
    this.empty.textContent = 'Each Solve (or series of Steps) is listed here: pick runs to compare their curves.';
    const box = document.createElement('div');
    box.className = 'runs-table-box';
    box.append(this.table);
    const bar = document.createElement('div');
    bar.className = 'runs-actions';
    this.openButton.type = 'button';
    this.openButton.id = 'open-run';
    this.openButton.textContent = 'Open this run';
    this.openButton.title = "Puts the picked run's model and factors back in the sheet (Undo brings the current ones back)";
    this.deleteButton.type = 'button';
    this.deleteButton.id = 'delete-runs';
    this.deleteButton.textContent = 'Delete';
    this.blendButton.type = 'button';
    this.blendButton.id = 'blend-runs';
    this.blendButton.textContent = 'Blend';
    this.blendMode.id = 'blend-mode';
    this.blendMode.setAttribute('aria-label', 'Blend weights: fitted on the validation split, or equal');
    this.blendMode.title = 'Fitted: the weights (each ≥ 0, summing to 1) that fit the validation split best; equal: a plain average';
    this.blendMode.append(new Option('fitted weights', 'fitted'), new Option('equal weights', 'equal'));
    this.exportBlend.type = 'button';
    this.exportBlend.id = 'export-blend';
    this.exportBlend.textContent = 'Export blend as ONNX';
    this.exportBlend.hidden = true;
    this.exportBlend.title = BLEND_EXPORT;
    this.blendNote.className = 'muted small';
    this.blendNote.id = 'blend-note';
    this.blendNote.hidden = true;
    bar.append(this.openButton, this.deleteButton, this.blendButton, this.blendMode, this.exportBlend);
    host.append(this.empty, box, bar, this.blendNote, this.legend, this.diff);
    this.blendButton.addEventListener('click', () => {
      if (this.picked.length >= 2) void this.actions.blend([...this.picked], this.blendMode.value as 'fitted' | 'equal');
    });
    this.openButton.addEventListener('click', () => {
      if (this.picked.length === 1) void this.actions.open(this.picked[0]);
    });
    this.deleteButton.addEventListener('click', () => void this.deletePicked());
    this.exportBlend.addEventListener('click', () => {
      const run = this.picked.length === 1 ? this.runs.find((r) => r.id === this.picked[0]) : undefined;
      if (run?.blend) this.actions.exportBlend(run.id, run.name);
    });
  }

  render(runs: RunSummary[]): void {
    const same = runs.length === this.runs.length && runs.every((r, i) => r === this.runs[i]);
    this.runs = runs;
    const ids = new Set(runs.map((r) => r.id));
    const before = this.picked.length;
    this.picked = this.picked.filter((id) => ids.has(id));
    if (!same) this.renderTable();
    this.renderPicked(this.picked.length !== before || !same);
  }

  /**
   * Two lines a run: its name across the card, then its numbers — in the narrowest pane (340 px)
   * a name beside eight number columns had no room left to be read.
   */
  private renderTable(): void {
    const shown = this.sorted ? sortRuns(this.runs, this.sort.column, this.sort.descending) : [...this.runs].reverse(); // newest first until sorted
    const header = (c: (typeof COLUMNS)[number]) => {
      const th = document.createElement('th');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = c.label;
      b.title = `${c.title} — click to sort`;
      b.dataset['column'] = c.key;
      if (this.sorted && this.sort.column === c.key) th.setAttribute('aria-sort', this.sort.descending ? 'descending' : 'ascending');
      b.addEventListener('click', () => {
        this.sort = { column: c.key, descending: this.sorted && this.sort.column === c.key ? !this.sort.descending : false };
        this.sorted = true;
        this.renderTable();
        this.renderPicked(false);
      });
      th.append(b);
      return th;
    };
    const [nameColumn, ...numberColumns] = COLUMNS;
    const pickHead = document.createElement('th');
    pickHead.rowSpan = 2;
    const nameHead = header(nameColumn);
    nameHead.colSpan = numberColumns.length;
    const top = document.createElement('tr');
    top.append(pickHead, nameHead);
    const second = document.createElement('tr');
    second.append(...numberColumns.map(header));
    const head = document.createElement('thead');
    head.append(top, second);
    const body = document.createElement('tbody');
    body.append(...shown.flatMap((r) => this.row(r)));
    this.table.replaceChildren(head, body);
    this.empty.hidden = this.runs.length > 0;
    this.table.parentElement!.hidden = this.runs.length === 0;
  }

  private row(r: RunSummary): HTMLTableRowElement[] {
    const tr = document.createElement('tr');
    tr.dataset['run'] = r.id;
    const pick = document.createElement('input');
    pick.type = 'checkbox';
    pick.setAttribute('aria-label', `Pick ${r.name}`);
    pick.checked = this.picked.includes(r.id);
    pick.addEventListener('change', () => {
      this.picked = pick.checked ? [...this.picked, r.id] : this.picked.filter((id) => id !== r.id);
      this.renderPicked(true);
    });
    const cell = (text: string, title = text) => {
      const td = document.createElement('td');
      td.textContent = text;
      td.title = title;
      return td;
    };
    const o = r.config.optim;
    const members = r.blend ? ` — ${r.blend.members.map((m) => `${m.name} × ${m.weight.toFixed(2)}`).join(', ')}` : '';
    const name = cell(r.name, `${r.name}${members} — double-click to rename`);
    name.className = 'run-name';
    name.colSpan = COLUMNS.length - 1;
    name.addEventListener('dblclick', () => this.editName(name, r));
    const fit = r.validRmse ?? r.trainRmse ?? NaN; // a blend always has its valid RMSE
    const fitCell = cell(fit.toFixed(4), r.validRmse === null ? 'train RMSE (no validation split)' : 'valid RMSE');
    if (r.validRmse === null) fitCell.classList.add('muted');
    const pickCell = document.createElement('td');
    pickCell.rowSpan = 2;
    pickCell.className = 'run-pick';
    pickCell.append(pick);
    tr.append(pickCell, name);
    const numbers = document.createElement('tr');
    numbers.dataset['numbers'] = r.id;
    numbers.append(
      cell(r.config.model.kind),
      cell(String(r.config.model.factors)),
      cell(o.optimizer),
      cell(o.optimizer === 'lbfgs' ? '—' : String(Number(o.lr.toPrecision(3)))),
      cell(String(Number(o.wd.toPrecision(3)))),
      cell(r.blend ? '—' : String(r.epochs), r.blend ? 'A blend trains no epochs: it averages its members' : String(r.epochs)),
      fitCell,
      cell(r.seconds < 10 ? `${r.seconds.toFixed(1)} s` : `${Math.round(r.seconds)} s`, `${r.seconds.toFixed(2)} seconds`),
    );
    return [tr, numbers];
  }

  /** The name becomes a field: Enter or leaving it renames, Escape keeps the name. */
  private editName(td: HTMLTableCellElement, r: RunSummary): void {
    const input = document.createElement('input');
    input.type = 'text';
    input.value = r.name;
    input.maxLength = 200;
    input.className = 'run-rename';
    input.setAttribute('aria-label', `New name for ${r.name}`);
    td.replaceChildren(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (keep: boolean) => {
      if (done) return;
      done = true;
      const name = input.value.trim();
      td.textContent = r.name;
      if (!keep && name && name !== r.name) void this.actions.rename(r.id, name);
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(false);
      else if (e.key === 'Escape') finish(true);
    });
    input.addEventListener('blur', () => finish(false));
  }

  private async deletePicked(): Promise<void> {
    for (const id of [...this.picked]) await this.actions.remove(id);
  }

  /** The legend, the diff, the buttons and (when `curves`) the chart's overlay for the picked runs. */
  private renderPicked(curves: boolean): void {
    const picked = this.picked.map((id) => this.runs.find((r) => r.id === id)!);
    const labels = runLegends(picked);
    const colourOf = (id: string) => COLOURS[this.picked.indexOf(id) % COLOURS.length];
    for (const tr of this.table.querySelectorAll<HTMLTableRowElement>('tr[data-run]')) {
      const id = tr.dataset['run']!;
      tr.style.setProperty('--run-colour', this.picked.includes(id) ? colourOf(id) : 'transparent');
      tr.querySelector('input[type=checkbox]')!.toggleAttribute('checked', this.picked.includes(id));
    }
    this.legend.replaceChildren(
      ...picked.map((r, i) => {
        const li = document.createElement('li');
        li.style.setProperty('--run-colour', colourOf(r.id));
        li.textContent = labels[i];
        li.title = r.name;
        return li;
      }),
    );
    this.renderDiff(picked);
    // A blend opens as its members' weighted mean in the sheet's predictions (each member's factors read back).
    const openable = picked.length === 1 && (picked[0].canOpen || Boolean(picked[0].blend));
    this.openButton.disabled = !openable;
    this.openButton.title = picked.length === 1 && !openable
      ? 'This run kept no factors (only the latest runs keep theirs)'
      : picked[0]?.blend
        ? "Fills the sheet's predictions with the blend's: the weighted mean of its members' (Undo brings the current model back)"
        : "Puts the picked run's model and factors back in the sheet (Undo brings the current ones back)";
    this.deleteButton.disabled = picked.length === 0;
    const blends = picked.filter((r) => r.blend);
    this.blendButton.disabled = picked.length < 2 || blends.length > 0;
    this.blendButton.title = blends.length > 0 ? 'A blend has no factors of its own: pick its members (or other runs) instead' : 'Averages the picked runs’ predictions on the validation split; the blend is a run with its own valid RMSE';
    const one = picked.length === 1 ? picked[0].blend : undefined;
    this.exportBlend.hidden = !one;
    this.blendNote.hidden = !one;
    this.blendNote.textContent = one ? `${one.members.map((m) => `${m.name} × ${m.weight.toFixed(2)}`).join(' + ')}.` : '';
    if (curves) void this.showCurves(picked, labels);
  }

  private renderDiff(picked: RunSummary[]): void {
    const rows = picked.length < 2 ? [] : settingsDiff(picked);
    this.diff.hidden = rows.length === 0;
    const head = document.createElement('thead');
    const names = document.createElement('tr');
    names.append(document.createElement('th'), ...picked.map((r) => Object.assign(document.createElement('th'), { textContent: r.name, title: r.name })));
    head.append(names);
    this.diff.replaceChildren(
      head,
      ...rows.map(({ key, texts }) => {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.textContent = key;
        tr.append(th, ...texts.map((t) => Object.assign(document.createElement('td'), { textContent: t })));
        return tr;
      }),
    );
  }

  private async showCurves(picked: RunSummary[], labels: string[]): Promise<void> {
    const ask = ++this.overlayAsk;
    if (picked.length === 0) return this.actions.overlay(null);
    const curves = await this.actions.curves(picked.map((r) => r.id));
    if (!curves || ask !== this.overlayAsk) return;
    this.actions.overlay(
      curves.map((c, i) => {
        const valid = c.validRmse.every((v) => v !== null);
        const first = c.epochs[0] ?? 1;
        const ys = valid ? (c.validRmse as number[]) : c.trainRmse;
        return {
          label: `${labels[i]}${valid ? '' : ' (train)'}`,
          colour: COLOURS[i % COLOURS.length],
          dashed: !valid,
          points: c.epochs.map((e, n) => ({ x: e - first + 1, y: ys[n] })),
        };
      }),
    );
  }
}
