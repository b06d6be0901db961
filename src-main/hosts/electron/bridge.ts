import type { EventMessage, ReplyMessage } from '../../service/contract.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, FILE_ACTION_CHANNEL, type CollabsheetBridge } from './channels.ts';

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
  return {
    call: (command, args) =>
      ipcRenderer.invoke(CALL_CHANNEL, { id: nextId++, command, args: args ?? {} }) as Promise<ReplyMessage>,
    fileAction: (action, args) => ipcRenderer.invoke(FILE_ACTION_CHANNEL, action, args ?? {}) as Promise<ReplyMessage | null>,
    onEvent(listener) {
      const forward = (_event: unknown, message: unknown): void => listener(message as EventMessage);
      ipcRenderer.on(EVENT_CHANNEL, forward);
      return () => {
        ipcRenderer.removeListener(EVENT_CHANNEL, forward);
      };
    },
  };
}
