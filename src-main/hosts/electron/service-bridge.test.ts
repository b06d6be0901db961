import { describe, expect, it } from 'vitest';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts';
import { resolveRendererLocation } from './renderer-location.ts';
import { connectServiceBridge } from './service-bridge.ts';
import { createEchoServiceRoot } from './testing/echo-service.ts';
import { FakeIpcMain, FakeWindow, topFrame } from './testing/fake-electron.ts';

const INDEX = 'file:///app/out/renderer/index.html';
const renderer = resolveRendererLocation({ indexHtmlPath: '/app/out/renderer/index.html', devServerUrl: undefined, isPackaged: true });

function setup() {
  const ipcMain = new FakeIpcMain();
  const root = createEchoServiceRoot();
  const windows = [new FakeWindow({}), new FakeWindow({})];
  const disconnect = connectServiceBridge({ ipcMain, endpoint: root.endpoint, renderer, windows: () => windows });
  return { ipcMain, root, windows, disconnect };
}

describe('service bridge over IPC', () => {
  it('passes a well-formed request from our renderer to the service and returns its reply', async () => {
    const { ipcMain, root } = setup();
    const reply = await ipcMain.invoke(CALL_CHANNEL, topFrame(INDEX), { id: 7, command: 'setRating', args: { row: 1, col: 2, rating: 4.5 } });
    expect(reply).toEqual({ id: 7, ok: true, value: { command: 'setRating', args: { row: 1, col: 2, rating: 4.5 } } });
    expect(root.calls).toHaveLength(1);
  });

  it.each([
    ['not an object', 'setRating'],
    ['no id', { command: 'undo', args: {} }],
    ['a string id', { id: '1', command: 'undo', args: {} }],
    ['an unknown command', { id: 1, command: 'formatDisk', args: {} }],
    ['arguments of the wrong type', { id: 1, command: 'setRating', args: { row: 'a', col: 0, rating: 3 } }],
    ['extra arguments', { id: 1, command: 'undo', args: { evil: true } }],
    ['a negative row', { id: 1, command: 'clearRating', args: { row: -1, col: 0 } }],
  ])('rejects a malformed payload (%s) without reaching the service', async (_name, message) => {
    const { ipcMain, root } = setup();
    const reply = (await ipcMain.invoke(CALL_CHANNEL, topFrame(INDEX), message)) as { ok: boolean; error: string };
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/^(Malformed request|Unknown command|(setRating|undo|clearRating): )/);
    expect(root.calls).toHaveLength(0);
  });

  it.each([
    ['another page', topFrame('https://example.com/')],
    ['another local file', topFrame('file:///tmp/index.html')],
    ['an iframe inside our page', { url: INDEX, parent: topFrame(INDEX) }],
    ['a frame that is gone', null],
  ])('refuses a call from %s', async (_name, frame) => {
    const { ipcMain, root } = setup();
    await expect(ipcMain.invoke(CALL_CHANNEL, frame, { id: 1, command: 'undo', args: {} })).rejects.toThrow(/refused/);
    expect(root.calls).toHaveLength(0);
  });

  it('forwards every service event to every live window', () => {
    const { root, windows } = setup();
    windows[1]!.destroyed = true;
    const event = { event: 'message', payload: { level: 'info', text: 'hello' } } as const;
    root.emit(event);
    expect(windows[0]!.webContents.sent).toEqual([{ channel: EVENT_CHANNEL, message: event }]);
    expect(windows[1]!.webContents.sent).toEqual([]);
  });

  it('disconnects both directions', async () => {
    const { ipcMain, root, windows, disconnect } = setup();
    disconnect();
    root.emit({ event: 'message', payload: { level: 'info', text: 'late' } });
    expect(windows[0]!.webContents.sent).toEqual([]);
    expect(ipcMain.handlers.has(CALL_CHANNEL)).toBe(false);
  });
});
