import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { FileDialogs } from './file-actions.ts';

/** Electron's dialogs as FileDialogs, attached to the focused window when there is one. */
export function electronFileDialogs(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>,
  parentWindow: () => BaseWindow | null,
): FileDialogs {
  const open = async (request: OpenDialogOptions): Promise<string | null> => {
    const parent = parentWindow();
    const result = parent ? await dialog.showOpenDialog(parent, request) : await dialog.showOpenDialog(request);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  return {
    chooseOpenPath: (options) => open({ ...options, properties: ['openFile'] }),
    chooseFolder: (options) => open({ ...options, properties: ['openDirectory', 'createDirectory'] }),
    async chooseSavePath(options) {
      const parent = parentWindow();
      // macOS and Windows always ask before a save dialog returns an existing file; Linux (GTK) only with this.
      const request: SaveDialogOptions = { ...options, properties: ['showOverwriteConfirmation', 'createDirectory'] };
      const result = parent ? await dialog.showSaveDialog(parent, request) : await dialog.showSaveDialog(request);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
