import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createBridge, type IpcRendererLike } from './bridge.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, FILE_ACTION_CHANNEL, MENU_CHANNEL } from './channels.ts';

class FakeIpcRenderer extends EventEmitter implements IpcRendererLike {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return { id: 0, ok: true, value: null };
  }
}

describe('preload bridge', () => {
  it('numbers requests and sends them on the call channel', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    await bridge.call('setRating', { row: 0, col: 0, rating: 3 });
    await bridge.call('undo');
    expect(ipc.invoked).toEqual([
      { channel: CALL_CHANNEL, args: [{ id: 1, command: 'setRating', args: { row: 0, col: 0, rating: 3 } }] },
      { channel: CALL_CHANNEL, args: [{ id: 2, command: 'undo', args: {} }] },
    ]);
  });

  it('sends file actions on their own channel', async () => {
    const ipc = new FakeIpcRenderer();
    await createBridge(ipc).fileAction('open-project');
    await createBridge(ipc).fileAction('export', { formats: ['csv'] });
    expect(ipc.invoked).toEqual([
      { channel: FILE_ACTION_CHANNEL, args: ['open-project', {}] },
      { channel: FILE_ACTION_CHANNEL, args: ['export', { formats: ['csv'] }] },
    ]);
  });

  it('hands listeners the message only, never the IPC event, and unsubscribes', () => {
    const ipc = new FakeIpcRenderer();
    const received: unknown[][] = [];
    const unsubscribe = createBridge(ipc).onEvent((...args) => received.push(args));
    const message = { event: 'message', payload: { level: 'info', text: 'hi' } };
    ipc.emit(EVENT_CHANNEL, { sender: 'ipcRenderer itself' }, message);
    unsubscribe();
    ipc.emit(EVENT_CHANNEL, {}, message);
    expect(received).toEqual([[message]]);
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  it('hands the native menu\'s items to the page on their own channel, the IPC event kept back', () => {
    const ipc = new FakeIpcRenderer();
    const received: unknown[][] = [];
    const unsubscribe = createBridge(ipc).onMenuCommand((...args) => received.push(args));
    ipc.emit(EVENT_CHANNEL, {}, { event: 'message', payload: { level: 'info', text: 'not a menu item' } });
    ipc.emit(MENU_CHANNEL, { sender: 'ipcRenderer itself' }, { item: 'new' });
    unsubscribe();
    ipc.emit(MENU_CHANNEL, {}, { item: 'demo' });
    expect(received).toEqual([[{ item: 'new' }]]);
    expect(ipc.listenerCount(MENU_CHANNEL)).toBe(0);
  });
});
