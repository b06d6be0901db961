/**
 * The File menu of the page (the desktop app has the same actions in its native menu): import,
 * synthetic data, projects and the Excel export. Paths come from native dialogs on the desktop
 * and from a path field in the browser; what a command returns or refuses becomes a message.
 */
import type { AppState, StatePatch, UserMessage, WriteExists, XlsxExport } from '../../src-main/service/contract.ts';
import { unlessRefused, type ApiClient, type FileAction } from '../api/client.ts';
import { h } from './dom.ts';
import type { LoadDialog } from './load-dialog.ts';
import { PathPrompt } from './path-prompt.ts';
import { replaceDialog, replacingIfConfirmed } from './replace-confirm.ts';

interface Item {
  id: string;
  label: string;
  shortcut?: string;
  run(): Promise<void> | void;
}

export class FileMenu {
  private readonly menu: HTMLDetailsElement;
  private readonly prompt = new PathPrompt();
  private readonly askReplace = replaceDialog();
  private state: AppState | null = null;

  constructor(
    host: HTMLElement,
    private readonly api: ApiClient,
    private readonly load: LoadDialog,
    private readonly say: (m: UserMessage) => void,
  ) {
    const items: (Item | 'separator')[] = [
      { id: 'menu-import', label: 'Import ratings…', run: () => this.load.openImport() },
      { id: 'menu-synthetic', label: 'New synthetic dataset…', run: () => this.load.openSynthetic() },
      'separator',
      { id: 'menu-open', label: 'Open project…', run: () => this.openProject() },
      { id: 'menu-save', label: 'Save project', shortcut: 'Ctrl+S', run: () => this.save(false) },
      { id: 'menu-save-as', label: 'Save project as…', run: () => this.save(true) },
      'separator',
      { id: 'menu-export-xlsx', label: 'Export .xlsx…', run: () => this.exportXlsx() },
    ];
    const list = h('div', { class: 'menu-items', role: 'menu' });
    for (const item of items) {
      if (item === 'separator') {
        list.append(h('hr'));
        continue;
      }
      const b = h('button', { id: item.id, type: 'button', role: 'menuitem' }, h('span', { text: item.label }), item.shortcut ? h('kbd', { text: item.shortcut }) : null);
      b.addEventListener('click', () => {
        this.menu.open = false;
        void item.run();
      });
      list.append(b);
    }
    this.menu = h('details', { id: 'file-menu', class: 'menu' }, h('summary', { text: 'File' }), list);
    host.append(this.menu);
    document.addEventListener('click', (e) => {
      if (!this.menu.contains(e.target as Node)) this.menu.open = false;
    });
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void this.save(e.shiftKey);
      }
    });
  }

  render(state: AppState): void {
    this.state = state;
    const training = state.status === 'training';
    for (const b of this.menu.querySelectorAll<HTMLButtonElement>('.menu-items button')) b.disabled = training;
  }

  private async openProject(): Promise<void> {
    await this.withPath<AppState>('open-project', 'Open a project', 'Project file (.collabsheet) on this computer', this.suggested('collabsheet'), 'Open', (path) =>
      this.api.call('openProject', { path }),
    );
  }

  /** Save writes to the project's file when it has one; Save as (or a first save) asks where. */
  private async save(askWhere: boolean): Promise<void> {
    const path = this.state?.project.path;
    const saved = path && !askWhere
      ? await this.attempt(async () => this.replacing(await this.api.call('saveProject', { path }), (p) => this.api.call('saveProject', { path: p, overwrite: true })))
      : await this.withPath<StatePatch>('save-project', 'Save the project', 'Save as (a .collabsheet file)', this.suggested('collabsheet'), 'Save', (p, overwrite) =>
          this.api.call('saveProject', { path: p, overwrite }),
        );
    if (saved?.project) this.say({ level: 'info', text: `Saved ${saved.project.path}` });
  }

  private async exportXlsx(): Promise<void> {
    const out = await this.withPath<XlsxExport>('export-xlsx', 'Export as an Excel workbook', 'Workbook file (.xlsx)', this.suggested('xlsx'), 'Export', (path, overwrite) =>
      this.api.call('exportXlsx', { path, overwrite }),
    );
    if (!out) return;
    this.say({
      level: out.notice ? 'warning' : 'info',
      text: `Exported ${out.path}: its formulas give RMSE ${out.rmse.toFixed(4)}.${out.notice ? ` ${out.notice}` : ''}`,
    });
  }

  /**
   * A native dialog then the command (desktop: the save dialog asked about replacing the file it
   * returned), or a path field then the command (browser); either way a file the command found
   * there (in the browser, or the one a default extension leads to) is replaced only after asking.
   * Null: cancelled or refused.
   */
  private withPath<T>(
    action: FileAction, title: string, label: string, value: string, confirm: string,
    command: (path: string, overwrite: boolean) => Promise<T | WriteExists>,
  ): Promise<T | null> {
    return this.attempt(async () => {
      let answer: T | WriteExists | null;
      if (this.api.fileAction) answer = (await this.api.fileAction(action)) as T | WriteExists | null;
      else {
        const path = await this.prompt.ask(title, label, value, confirm);
        answer = path === null ? null : await command(path, false);
      }
      return answer === null ? null : this.replacing(answer, (p) => command(p, true));
    });
  }

  private replacing<T>(answer: T | WriteExists, again: (path: string) => Promise<T | WriteExists>): Promise<T | null> {
    return replacingIfConfirmed(answer, this.askReplace, again);
  }

  private attempt<T>(task: () => Promise<T>): Promise<T | null> {
    return unlessRefused(task, (text) => this.say({ level: 'error', text }));
  }

  /** The project's own path, or the sheet's name in the folder of the last file typed. */
  private suggested(extension: string): string {
    const project = this.state?.project.path;
    if (project) return extension === 'collabsheet' ? project : project.replace(/\.collabsheet$/, `.${extension}`);
    const last = localStorage.getItem('collabsheet.importPath') ?? '';
    const folder = last.includes('/') ? last.slice(0, last.lastIndexOf('/') + 1) : '';
    const name = (this.state?.sheet.name ?? 'sheet').replace(/[^\w.-]+/g, '-').replace(/\.(csv|tsv|data|dat|xlsx|json)$/i, '');
    return `${folder}${name}.${extension}`;
  }
}
