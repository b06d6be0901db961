import { describe, expect, it } from 'vitest';
import { mainWindowOptions, openMainWindow } from './main-window.ts';
import { resolveRendererLocation } from './renderer-location.ts';
import { FakeWindow } from './testing/fake-electron.ts';

describe('main window', () => {
  it('isolates the renderer: sandbox, context isolation, no Node, web security on', () => {
    const prefs = mainWindowOptions('/app/out/preload/index.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads our renderer and shows the window only when it is ready', async () => {
    const renderer = resolveRendererLocation({ indexHtmlPath: '/app/out/renderer/index.html', devServerUrl: undefined, isPackaged: true });
    const { window, loaded } = openMainWindow((o) => new FakeWindow(o), '/app/out/preload/index.cjs', renderer);
    await loaded;
    expect(window.loadedUrl).toBe('file:///app/out/renderer/index.html');
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });
});
