import type { EventMessage, ReplyMessage } from '../../service/contract.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, FILE_ACTION_CHANNEL, MENU_CHANNEL, type CollabsheetBridge, type MenuCommand } from './channels.ts';

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

/**
 * The renderer's whole view of the main side. Deliberately thin: it numbers requests and moves
 * messages; the main side validates them. The IPC event object is never handed to the page
 * (it would expose `sender`, i.e. ipcRenderer itself).
 */
export function createBridge(ipcRenderer: IpcRendererLike): CollabsheetBridge {
  let nextId = 1;
  const listen = <M>(channel: string, listener: (message: M) => void): (() => void) => {
    const forward = (_event: unknown, message: unknown): void => listener(message as M);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  };
  return {
    call: (command, args) =>
      ipcRenderer.invoke(CALL_CHANNEL, { id: nextId++, command, args: args ?? {} }) as Promise<ReplyMessage>,
    fileAction: (action, args) => ipcRenderer.invoke(FILE_ACTION_CHANNEL, action, args ?? {}) as Promise<ReplyMessage | null>,
    onEvent: (listener) => listen<EventMessage>(EVENT_CHANNEL, listener),
    onMenuCommand: (listener) => listen<MenuCommand>(MENU_CHANNEL, listener),
  };
}
