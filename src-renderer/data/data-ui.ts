/**
 * The data side of the page, wired once by the app: the File menu (new and demo sheets, import,
 * synthetic data, projects and recent files, Excel), the crosstab size and Find above the sheet, the recovery offer, and the
 * project's name and unsaved mark beside the sheet's title.
 */
import type { AppState, ImportProgressEvent, UserMessage } from '../../src-main/service/contract.ts';
import type { ApiClient } from '../api/client.ts';
import '../styles/data.css';
import { FileMenu } from './file-menu.ts';
import { LoadDialog } from './load-dialog.ts';
import { RecoveryBanner } from './recovery-banner.ts';
import { SheetTools } from './sheet-tools.ts';

export interface DataUiHosts {
  /** Where the File menu goes (the toolbar). */
  menu: HTMLElement;
  /** The sheet's title row: the project status and the crosstab tools. */
  title: HTMLElement;
  /** The sheet pane: the recovery offer goes on top of it. */
  pane: HTMLElement;
}

export class DataUi {
  private readonly load: LoadDialog;
  private readonly menu: FileMenu;
  private readonly tools: SheetTools;
  private readonly recovery: RecoveryBanner;
  private readonly status: HTMLElement;
  private crosstab = 15;

  constructor(hosts: DataUiHosts, api: ApiClient, say: (m: UserMessage) => void) {
    this.load = new LoadDialog(api, () => this.crosstab);
    this.menu = new FileMenu(hosts.menu, api, this.load, say);
    this.status = document.createElement('span');
    this.status.id = 'project-status';
    this.status.className = 'project-status';
    hosts.title.append(this.status);
    this.tools = new SheetTools(hosts.title, api, say);
    this.recovery = new RecoveryBanner(hosts.pane, api, say, (doing) => this.menu.leaving(doing));
  }

  /** Offers what a crashed session left behind. */
  start(): Promise<void> {
    return this.recovery.check();
  }

  render(state: AppState): void {
    this.crosstab = state.sheet.data.crosstab;
    this.menu.render(state);
    this.tools.render(state);
    const { path, unsaved } = state.project;
    const file = path?.split(/[\\/]/).pop();
    this.status.textContent = file ? `${file}${unsaved ? ' · unsaved changes' : ' · saved'}` : unsaved ? 'unsaved' : '';
    this.status.dataset['unsaved'] = String(unsaved);
    this.status.title = path ?? 'Not saved as a project yet (File → Save project)';
  }

  importProgress(p: ImportProgressEvent): void {
    this.load.progress(p);
  }
}
