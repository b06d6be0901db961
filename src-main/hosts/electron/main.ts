/**
 * Electron's entry point (built to out/main/index.js). It only gathers what the desktop host
 * needs — the real `electron` module, the paths of the built preload and renderer, the service
 * root — and hands them to startDesktopHost, which tests drive with a fake Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServiceRoot } from '../common/service-root.ts';
import { startDesktopHost } from './desktop-host.ts';
import { resolveRendererLocation } from './renderer-location.ts';

const builtFile = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

startDesktopHost(
  { app, BrowserWindow, dialog, ipcMain, Menu, session },
  {
    renderer: resolveRendererLocation({
      indexHtmlPath: builtFile('../renderer/index.html'),
      devServerUrl: process.env['ELECTRON_RENDERER_URL'],
      isPackaged: app.isPackaged,
    }),
    preloadPath: builtFile('../preload/index.cjs'),
    platform: process.platform,
    createServiceRoot: () => createServiceRoot({ service: { recoveryDir: join(app.getPath('userData'), 'recovery') } }),
  },
).catch((error: unknown) => {
  const detail = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('CollabSheet could not start', detail);
  console.error(error);
  app.exit(1);
});
