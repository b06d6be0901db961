import type { BaseWindow, Dialog, OpenDialogOptions } from 'electron';
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
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
