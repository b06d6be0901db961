/**
 * The dialog that brings data in: "Import ratings…" (a file → its preview with the column
 * mapping, titles and split → import) and "New synthetic dataset…" (a form → generate). Both then
 * show progress with Cancel, stop at a bad row with file:line and the choice to skip such rows,
 * and end with a summary. The sheet changes only when the service says the import succeeded.
 */
import type {
  FormatChoice,
  ImportOutcome,
  ImportPreview,
  ImportProgressEvent,
  ImportReport,
  RatingsPreview,
  SplitChoice,
  WorkbookPreview,
} from '../../src-main/service/contract.ts';
import { CommandError, type ApiClient } from '../api/client.ts';
import { bytes, fmt, h, numberField, valueOf } from './dom.ts';
import {
  badRowExamples,
  columnNames,
  DELIMITERS,
  describePreview,
  featureFiles,
  formatChoice,
  mappingProblem,
  progressFraction,
  progressText,
  reportRows,
  ROLES,
  suggestedColumns,
  type Choices,
  type Role,
} from './import-form.ts';
import { browse } from './file-browser.ts';
import { splitPath } from './file-browser-model.ts';
import { Modal } from './modal.ts';

const LAST_PATH_KEY = 'collabsheet.importPath';
/** What the file browser lists for an import: the kinds previewImport reads. */
const RATINGS_FILES = ['.csv', '.tsv', '.txt', '.data', '.dat', '.xlsx'];
const PREVIEW_ROWS = 8;

export class LoadDialog {
  private readonly modal = new Modal('load-dialog', 'load-dialog');
  private progressBar: HTMLProgressElement | null = null;
  private progressLine: HTMLElement | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly crosstab: () => number,
  ) {}

  /** Import: a native dialog on the desktop, a path field in the browser (the host is on this machine). */
  async openImport(): Promise<void> {
    if (this.api.fileAction) {
      const preview = (await this.guard(() => this.api.fileAction!('import-ratings'))) as ImportPreview | null;
      if (preview) this.showPreview(preview);
      return;
    }
    this.chooseFile();
  }

  /** Open recent: the import dialog at the preview of a file imported before. */
  async openImportAt(path: string): Promise<void> {
    localStorage.setItem(LAST_PATH_KEY, path);
    this.chooseFile();
    await this.preview(path);
  }

  private chooseFile(): void {
    const input = h('input', { id: 'import-path', type: 'text', class: 'path-input', placeholder: '/home/me/ml-100k/u.data', spellcheck: 'false', value: localStorage.getItem(LAST_PATH_KEY) ?? '' });
    const preview = () => void this.preview(input.value.trim());
    input.addEventListener('keydown', (e) => e.key === 'Enter' && preview());
    const browseButton = h('button', { id: 'import-browse', type: 'button' }, 'Browse…');
    browseButton.addEventListener('click', async () => {
      const current = input.value.trim();
      // Empty: the browser starts in the last folder it showed.
      const start = current ? splitPath(current).folder : '';
      const path = await browse({ title: 'Choose a ratings file', confirm: 'Choose', mode: 'open', start, extensions: RATINGS_FILES, kindsLabel: 'ratings files (.csv .tsv .txt .data .dat .xlsx)' });
      if (path === null) return;
      input.value = path;
      preview();
    });
    this.modal.show({
      step: 'choose',
      title: 'Import ratings',
      content: [
        h('label', { class: 'form-field wide', for: 'import-path' }, h('span', { text: 'Ratings file on this computer' }), h('span', { class: 'inline-pair' }, input, browseButton)),
        h('p', { class: 'muted small', text: 'CSV or TSV with or without a header, MovieLens u.data / ratings.dat / ratings.csv, or fast.ai\'s collab_filter .xlsx. You map the columns in the next step.' }),
      ],
      actions: [
        { id: 'import-close', label: 'Cancel', run: () => this.modal.close() },
        { id: 'import-preview', label: 'Preview', primary: true, run: preview },
      ],
    });
    input.focus();
  }

  /** Previews the file; the delimiter and header the user chose, if any (the columns are suggested anew). */
  private async preview(path: string, layout?: Pick<Choices, 'delimiter' | 'hasHeader'>): Promise<void> {
    if (!path) return this.modal.error('Type the path of a ratings file');
    localStorage.setItem(LAST_PATH_KEY, path);
    const format = layout ? { delimiter: layout.delimiter as FormatChoice['delimiter'], hasHeader: layout.hasHeader } : undefined;
    const p = await this.guard(() => this.api.call('previewImport', { path, ...(format ? { format } : {}) }));
    if (p) this.showPreview(p);
  }

  private showPreview(p: ImportPreview): void {
    if (p.kind === 'workbook') return this.showWorkbook(p);
    const current: Choices = { delimiter: p.delimiter, hasHeader: p.hasHeader, columns: suggestedColumns(p) };
    const names = columnNames(p);
    const again = () => void this.preview(p.file, current);

    const delimiter = h('select', { id: 'import-delimiter' });
    for (const d of DELIMITERS) delimiter.add(new Option(d.label, d.value, false, d.value === current.delimiter));
    delimiter.addEventListener('change', () => {
      current.delimiter = delimiter.value;
      again();
    });
    const header = h('input', { id: 'import-header', type: 'checkbox', checked: current.hasHeader });
    header.addEventListener('change', () => {
      current.hasHeader = header.checked;
      again();
    });
    const mapping = ROLES.map(({ role, label, optional }) => {
      const select = h('select', { id: `import-col-${role}` });
      if (optional) select.add(new Option('(none)', ''));
      names.forEach((name, i) => select.add(new Option(name, String(i), false, current.columns[role] === i)));
      if (optional && current.columns[role] === null) select.value = '';
      select.addEventListener('change', () => {
        current.columns[role] = select.value === '' ? null : Number(select.value);
        table.replaceWith((table = previewTable(p, current.columns)));
        this.modal.error(mappingProblem(current.columns));
        timeRadio.disabled = current.columns.timestamp === null;
      });
      return h('label', { class: 'form-field', for: select.id }, h('span', { text: label }), select);
    });
    let table = previewTable(p, current.columns);

    const titles = titlesChoice(p);
    const features = featureFields(p);
    const split = splitChoice(p, current.columns.timestamp !== null);
    const timeRadio = split.querySelector<HTMLInputElement>('#split-time')!;
    const size = numberField('import-crosstab', 'Sheet shows N × N', this.crosstab(), { min: 2, max: 100, step: 1 });

    this.modal.show({
      step: 'preview',
      title: `Import ${p.file.split(/[\\/]/).pop()}`,
      content: [
        h('p', { class: 'preview-summary' }, h('strong', { id: 'import-format', text: describePreview(p) }), ` · ${bytes(p.bytes)}`),
        p.problem ? h('p', { class: 'notice warning', id: 'import-problem', text: `${p.problem}. Map the columns below.` }) : null,
        h('div', { class: 'form-row' },
          h('label', { class: 'form-field', for: 'import-delimiter' }, h('span', { text: 'Delimiter' }), delimiter),
          h('label', { class: 'form-field check', for: 'import-header' }, header, h('span', { text: 'First line is a header' })),
        ),
        h('div', { class: 'form-row' }, ...mapping),
        table,
        h('div', { class: 'form-row' }, titles.element),
        h('div', { class: 'form-row' }, ...features.elements),
        split,
        h('div', { class: 'form-row' }, size),
      ],
      actions: [
        ...(this.api.fileAction ? [] : [{ id: 'import-back', label: 'Back', run: () => this.chooseFile() }]),
        { id: 'import-close', label: 'Cancel', run: () => this.modal.close() },
        {
          id: 'import-go',
          label: 'Import',
          primary: true,
          run: () => {
            const problem = mappingProblem(current.columns);
            if (problem) return this.modal.error(problem);
            const { path, split } = readSplit(this.modal.dialog, p);
            const request = { path, format: formatChoice(current), titles: titles.value(), ...features.value(), split, crosstab: valueOf(this.modal.dialog, 'import-crosstab') };
            void this.run(
              `Importing ${p.file.split(/[\\/]/).pop()}`,
              (badRows) => this.api.call('importRatings', { ...request, badRows }),
            );
          },
        },
      ],
    });
  }

  private showWorkbook(p: WorkbookPreview): void {
    const sheets = p.sheets.map((s, i) =>
      h('label', { class: 'radio' },
        h('input', { type: 'radio', name: 'workbook-sheet', id: `workbook-${s.kind}`, value: s.kind, checked: i === 0 }),
        ` ${s.kind} sheet — its factors${s.kind === 'bias' ? ' and biases' : ''} as starting values, RMSE ${s.rmse.toFixed(4)}`,
      ),
    );
    this.modal.show({
      step: 'preview',
      title: `Open ${p.file.split(/[\\/]/).pop()}`,
      content: [
        h('p', { class: 'preview-summary', id: 'import-format' },
          h('strong', { text: "Excel workbook in fast.ai's collab_filter layout" }),
          ` · ${fmt(p.users)} users × ${fmt(p.items)} movies, ${fmt(p.ratings)} ratings, ${p.factors} factors`),
        h('fieldset', { class: 'choices' }, h('legend', { text: 'Start from' }), ...sheets),
        h('p', { class: 'muted small', text: 'Training uses the Excel Solver recipe: the plain dot product, no weight decay, the whole sheet as one batch (L-BFGS), no validation split.' }),
      ],
      actions: [
        ...(this.api.fileAction ? [] : [{ id: 'import-back', label: 'Back', run: () => this.chooseFile() }]),
        { id: 'import-close', label: 'Cancel', run: () => this.modal.close() },
        {
          id: 'import-go',
          label: 'Open',
          primary: true,
          run: () => {
            const sheet = this.modal.dialog.querySelector<HTMLInputElement>('input[name="workbook-sheet"]:checked')?.value as 'dotprod' | 'bias';
            void this.run(`Opening ${p.file.split(/[\\/]/).pop()}`, (badRows) =>
              this.api.call('importRatings', { path: p.file, badRows, workbookSheet: sheet, split: { method: 'random', validPct: 0, seed: 42 } }),
            );
          },
        },
      ],
    });
  }

  /** "New synthetic dataset…": the planted model's knobs, then the same progress and summary as an import. */
  openSynthetic(): void {
    const fields = [
      numberField('synth-users', 'Users', 943, { min: 2, max: 1_000_000, step: 1 }),
      numberField('synth-items', 'Movies', 1682, { min: 2, max: 200_000, step: 1 }),
      numberField('synth-ratings', 'Ratings', 100_000, { min: 1, max: 50_000_000, step: 1 }),
      numberField('synth-rank', 'Rank (tastes)', 3, { min: 1, max: 64, step: 1 }),
      numberField('synth-noise', 'Noise σ', 0.5, { min: 0, max: 5, step: 0.05 }),
      numberField('synth-skew', 'Popularity skew', 0.5, { min: 0, max: 3, step: 0.1 }),
      numberField('synth-seed', 'Seed', 42, { min: 0, step: 1 }),
      numberField('synth-valid', 'Validation %', 10, { min: 0, max: 50, step: 1 }),
    ];
    const density = h('output', { id: 'synth-density', class: 'muted small' });
    const showDensity = () => {
      const d = valueOf(this.modal.dialog, 'synth-ratings') / (valueOf(this.modal.dialog, 'synth-users') * valueOf(this.modal.dialog, 'synth-items'));
      density.textContent = Number.isFinite(d) ? `density ${(100 * Math.min(1, d)).toFixed(2)} % of the users × movies grid` : '';
    };
    this.modal.show({
      step: 'synthetic',
      title: 'New synthetic dataset',
      content: [
        h('p', { class: 'muted small', text: 'Ratings from a planted model: rating = 3.5 + user bias + movie bias + user tastes · movie tastes + noise, rounded to 1–5 stars. A perfect model reaches an RMSE near the noise σ; after Solve, compare the learned factors with the planted tastes.' }),
        h('div', { class: 'form-grid' }, ...fields),
        density,
      ],
      actions: [
        { id: 'synth-close', label: 'Cancel', run: () => this.modal.close() },
        {
          id: 'synth-go',
          label: 'Generate',
          primary: true,
          run: () => {
            const v = (id: string) => valueOf(this.modal.dialog, id);
            const spec = { users: v('synth-users'), items: v('synth-items'), ratings: v('synth-ratings'), rank: v('synth-rank'), noise: v('synth-noise'), popularitySkew: v('synth-skew'), seed: v('synth-seed') };
            const split: SplitChoice = { method: 'random', validPct: v('synth-valid') / 100, seed: 42 };
            void this.run('Generating the dataset', () => this.api.call('newSynthetic', { spec, split, crosstab: this.crosstab() }));
          },
        },
      ],
    });
    this.modal.dialog.querySelector('.form-grid')!.addEventListener('input', showDensity);
    showDensity();
  }

  /** Import progress from the service (about every 4 MB read). */
  progress(p: ImportProgressEvent): void {
    if (!this.progressBar || !this.progressLine) return;
    this.progressBar.value = progressFraction(p);
    this.progressLine.textContent = progressText(p);
  }

  /**
   * Runs an import-like command: progress with Cancel, then the outcome. `load(badRows)` is called
   * again with 'skip' when the user chooses to skip bad rows.
   */
  private async run(title: string, load: (badRows: 'fail' | 'skip') => Promise<ImportOutcome>, badRows: 'fail' | 'skip' = 'fail'): Promise<void> {
    this.progressBar = h('progress', { id: 'import-progress', max: 1, value: 0 });
    this.progressLine = h('p', { id: 'import-progress-text', class: 'muted small', text: 'Starting…' });
    const cancel = () => void this.api.call('cancelImport', {});
    this.modal.show({
      step: 'progress',
      title,
      content: [this.progressBar, this.progressLine, h('p', { class: 'muted small', text: 'The current sheet stays as it is until the import has succeeded.' })],
      actions: [{ id: 'import-cancel', label: 'Cancel import', run: cancel }],
      escape: cancel,
    });
    // Not `busy`: Cancel import must stay clickable while the import runs.
    const outcome = await this.guard(() => load(badRows), false);
    this.progressBar = this.progressLine = null;
    if (!outcome) return;
    if (outcome.kind === 'cancelled') {
      this.modal.show({
        step: 'cancelled',
        title: 'Import cancelled',
        content: [h('p', { text: 'Nothing was imported: the sheet is as it was.' })],
        actions: [{ id: 'import-done', label: 'Close', primary: true, run: () => this.modal.close() }],
      });
    } else if (outcome.kind === 'bad-row') {
      this.modal.show({
        step: 'bad-row',
        title: 'A row could not be read',
        content: [
          h('p', { id: 'bad-row-where' }, h('code', { text: outcome.line === null ? outcome.file : `${outcome.file}:${outcome.line}` })),
          h('p', { id: 'bad-row-problem', text: outcome.problem }),
          outcome.text !== null ? h('pre', { id: 'bad-row-text', class: 'offending', text: outcome.text }) : null,
          h('p', { class: 'muted small', text: 'Skip every such row (they are counted in the summary), or cancel: the current sheet stays as it is.' }),
        ],
        actions: [
          { id: 'bad-row-cancel', label: 'Cancel', run: () => this.modal.close() },
          { id: 'bad-row-skip', label: 'Skip bad rows (counted)', primary: true, run: () => void this.run(title, load, 'skip') },
        ],
      });
    } else {
      this.showSummary(outcome.report);
    }
  }

  private showSummary(r: ImportReport): void {
    const table = h('table', { id: 'import-summary', class: 'summary' });
    for (const [label, text] of reportRows(r)) table.append(h('tr', {}, h('th', { text: label }), h('td', { text })));
    const skipped = badRowExamples(r);
    const examples = skipped.length
      ? h('details', { class: 'bad-rows' }, h('summary', { text: `The first ${skipped.length} skipped rows` }), h('pre', { text: skipped.join('\n') }))
      : null;
    this.modal.show({
      step: 'summary',
      title: `Loaded ${r.name}`,
      content: [table, examples],
      actions: [{ id: 'import-done', label: 'Done', primary: true, run: () => this.modal.close() }],
    });
  }

  /** A command's refusal is shown in the dialog, which stays on its step; its buttons wait meanwhile. */
  private async guard<T>(task: () => Promise<T>, busy = true): Promise<T | null> {
    if (busy) this.modal.busy(true);
    try {
      return await task();
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      if (!this.modal.isOpen) this.chooseFile();
      this.modal.error(error.message);
      return null;
    } finally {
      if (busy) this.modal.busy(false);
    }
  }
}

function previewTable(p: RatingsPreview, columns: Record<Role, number | null>): HTMLTableElement {
  const roleOf = (i: number) => ROLES.find((r) => columns[r.role] === i);
  const head = h('tr', {}, ...columnNames(p).map((name, i) => {
    const role = roleOf(i);
    return h('th', { class: role ? `mapped ${role.role}` : '' }, h('span', { class: 'role', text: role ? role.label : 'not used' }), h('span', { text: name }));
  }));
  const body = p.rows.slice(0, PREVIEW_ROWS).map((row) => h('tr', {}, ...Array.from({ length: p.fieldCount }, (_, i) => h('td', { class: roleOf(i) ? 'mapped' : '', text: row[i] ?? '' }))));
  return h('table', { id: 'import-table', class: 'preview' }, h('thead', {}, head), h('tbody', {}, ...body));
}

function titlesChoice(p: RatingsPreview): { element: HTMLElement; value(): string | null | undefined } {
  const select = h('select', { id: 'import-titles' });
  if (p.titlesFile) select.add(new Option(p.titlesFile.split(/[\\/]/).pop()!, 'auto', true, true));
  select.add(new Option('no titles', 'none', false, !p.titlesFile));
  select.add(new Option('another file…', 'other'));
  const path = h('input', { id: 'import-titles-path', type: 'text', class: 'path-input', placeholder: '/path/to/movies.csv', hidden: true });
  select.addEventListener('change', () => (path.hidden = select.value !== 'other'));
  return {
    element: h('label', { class: 'form-field wide', for: 'import-titles' }, h('span', { text: 'Movie titles' }), h('span', { class: 'inline-pair' }, select, path)),
    value: () => (select.value === 'auto' ? undefined : select.value === 'none' ? null : path.value.trim() || null),
  };
}

/** Side-feature files beside the ratings (issue 15): blank for none; MovieLens' own are suggested. */
function featureFields(p: RatingsPreview): { elements: HTMLElement[]; value(): { itemFeatures: string | null; userFeatures: string | null } } {
  const field = (id: string, label: string, value: string | null, placeholder: string, hint: string) => {
    const input = h('input', { id, type: 'text', class: 'path-input', placeholder, spellcheck: 'false', value: value ?? '' });
    return { input, element: h('label', { class: 'form-field wide', for: id, title: hint }, h('span', { text: label }), input) };
  };
  const item = field('import-item-features', 'Movie features (optional)', p.featureFiles.item, '/path/to/u.item or movies.csv', 'Genres and year (u.item, movies.csv / .dat) or any CSV/TSV with a header keyed by movie id: the neural model embeds them beside the movie');
  const user = field('import-user-features', 'User features (optional)', p.featureFiles.user, '/path/to/u.user or users.dat', 'Age, gender, occupation (u.user, users.dat) or any CSV/TSV with a header keyed by user id');
  return { elements: [item.element, user.element], value: () => featureFiles(item.input.value, user.input.value) };
}

function splitChoice(p: RatingsPreview, hasTimestamp: boolean): HTMLElement {
  const radio = (id: string, checked: boolean, disabled = false) => h('input', { type: 'radio', name: 'split', id, value: id, checked, disabled });
  const folds = h('select', { id: 'split-fold' });
  for (const f of p.folds) folds.add(new Option(`${f.name}.base + ${f.name}.test`, f.name));
  return h('fieldset', { class: 'choices' },
    h('legend', { text: 'Validation split' }),
    h('label', { class: 'radio' }, radio('split-random', true), ' random ', h('input', { id: 'split-random-pct', type: 'number', min: 0, max: 50, step: 1, value: 10 }), ' % with seed ', h('input', { id: 'split-seed', type: 'number', min: 0, step: 1, value: 42 })),
    h('label', { class: 'radio' }, radio('split-time', false, !hasTimestamp), " by time: each user's latest ", h('input', { id: 'split-time-pct', type: 'number', min: 0, max: 50, step: 1, value: 10 }), ' %', hasTimestamp ? '' : ' (needs a timestamp column)'),
    p.folds.length ? h('label', { class: 'radio' }, radio('split-files', false), " MovieLens' own split ", folds) : null,
  );
}

/** The chosen split, and the file to import with it (MovieLens' folds import their .base file). */
function readSplit(root: HTMLElement, p: RatingsPreview): { path: string; split: SplitChoice } {
  const checked = root.querySelector<HTMLInputElement>('input[name="split"]:checked')?.value ?? 'split-random';
  const num = (id: string) => Number(root.querySelector<HTMLInputElement>(`#${id}`)!.value);
  if (checked === 'split-time') return { path: p.file, split: { method: 'time', validPct: num('split-time-pct') / 100 } };
  if (checked === 'split-files') {
    const fold = p.folds.find((f) => f.name === root.querySelector<HTMLSelectElement>('#split-fold')!.value)!;
    return { path: fold.base, split: { method: 'files', validPath: fold.test } };
  }
  return { path: p.file, split: { method: 'random', validPct: num('split-random-pct') / 100, seed: num('split-seed') } };
}
