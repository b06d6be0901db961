/**
 * The desktop app's native File menu runs the page's own File menu items (issue 16 item 2): the
 * main process sends which one (hosts/electron/channels.ts, MENU_CHANNEL), and the page runs it
 * exactly as a click on its menu would, "Save changes?" included. What arrives is checked here
 * before anything runs.
 */
import type { MenuCommand, PageMenuItem } from '../../src-main/hosts/electron/channels.ts';
import type { RecentFile } from '../../src-main/service/contract.ts';

const PAGE_ITEMS: readonly PageMenuItem[] = ['new', 'demo', 'import', 'synthetic', 'open', 'save', 'save-as', 'export-xlsx'];
const RECENT_KINDS: readonly RecentFile['kind'][] = ['project', 'opened', 'import'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function recentFileOf(v: unknown): RecentFile | null {
  if (!isRecord(v) || typeof v['path'] !== 'string' || !v['path'] || typeof v['found'] !== 'boolean') return null;
  const kind = RECENT_KINDS.find((k) => k === v['kind']);
  return kind ? { path: v['path'], kind, found: v['found'] } : null;
}

/** The command in a native menu message, or why it is not one. */
export function parseMenuCommand(message: unknown): MenuCommand | string {
  if (!isRecord(message)) return `a native menu message must be an object, not ${JSON.stringify(message)}`;
  const { item } = message;
  if (item === 'recent') {
    const file = recentFileOf(message['file']);
    return file ? { item, file } : `File > Open recent sent no usable file (${JSON.stringify(message['file'])}): it needs a path, a kind (${RECENT_KINDS.join(', ')}) and found`;
  }
  const page = PAGE_ITEMS.find((p) => p === item);
  return page ? { item: page } : `the native menu sent an unknown File item ${JSON.stringify(item)} (known: ${[...PAGE_ITEMS, 'recent'].join(', ')})`;
}
