import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { RecentFile } from '../../service/contract.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, FILE_ACTION_CHANNEL, MENU_CHANNEL } from './channels.ts';
import { startDesktopHost } from './desktop-host.ts';
import { resolveRendererLocation } from './renderer-location.ts';
import { createEchoServiceRoot } from './testing/echo-service.ts';
import { createFakeElectron, topFrame } from './testing/fake-electron.ts';

const INDEX = 'file:///app/out/renderer/index.html';
const settle = () => new Promise((resolve) => setImmediate(resolve));
const fileMenu = (electron: ReturnType<typeof createFakeElectron>) =>
  electron.menuTemplate()!.find((m) => m.label === 'File')!.submenu as MenuItemConstructorOptions[];
const recentMenu = (electron: ReturnType<typeof createFakeElectron>) =>
  fileMenu(electron).find((i) => i.label === 'Open recent')!.submenu as MenuItemConstructorOptions[];

async function start(options: { hasLock?: boolean; recent?: RecentFile[] } = {}) {
  const electron = createFakeElectron();
  electron.app.hasLock = options.hasLock ?? true;
  const root = createEchoServiceRoot();
  root.answers.set('recentFiles', { files: options.recent ?? [], documentsFolder: '/home/fake/Documents' });
  const started = await startDesktopHost(electron.api, {
    renderer: resolveRendererLocation({ indexHtmlPath: '/app/out/renderer/index.html', devServerUrl: undefined, isPackaged: true }),
    preloadPath: '/app/out/preload/index.cjs',
    platform: 'linux',
    createServiceRoot: async () => root,
  });
  return { electron, root, started };
}

describe('desktop host', () => {
  it('hardens the session and installs the menu before the first window exists', async () => {
    const { electron } = await start();
    expect(electron.app.log).toEqual(['ready', 'csp', 'permissions', 'menu', 'window']);
    expect(electron.windows[0]!.loadedUrl).toBe(INDEX);
    expect(electron.windows[0]!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, preload: '/app/out/preload/index.cjs' });
  });

  it('guards the window it creates', async () => {
    const { electron } = await start();
    const contents = electron.windows[0]!.webContents;
    expect(contents.fire('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(electron.responseHeaders(INDEX, {})['responseHeaders']!['Content-Security-Policy']).toBeDefined();
    expect(electron.permissionRequest('media')).toBe(false);
    expect(electron.permissionCheck('geolocation')).toBe(false);
  });

  it('carries requests from the renderer to the service and events back', async () => {
    const { electron, root } = await start();
    const reply = await electron.ipcMain.invoke(CALL_CHANNEL, topFrame(INDEX), { id: 3, command: 'undo', args: {} });
    expect(reply).toEqual({ id: 3, ok: true, value: { command: 'undo', args: {} } });
    root.emit({ event: 'message', payload: { level: 'warning', text: 'diverged' } });
    expect(electron.windows[0]!.webContents.sent.map((s) => s.channel)).toEqual([EVENT_CHANNEL]);
  });

  it('validates file actions from the renderer and refuses them from other pages', async () => {
    const { electron } = await start();
    await expect(electron.ipcMain.invoke(FILE_ACTION_CHANNEL, topFrame(INDEX), 'format-disk')).rejects.toThrow(/unknown file action/);
    await expect(electron.ipcMain.invoke(FILE_ACTION_CHANNEL, topFrame('https://example.com/'), 'export')).rejects.toThrow(/refused/);
    await expect(electron.ipcMain.invoke(FILE_ACTION_CHANNEL, topFrame(INDEX), 'export', 'csv')).rejects.toThrow(/must be an object/);
    electron.dialogAnswers.save = null;
    expect(await electron.ipcMain.invoke(FILE_ACTION_CHANNEL, topFrame(INDEX), 'export')).toBeNull();
  });

  it('runs Undo from the menu as a service command', async () => {
    const { electron, root } = await start();
    const edit = electron.menuTemplate()!.find((m) => m.label === 'Edit')!.submenu as { click?: () => void }[];
    edit[0]!.click!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(root.calls.at(-1)).toEqual({ command: 'undo', args: {} });
  });

  it("hands File > New sheet and Open recent to the page, which asks 'Save changes?' (issue 16 item 2)", async () => {
    const project = { path: '/home/me/work.collabsheet', kind: 'project' as const, found: true };
    const { electron, root } = await start({ recent: [project] });
    (fileMenu(electron).find((i) => i.label === 'New sheet')!.click as () => void)();
    (recentMenu(electron)[0]!.click as () => void)();
    const toPage = electron.windows[0]!.webContents.sent.filter((s) => s.channel === MENU_CHANNEL).map((s) => s.message);
    expect(toPage).toEqual([{ item: 'new' }, { item: 'recent', file: project }]);
    // Nothing ran on the main side: the page runs the item, or keeps the sheet.
    expect(root.calls.map((c) => c.command)).toEqual(['recentFiles']);
  });

  it('rebuilds Open recent when a sheet opens or the project is saved, not on other changes', async () => {
    const { electron, root } = await start();
    expect(recentMenu(electron).map((i) => i.label)).toEqual(['Nothing yet']);
    const opened = { path: '/home/me/u.data', kind: 'opened' as const, found: true };
    root.answers.set('recentFiles', { files: [opened], documentsFolder: '/home/fake/Documents' });
    root.emit({ event: 'changed', payload: { status: 'idle' } });
    await settle();
    expect(recentMenu(electron).map((i) => i.label)).toEqual(['Nothing yet']);
    root.emit({ event: 'state', payload: {} as never });
    await settle();
    expect(recentMenu(electron).map((i) => i.label)).toEqual(['u.data — /home/me/u.data']);
    const saved = { path: '/home/me/work.collabsheet', kind: 'project' as const, found: true };
    root.answers.set('recentFiles', { files: [saved, opened], documentsFolder: '/home/fake/Documents' });
    root.emit({ event: 'changed', payload: { project: { path: saved.path, unsaved: false } } });
    await settle();
    expect(recentMenu(electron).map((i) => i.label)).toEqual(['work.collabsheet — /home/me/work.collabsheet', 'u.data — /home/me/u.data']);
  });

  it('shows a failed menu command in an error box', async () => {
    const { electron, root } = await start();
    root.failures.set('redo', 'Nothing to redo.');
    const edit = electron.menuTemplate()!.find((m) => m.label === 'Edit')!.submenu as { click?: () => void }[];
    edit[1]!.click!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(electron.errorBoxes).toEqual([{ title: 'CollabSheet', content: 'Nothing to redo.' }]);
  });

  it('a second instance quits at once and focuses the first', async () => {
    const { electron, started } = await start({ hasLock: false });
    expect(started).toBe(false);
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.windows).toEqual([]);

    const first = await start();
    first.electron.windows[0]!.minimized = true;
    first.electron.app.emit('second-instance');
    expect(first.electron.windows[0]!.focused).toBe(true);
    expect(first.electron.windows[0]!.minimized).toBe(false);
  });

  it('disposes the service before quitting when the last window closes', async () => {
    const { electron, root } = await start();
    electron.windows[0]!.destroyed = true;
    electron.app.emit('window-all-closed');
    expect(root.disposed).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(electron.app.log.at(-1)).toBe('quit');
  });

  it('reopens a window on activate when none is open', async () => {
    const { electron } = await start();
    electron.windows[0]!.destroyed = true;
    electron.app.emit('activate');
    expect(electron.windows).toHaveLength(2);
  });
});
