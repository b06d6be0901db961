import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { appIconPath } from '../../io/resources.ts';
import { rendererEntryUrl, type RendererLocation } from './renderer-location.ts';

/**
 * The renderer gets no Node, runs in Chromium's sandbox, and sees the main side only through
 * the preload's contextBridge API. Every flag is spelled out (even the defaults) so a reader —
 * and the unit test — can check the whole security posture in one object.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function mainWindowOptions(preloadPath: string, iconPath: string = appIconPath()): BrowserWindowConstructorOptions {
  return {
    title: 'CollabSheet',
    // Windows and Linux show it in the title bar and task bar; macOS takes the bundle's icon.
    icon: iconPath,
    width: 1360,
    height: 860,
    minWidth: 800,
    minHeight: 560,
    // Shown on ready-to-show so the user never sees an unstyled white frame.
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** The part of BrowserWindow this module drives (narrow, so tests can hand in a fake). */
export interface LoadableWindow {
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  loadURL(url: string): Promise<void>;
}

/**
 * Creates the main window and starts loading our renderer into it. The window is returned at
 * once (so a second launch can focus it while it loads); `loaded` settles when the page has.
 */
export function openMainWindow<W extends LoadableWindow>(
  createWindow: (options: BrowserWindowConstructorOptions) => W,
  preloadPath: string,
  renderer: RendererLocation,
): { window: W; loaded: Promise<void> } {
  const window = createWindow(mainWindowOptions(preloadPath));
  window.once('ready-to-show', () => window.show());
  return { window, loaded: window.loadURL(rendererEntryUrl(renderer)) };
}
