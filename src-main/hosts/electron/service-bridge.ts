import type { EventMessage } from '../../service/contract.ts';
import type { ServiceEndpoint } from '../../service/endpoint.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts';
import { isRendererUrl, type RendererLocation } from './renderer-location.ts';

/** The part of an IPC event used to decide whether the caller is our renderer. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface EventTarget {
  isDestroyed(): boolean;
  readonly webContents: { send(channel: string, message: EventMessage): void };
}

/**
 * Only the top frame of our own renderer may reach the service. A frame that navigated away,
 * an iframe, or any other page gets a refusal before its payload is even looked at.
 */
export function isTrustedSender(event: InvokeEventLike, renderer: RendererLocation): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isRendererUrl(renderer, frame.url);
}

/** Wraps a handler so untrusted senders are refused (the renderer's invoke rejects). */
export function trustedOnly<A extends unknown[], R>(
  renderer: RendererLocation,
  channel: string,
  handler: (...args: A) => Promise<R>,
): (event: InvokeEventLike, ...args: A) => Promise<R> {
  return async (event, ...args) => {
    if (!isTrustedSender(event, renderer)) {
      throw new Error(`${channel}: refused, the sender is not the CollabSheet renderer`);
    }
    return handler(...args);
  };
}

/**
 * Carries the service over Electron IPC: requests go to the endpoint (which validates them),
 * events go to every open window. Returns the function that disconnects both directions.
 */
export function connectServiceBridge(options: {
  ipcMain: IpcMainLike;
  endpoint: ServiceEndpoint;
  renderer: RendererLocation;
  windows: () => readonly EventTarget[];
}): () => void {
  const { ipcMain, endpoint, renderer, windows } = options;
  ipcMain.handle(CALL_CHANNEL, trustedOnly(renderer, CALL_CHANNEL, (message: unknown) => endpoint.handle(message)));
  const unsubscribe = endpoint.subscribe((event) => {
    for (const window of windows()) {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(CALL_CHANNEL);
  };
}
