/**
 * The IPC channel names and the API the preload exposes. This file imports nothing at run time,
 * so both the preload bundle and the main process can share it, and the renderer can
 * `import type { CollabsheetBridge }` from it.
 */
import type { EventMessage, RecentFile, ReplyMessage } from '../../service/contract.ts';

/** ipcRenderer.invoke → one service request `{ id, command, args }` → its Reply. */
export const CALL_CHANNEL = 'collabsheet:call';
/** webContents.send → every service event `{ event, payload }`. */
export const EVENT_CHANNEL = 'collabsheet:event';
/** ipcRenderer.invoke → one native file action (dialog, then the service command) → its Reply, or null if cancelled. */
export const FILE_ACTION_CHANNEL = 'collabsheet:file-action';

/**
 * webContents.send → a native menu item that the page runs as its own File menu item (a
 * MenuCommand): whatever may replace the open sheet asks "Save changes?" there first, one code
 * path for both menus.
 */
export const MENU_CHANNEL = 'collabsheet:menu';

/** The global name under which the preload exposes the bridge: `window.collabsheetBridge`. */
export const BRIDGE_GLOBAL = 'collabsheetBridge';

export type FileActionName = 'open-project' | 'save-project' | 'export' | 'import-ratings' | 'export-xlsx';

/** The page's File menu items the native menu runs (src-renderer/data/file-menu.ts). */
export type PageMenuItem = 'new' | 'demo' | 'import' | 'synthetic' | 'open' | 'save' | 'save-as' | 'export-xlsx';
export type MenuCommand = { item: PageMenuItem } | { item: 'recent'; file: RecentFile };

export interface CollabsheetBridge {
  /** Sends one command to the service; resolves with its reply (ok or not), never rejects for a service error. */
  call(command: string, args?: unknown): Promise<ReplyMessage>;
  /**
   * Shows the native dialog for `action`, then runs the matching service command with the chosen
   * path, plus `args` (e.g. the export dialog's formats) — validated by the command's schema.
   */
  fileAction(action: FileActionName, args?: Record<string, unknown>): Promise<ReplyMessage | null>;
  /** Receives every service event; returns the function that stops it. */
  onEvent(listener: (event: EventMessage) => void): () => void;
  /** Receives the native menu's page items; returns the function that stops it. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}
