import type { BaseWindow, Dialog } from 'electron';
import type { FileDialogs } from './file-actions.ts';

/** Electron's dialogs as FileDialogs, attached to the focused window when there is one. */
export function electronFileDialogs(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>,
  parentWindow: () => BaseWindow | null,
): FileDialogs {
  return {
    async chooseOpenPath(options) {
      const parent = parentWindow();
      const request = { ...options, properties: ['openFile' as const] };
      const result = parent ? await dialog.showOpenDialog(parent, request) : await dialog.showOpenDialog(request);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseSavePath(options) {
      const parent = parentWindow();
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
