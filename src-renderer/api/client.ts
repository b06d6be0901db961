/**
 * The renderer's typed door to the service. It speaks the contract's wire format over whichever
 * transport the page has: the Electron preload's bridge when present, else a WebSocket back to
 * the web host that served the page. Only types come from src-main.
 */
import type {
  CommandArgs,
  CommandName,
  CommandResults,
  EventMessage,
  ReplyMessage,
} from '../../src-main/service/contract.ts';

/** Native file dialogs the desktop host runs before a command (see hosts/electron/file-actions.ts). */
export type FileAction = 'open-project' | 'save-project' | 'export' | 'import-ratings' | 'export-xlsx';

/** What the Electron preload exposes as window.collabsheetBridge (see hosts/electron/channels.ts). */
export interface Bridge {
  call(command: string, args: unknown): Promise<ReplyMessage>;
  fileAction?(action: FileAction, args?: Record<string, unknown>): Promise<ReplyMessage | null>;
  onEvent(listener: (e: EventMessage) => void): () => void;
  /** The native menu's File items, unchecked (data/native-menu.ts checks them). */
  onMenuCommand?(listener: (message: unknown) => void): () => void;
}

/** A command the service refused: the message is meant for the user. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/**
 * Runs `task`; a refusal by the service goes to `onRefusal` (to be shown) and yields null. Any
 * other error is a bug of ours and propagates.
 */
export async function unlessRefused<T>(task: () => Promise<T>, onRefusal: (message: string) => void): Promise<T | null> {
  try {
    return await task();
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    onRefusal(error.message);
    return null;
  }
}

export interface ApiClient {
  call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResults[C]>;
  onEvent(listener: (e: EventMessage) => void): () => void;
  /**
   * Electron only: a native dialog chooses the path, then the action's service command runs with
   * it and `args`. Resolves with the command's result, or null when the user cancelled.
   */
  fileAction?(action: FileAction, args?: Record<string, unknown>): Promise<unknown>;
  /** Electron only: the native File menu's items for the page to run (data/native-menu.ts). */
  onMenuCommand?(listener: (message: unknown) => void): () => void;
}

export function clientFromBridge(bridge: Bridge): ApiClient {
  return {
    async call(command, args) {
      return unwrap(await bridge.call(command, args));
    },
    onEvent: (listener) => bridge.onEvent(listener),
    onMenuCommand: bridge.onMenuCommand && ((listener) => bridge.onMenuCommand!(listener)),
    fileAction: bridge.fileAction && (async (action, args) => {
      const reply = await bridge.fileAction!(action, args);
      return reply === null ? null : unwrap(reply);
    }),
  };
}

/** Connects to the web host's socket; resolves once it is open. */
export function connectWebSocket(url: string, onClose: (why: string) => void): Promise<ApiClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const pending = new Map<number, (reply: ReplyMessage) => void>();
    const listeners = new Set<(e: EventMessage) => void>();
    let nextId = 1;
    socket.addEventListener('message', (e) => {
      const message = JSON.parse(String(e.data)) as ReplyMessage | EventMessage;
      if ('event' in message) {
        listeners.forEach((l) => l(message));
        return;
      }
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    });
    socket.addEventListener('close', () => {
      for (const settle of pending.values()) settle({ id: -1, ok: false, error: 'The connection to CollabSheet was lost' });
      pending.clear();
      onClose('The connection to CollabSheet was lost — reload the page once the host runs again.');
    });
    socket.addEventListener('error', () => reject(new Error('Cannot connect to the CollabSheet host')), { once: true });
    socket.addEventListener('open', () =>
      resolve({
        call(command, args) {
          const id = nextId++;
          return new Promise((settle, fail) => {
            pending.set(id, (reply) => {
              try {
                settle(unwrap(reply));
              } catch (error) {
                fail(error);
              }
            });
            socket.send(JSON.stringify({ id, command, args }));
          });
        },
        onEvent(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      }),
    );
  });
}

/** The Electron bridge if the preload installed one, else the web host's socket. */
export async function connect(onClose: (why: string) => void): Promise<ApiClient> {
  const bridge = (window as unknown as { collabsheetBridge?: Bridge }).collabsheetBridge;
  if (bridge) return clientFromBridge(bridge);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return connectWebSocket(`${scheme}://${location.host}/socket?token=${encodeURIComponent(token)}`, onClose);
}

function unwrap<T>(reply: ReplyMessage): T {
  if (!reply.ok) throw new CommandError(reply.error);
  return reply.value as T;
}
