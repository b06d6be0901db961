/**
 * The export dialog: which formats, and where. In the desktop app a native folder dialog chooses
 * the destination (the Electron bridge's file action); in a browser, which cannot reveal paths,
 * the folder is typed. Either way the service's exportEmbeddings writes the files, and the
 * dialog lists what was written. For a blend run (the Runs card's Export blend as ONNX) it offers
 * ONNX alone: one serving model holding every member, which the same command writes given the run.
 */
import type { ExportFormat, ExportResult, WriteExists } from '../../../src-main/service/contract.ts';
import { CommandError, type ApiClient } from '../../api/client.ts';
import { browse } from '../../data/file-browser.ts';
import { replaceDialog, replacingIfConfirmed } from '../../data/replace-confirm.ts';
import { el } from './dom.ts';

const FORMATS: readonly [ExportFormat, string, string][] = [
  ['csv', 'CSV', 'users.csv, items.csv: id, title, bias, factors'],
  ['tsv', 'TSV', 'users.tsv, items.tsv'],
  ['json', 'JSON', 'embeddings.json: both sides with ids and titles'],
  ['npy', 'NumPy .npy', 'user/item factors and biases + ids.json'],
  ['projector', 'Embedding Projector', 'vectors.tsv + metadata.tsv for projector.tensorflow.org'],
  ['onnx', 'ONNX serving model', 'model.onnx (original user ids → scores, top-k), model-unrated.onnx (the same without rated items), model-pairs.onnx (pairs → ratings) + ids.json'],
];
const FOLDER_KEY = 'collabsheet.exportFolder';
const SHEET_HEADING = 'Export factors and biases';

export class ExportDialog {
  readonly element: HTMLDialogElement;
  private readonly boxes = new Map<ExportFormat, HTMLInputElement>();
  private readonly folder: HTMLInputElement;
  private readonly result = el('div', { className: 'export-result', attrs: { role: 'status' } });
  private readonly go: HTMLButtonElement;
  private readonly heading = el('h2', { text: SHEET_HEADING });
  private readonly askReplace = replaceDialog();
  /** The blend run being exported; null: the sheet's model. */
  private blendRun: string | null = null;

  constructor(private readonly api: ApiClient) {
    const list = el('fieldset', { className: 'export-formats' }, el('legend', { text: 'Formats' }));
    for (const [format, name, what] of FORMATS) {
      const box = el('input', { attrs: { type: 'checkbox', name: 'format', value: format } });
      box.checked = true;
      this.boxes.set(format, box);
      list.append(el('label', { className: 'export-format' }, box, el('span', { className: 'name', text: name }), el('span', { className: 'muted small', text: what })));
    }
    const native = Boolean(api.fileAction);
    this.folder = el('input', { attrs: { type: 'text', id: 'export-folder', placeholder: '/path/to/a/folder', spellcheck: 'false' } });
    this.folder.value = localStorage.getItem(FOLDER_KEY) ?? '';
    const browseButton = el('button', { text: 'Browse…', attrs: { type: 'button', id: 'export-browse' } });
    browseButton.addEventListener('click', async () => {
      const folder = await browse({ title: 'Export into a folder', confirm: 'Choose this folder', mode: 'folder', start: this.folder.value.trim(), extensions: [], kindsLabel: 'folders' });
      if (folder !== null) this.folder.value = folder;
    });
    const destination = native
      ? el('p', { className: 'muted small', text: 'You choose the folder next.' })
      : el('label', { className: 'export-folder' }, el('span', { text: 'Folder (created if missing; you are asked before files there are replaced)' }), el('span', { className: 'inline-pair' }, this.folder, browseButton));
    this.go = el('button', { className: 'primary', text: native ? 'Choose folder and export…' : 'Export', attrs: { type: 'submit', id: 'export-go' } });
    const cancel = el('button', { text: 'Close', attrs: { type: 'button' } });
    cancel.addEventListener('click', () => this.element.close());
    const form = el('form', { attrs: { method: 'dialog' } },
      this.heading, list, destination, this.result, el('div', { className: 'dialog-buttons' }, cancel, this.go));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.export();
    });
    this.element = el('dialog', { className: 'export-dialog', attrs: { id: 'export-dialog', 'aria-label': 'Export' } }, form);
  }

  /** The sheet's model; or a blend run, as one ONNX serving model (a blend has no factor tables of its own). */
  open(blend: { run: string; name: string } | null = null): void {
    this.blendRun = blend?.run ?? null;
    this.heading.textContent = blend ? `Export the blend "${blend.name}" as one ONNX serving model` : SHEET_HEADING;
    for (const [format, box] of this.boxes) {
      box.disabled = blend !== null && format !== 'onnx';
      if (blend) box.checked = format === 'onnx';
    }
    this.result.replaceChildren();
    this.element.showModal();
  }

  private async export(): Promise<void> {
    const formats = [...this.boxes].filter(([, box]) => box.checked && !box.disabled).map(([f]) => f);
    const run = this.blendRun ? { run: this.blendRun } : {};
    if (formats.length === 0) return this.show('error', 'Choose at least one format.');
    const path = this.folder.value.trim();
    if (!this.api.fileAction && !path) return this.show('error', 'Type the folder to write into.');
    this.go.disabled = true;
    this.show('info', 'Exporting…');
    try {
      const answer = this.api.fileAction
        ? ((await this.api.fileAction('export', { formats, ...run })) as ExportResult | WriteExists | null)
        : await this.api.call('exportEmbeddings', { path, formats, ...run });
      // Neither a folder dialog nor the typed folder asked about the files already there: ask now.
      const r = answer && (await replacingIfConfirmed(answer, this.askReplace, (folder) => this.api.call('exportEmbeddings', { path: folder, formats, overwrite: true, ...run })));
      if (!r) return this.result.replaceChildren();
      if (!this.api.fileAction) localStorage.setItem(FOLDER_KEY, path);
      const files = el('ul', { className: 'export-files' }, ...r.files.map((f) => el('li', { text: f.slice(r.folder.length).replace(/^[\\/]/, '') })));
      this.result.replaceChildren(el('p', { className: 'ok', text: `Wrote ${r.files.length} files to ${r.folder}` }), files);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      this.show('error', error.message);
    } finally {
      this.go.disabled = false;
    }
  }

  private show(level: 'info' | 'error', text: string): void {
    this.result.replaceChildren(el('p', { className: level, text }));
  }
}
