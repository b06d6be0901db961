import type { MenuItemConstructorOptions } from 'electron';
import type { RecentFile } from '../../service/contract.ts';
import type { FileActionName, MenuCommand, PageMenuItem } from './channels.ts';
import { FILE_ACTIONS, isFileActionAvailable } from './file-actions.ts';

/** What menu items do besides Electron's built-in roles. */
export interface MenuActions {
  /** Hands the item to the page, which runs its own File menu item (asking "Save changes?" there). */
  pageItem(command: MenuCommand): void;
  fileAction(action: FileActionName): void;
  serviceCommand(command: 'undo' | 'redo'): void;
}

interface FileEntry {
  label: string;
  accelerator?: string;
  /** The page handles the key itself (Ctrl+S in the page's menu): shown, not registered. */
  pageKey?: true;
  run: { page: PageMenuItem } | { file: FileActionName };
}

/** The page's File menu, item for item, plus Export to folder (the page has it as Export…). */
const FILE_MENU: readonly (FileEntry | 'separator' | 'recent')[] = [
  { label: 'New sheet', accelerator: 'CmdOrCtrl+N', run: { page: 'new' } },
  { label: 'Open demo sheet', run: { page: 'demo' } },
  { label: 'Import ratings…', run: { page: 'import' } },
  { label: 'New synthetic dataset…', run: { page: 'synthetic' } },
  'separator',
  { label: 'Open project…', accelerator: 'CmdOrCtrl+O', run: { page: 'open' } },
  'recent',
  'separator',
  { label: 'Save project', accelerator: 'CmdOrCtrl+S', pageKey: true, run: { page: 'save' } },
  { label: 'Save project as…', accelerator: 'CmdOrCtrl+Shift+S', pageKey: true, run: { page: 'save-as' } },
  { label: 'Export to folder…', run: { file: 'export' } },
  { label: 'Export .xlsx…', run: { page: 'export-xlsx' } },
];

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** Open recent: the service's list, a file that has gone greyed out; the page opens the one chosen. */
function recentItem(actions: MenuActions, files: readonly RecentFile[]): MenuItemConstructorOptions {
  const submenu: MenuItemConstructorOptions[] = files.length
    ? files.map((file) => ({ label: `${fileName(file.path)} — ${file.path}`, enabled: file.found, click: () => actions.pageItem({ item: 'recent', file }) }))
    : [{ label: 'Nothing yet', enabled: false }];
  return { label: 'Open recent', submenu };
}

function fileItem(actions: MenuActions, entry: FileEntry): MenuItemConstructorOptions {
  const { run } = entry;
  return {
    label: entry.label,
    accelerator: entry.accelerator,
    ...(entry.pageKey ? { registerAccelerator: false } : {}),
    ...('page' in run
      ? { click: () => actions.pageItem({ item: run.page }) }
      : { enabled: isFileActionAvailable(FILE_ACTIONS[run.file]), click: () => actions.fileAction(run.file) }),
  };
}

/**
 * The application menu as plain data (so the test reads it without Electron). The File items
 * that may replace the open sheet run in the page, which asks "Save changes?" as its own menu
 * does (issue 16 item 2). Undo and Redo run the service's own history, not the text field's;
 * their accelerators are shown but not registered (registerAccelerator: false) so Ctrl+Z keeps
 * reaching the page, which handles the key itself in both hosts — in a cell editor it must undo
 * typing, not the last rating. `recent` is the service's recent files (desktop-host.ts rebuilds
 * the menu when they change).
 */
export function applicationMenuTemplate(actions: MenuActions, platform: NodeJS.Platform, recent: readonly RecentFile[]): MenuItemConstructorOptions[] {
  const fileItems: MenuItemConstructorOptions[] = FILE_MENU.map((entry) =>
    entry === 'separator' ? { type: 'separator' } : entry === 'recent' ? recentItem(actions, recent) : fileItem(actions, entry),
  );
  const historyItem = (command: 'undo' | 'redo', label: string, accelerator: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    registerAccelerator: false,
    click: () => actions.serviceCommand(command),
  });
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        ...fileItems,
        { type: 'separator' },
        { role: platform === 'darwin' ? 'close' : 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        historyItem('undo', 'Undo', 'CmdOrCtrl+Z'),
        historyItem('redo', 'Redo', platform === 'darwin' ? 'Shift+Cmd+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'help', submenu: [{ role: 'about', label: 'About CollabSheet' }] },
  ];
}
