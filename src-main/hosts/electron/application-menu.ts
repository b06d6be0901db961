import type { MenuItemConstructorOptions } from 'electron';
import type { FileActionName } from './channels.ts';
import { FILE_ACTIONS, isFileActionAvailable } from './file-actions.ts';

/** What menu items do besides Electron's built-in roles: both end in a service command. */
export interface MenuActions {
  fileAction(action: FileActionName): void;
  serviceCommand(command: 'undo' | 'redo'): void;
}

const ORDERED_FILE_ACTIONS: readonly FileActionName[] = ['open-ratings', 'open-project', 'save-project', 'export', 'export-xlsx'];
const FILE_ACCELERATORS: Partial<Record<FileActionName, string>> = {
  'open-ratings': 'CmdOrCtrl+O',
  'save-project': 'CmdOrCtrl+S',
};

/**
 * The application menu as plain data (so the test reads it without Electron). Undo and Redo run
 * the service's own history, not the text field's; their accelerators are shown but not
 * registered (registerAccelerator: false) so Ctrl+Z keeps reaching the page, which handles the
 * key itself in both hosts — in a cell editor it must undo typing, not the last rating.
 */
export function applicationMenuTemplate(actions: MenuActions, platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const fileItems: MenuItemConstructorOptions[] = ORDERED_FILE_ACTIONS.map((name) => {
    const spec = FILE_ACTIONS[name];
    return {
      label: spec.label,
      accelerator: FILE_ACCELERATORS[name],
      enabled: isFileActionAvailable(spec),
      click: () => actions.fileAction(name),
    };
  });
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
        ...fileItems.slice(0, 2),
        { type: 'separator' },
        ...fileItems.slice(2),
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
