import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  // Issue 13 item 8: an app icon in resources/, used by the window and electron-builder.
  it('carries the app icon, a 512 × 512 PNG in resources/ that electron-builder packages too', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
    const icon = mainWindowOptions('/app/out/preload/index.cjs').icon;
    expect(icon).toBe(join(root, 'resources', 'icon.png'));
    const png = readFileSync(icon as string);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, right after the signature and the chunk header.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(readFileSync(join(root, 'electron-builder.yml'), 'utf8')).toMatch(/^icon: resources\/icon\.png$/m);
    expect(mainWindowOptions('/p', '/elsewhere/icon.png').icon).toBe('/elsewhere/icon.png');
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
