/**
 * The file browser's logic without the DOM (issue 16 item 6): a path's breadcrumbs, a child's
 * path, which entries an action shows, and where the dialog starts. Paths are the host's (POSIX
 * or Windows), as folder-listing.ts answers them.
 */
import type { FolderEntry } from '../../src-main/hosts/web/folder-types.ts';

export interface Crumb {
  label: string;
  path: string;
}

const windowsRoot = /^([A-Za-z]:)[\\/]?/;

/** "/home/me/data" → /, home, me, data; "C:\Users\me" → C:\, Users, me. Each crumb's path is a folder to list. */
export function breadcrumbs(path: string): Crumb[] {
  const drive = windowsRoot.exec(path);
  const sep = drive || path.includes('\\') ? '\\' : '/';
  const root = drive ? `${drive[1]}\\` : '/';
  const parts = path.slice(drive ? drive[0].length : 1).split(/[\\/]/).filter(Boolean);
  const crumbs: Crumb[] = [{ label: root, path: root }];
  let at = root;
  for (const part of parts) {
    at = at.endsWith(sep) ? `${at}${part}` : `${at}${sep}${part}`;
    crumbs.push({ label: part, path: at });
  }
  return crumbs;
}

export function childPath(folder: string, name: string): string {
  const sep = windowsRoot.test(folder) || folder.includes('\\') ? '\\' : '/';
  return folder.endsWith(sep) ? `${folder}${name}` : `${folder}${sep}${name}`;
}

/** The folder part and the name part of a suggested file path ("/home/me/Documents/sheet.xlsx"). */
export function splitPath(path: string): { folder: string; name: string } {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return { folder: '', name: path };
  const folder = path.slice(0, cut) || path.slice(0, 1);
  return { folder: /^[A-Za-z]:$/.test(folder) ? `${folder}\\` : folder, name: path.slice(cut + 1) };
}

/**
 * A typed full path goes straight to the command, which refuses anything else in words
 * (src-main/service/file-path.ts holds the rule; the renderer cannot import it at run time).
 */
export function isFullPath(text: string): boolean {
  return text.startsWith('/') || /^[A-Za-z]:[\\/]/.test(text) || text.startsWith('\\\\');
}

/** Folders always; files only of the kinds the action takes (none listed: every file). */
export function shownEntries(entries: FolderEntry[], extensions: readonly string[]): FolderEntry[] {
  if (!extensions.length) return entries;
  const wanted = extensions.map((e) => e.toLowerCase());
  return entries.filter((e) => e.kind === 'folder' || wanted.some((x) => e.name.toLowerCase().endsWith(x)));
}

/** A save's name with the action's extension when it has none of them ("sheet" → "sheet.xlsx"). */
export function withExtension(name: string, extensions: readonly string[]): string {
  if (!extensions.length || extensions.some((x) => name.toLowerCase().endsWith(x.toLowerCase()))) return name;
  return `${name}${extensions[0]}`;
}

/** The selection after an arrow key, Home or End, over `count` rows (-1: nothing selected). */
export function movedSelection(key: string, selected: number, count: number): number {
  if (count === 0) return -1;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, selected + 1);
    case 'ArrowUp':
      return Math.max(0, selected - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return Math.min(count - 1, Math.max(0, selected) + 10);
    case 'PageUp':
      return Math.max(0, selected - 10);
    default:
      return selected;
  }
}
