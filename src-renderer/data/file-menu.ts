/**
 * The File menu of the page (the desktop app has the same actions in its native menu): a new
 * sheet, the demo sheet, import, synthetic data, projects with Open recent, and the Excel
 * export. Paths come from native dialogs on the desktop and from the host's file browser in the
 * browser (file-browser.ts);
 * what a command returns or refuses becomes a message. Whatever replaces the open sheet asks
 * "Save changes?" first when it has unsaved work (save-changes.ts). The desktop app's native
 * File menu runs these same items (native-menu.ts).
 */
import type { AppState, RecentFile, StatePatch, UserMessage, WriteExists, XlsxExport } from '../../src-main/service/contract.ts';
import { unlessRefused, type ApiClient, type FileAction } from '../api/client.ts';
import { h } from './dom.ts';
import type { LoadDialog } from './load-dialog.ts';
import { browse, type BrowseRequest } from './file-browser.ts';
import { splitPath } from './file-browser-model.ts';
import { replaceDialog, replacingIfConfirmed } from './replace-confirm.ts';
import { mayReplace, saveChangesDialog } from './save-changes.ts';
import { newSheetSpec, recentLabel, suggestedPath } from './recent-menu.ts';
import { parseMenuCommand } from './native-menu.ts';

const PROJECTS = { extensions: ['.collabsheet'], kindsLabel: 'projects (.collabsheet)' } as const;

interface Item {
  id: string;
  label: string;
  shortcut?: string;
  run(): Promise<unknown> | void;
}

export class FileMenu {
  private readonly menu: HTMLDetailsElement;
  private readonly askReplace = replaceDialog();
  private readonly askSave = saveChangesDialog();
  private readonly recent: HTMLElement;
  private state: AppState | null = null;
  /** Where a save or export is suggested: the user's documents folder (the service names it). */
  private documents = '';

  constructor(
    host: HTMLElement,
    private readonly api: ApiClient,
    private readonly load: LoadDialog,
    private readonly say: (m: UserMessage) => void,
  ) {
    const items: (Item | 'separator' | 'recent')[] = [
      { id: 'menu-new', label: 'New sheet', run: () => this.newSheet() },
      { id: 'menu-demo', label: 'Open demo sheet', run: () => this.openDemo() },
      { id: 'menu-import', label: 'Import ratings…', run: () => this.leavingThen('importing another file', () => this.load.openImport()) },
      { id: 'menu-synthetic', label: 'New synthetic dataset…', run: () => this.leavingThen('generating a new dataset', () => this.load.openSynthetic()) },
      'separator',
      { id: 'menu-open', label: 'Open project…', run: () => this.leavingThen('opening a project', () => this.openProject()) },
      'recent',
      { id: 'menu-save', label: 'Save project', shortcut: 'Ctrl+S', run: () => this.save(false) },
      { id: 'menu-save-as', label: 'Save project as…', run: () => this.save(true) },
      'separator',
      { id: 'menu-export-xlsx', label: 'Export .xlsx…', run: () => this.exportXlsx() },
    ];
    const list = h('div', { class: 'menu-items', role: 'menu' });
    this.recent = h('div', { id: 'menu-recent', class: 'menu-recent', role: 'group', 'aria-label': 'Open recent' });
    for (const item of items) {
      if (item === 'separator' || item === 'recent') {
        list.append(item === 'separator' ? h('hr') : this.recent);
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
    const byId = new Map(items.filter((i) => typeof i === 'object').map((i) => [i.id, i]));
    api.onMenuCommand?.((message) => {
      const command = parseMenuCommand(message);
      if (typeof command === 'string') return this.say({ level: 'error', text: `Cannot run that menu item: ${command}.` });
      // As the page's own items, which are disabled then.
      if (this.state?.status === 'training') return this.say({ level: 'warning', text: 'Stop the training first: the File menu waits until it has stopped.' });
      void (command.item === 'recent' ? this.openRecent(command.file) : byId.get(`menu-${command.item}`)?.run());
    });
    this.menu.addEventListener('toggle', () => void (this.menu.open && this.refreshRecent()));
    host.append(this.menu);
    void this.refreshRecent();
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
    for (const b of this.menu.querySelectorAll<HTMLButtonElement>('.menu-items button:not(.missing)')) b.disabled = training;
  }

  /**
   * Runs `then` once the open sheet's unsaved work is saved or given up ("Save changes?"); the
   * recovery banner's Restore asks the same way. False: the user kept the work.
   */
  async leaving(doing: string): Promise<boolean> {
    if (!this.state) return true;
    return mayReplace(this.state.project, this.state.sheet.name, doing, this.askSave, () => this.save(false));
  }

  private async leavingThen(doing: string, then: () => Promise<void> | void): Promise<void> {
    if (await this.leaving(doing)) await then();
  }

  /** A new 15 × 15 sheet like the demo's: generated from 3 planted tastes, ready to Solve or type into. */
  private newSheet(): Promise<void> {
    return this.leavingThen('starting a new sheet', async () => {
      await this.attempt(() => this.api.call('newSynthetic', newSheetSpec(Math.floor(Math.random() * 2 ** 31))));
    });
  }

  private openDemo(): Promise<void> {
    return this.leavingThen('opening the demo sheet', async () => {
      await this.attempt(() => this.api.call('openDemo', {}));
    });
  }

  private async refreshRecent(): Promise<void> {
    const got = await this.attempt(() => this.api.call('recentFiles', {}));
    if (!got) return;
    this.documents = got.documentsFolder;
    const training = this.state?.status === 'training';
    this.recent.replaceChildren(
      h('div', { class: 'menu-heading', text: got.files.length ? 'Open recent' : 'Open recent: nothing yet' }),
      ...got.files.map((f, n) => {
        const label = recentLabel(f);
        const b = h('button', { id: `menu-recent-${n}`, type: 'button', role: 'menuitem', class: f.found ? '' : 'missing', title: label.title, disabled: !f.found || training }, h('span', { text: label.text }));
        b.addEventListener('click', () => {
          this.menu.open = false;
          void this.openRecent(f);
        });
        return b;
      }),
    );
  }

  private openRecent(f: RecentFile): Promise<void> {
    const name = f.path.split(/[\\/]/).pop() ?? f.path;
    return this.leavingThen(`opening ${name}`, async () => {
      if (f.kind === 'import') return this.load.openImportAt(f.path);
      await this.attempt(() => (f.kind === 'project' ? this.api.call('openProject', { path: f.path }) : this.api.call('openRatings', { path: f.path })));
    });
  }

  private async openProject(): Promise<void> {
    const request = { title: 'Open a project', confirm: 'Open', mode: 'open', start: splitPath(this.suggested('collabsheet')).folder, ...PROJECTS } as const;
    await this.withPath<AppState>('open-project', request, (path) =>
      this.api.call('openProject', { path }),
    );
  }

  /** Save writes to the project's file when it has one; Save as (or a first save) asks where. True: saved. */
  private async save(askWhere: boolean): Promise<boolean> {
    const path = this.state?.project.path;
    const saved = path && !askWhere
      ? await this.attempt(async () => this.replacing(await this.api.call('saveProject', { path }), (p) => this.api.call('saveProject', { path: p, overwrite: true })))
      : await this.withPath<StatePatch>('save-project', { title: 'Save the project', confirm: 'Save', mode: 'save', start: this.suggested('collabsheet'), ...PROJECTS }, (p, overwrite) =>
          this.api.call('saveProject', { path: p, overwrite }),
        );
    if (!saved?.project) return false;
    this.say({ level: 'info', text: `Saved ${saved.project.path}` });
    return true;
  }

  private async exportXlsx(): Promise<void> {
    const request = { title: 'Export as an Excel workbook', confirm: 'Export', mode: 'save', start: this.suggested('xlsx'), extensions: ['.xlsx'], kindsLabel: 'workbooks (.xlsx)' } as const;
    const out = await this.withPath<XlsxExport>('export-xlsx', request, (path, overwrite) =>
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
   * returned), or the host's file browser then the command (browser); either way a file the command found
   * there (in the browser, or the one a default extension leads to) is replaced only after asking.
   * Null: cancelled or refused.
   */
  private withPath<T>(
    action: FileAction, request: BrowseRequest,
    command: (path: string, overwrite: boolean) => Promise<T | WriteExists>,
  ): Promise<T | null> {
    return this.attempt(async () => {
      let answer: T | WriteExists | null;
      if (this.api.fileAction) answer = (await this.api.fileAction(action)) as T | WriteExists | null;
      else {
        const path = await browse(request);
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

  /** The project's own path, or the sheet's name in the user's documents folder (not the data's folder, issue 16 item 6). */
  private suggested(extension: string): string {
    return suggestedPath(this.state?.project.path ?? null, this.state?.sheet.name ?? 'sheet', this.documents, extension);
  }
}
