/**
 * What the browser page's file browser shows (issue 16 item 6): one folder of this machine,
 * folders first then files, each by name with its size and modified time. The desktop app has
 * native dialogs instead; this exists because a page cannot list the disk by itself. Bounded:
 * a folder of a million files answers the first MAX_ENTRIES (in order) and how many more there are.
 */
import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { filePathSchema } from '../../service/file-path.ts';
import type { FolderEntry, FolderListing } from './folder-types.ts';

export const MAX_ENTRIES = 2000;
/** Names read before sorting: a huge folder is cut while reading, not after holding it all. */
const MAX_READ = 20_000;

export const folderRequestSchema = z.strictObject({
  path: filePathSchema.refine((p) => !p.includes('\0'), { error: 'a path cannot hold a NUL character' }),
  hidden: z.boolean().optional(),
});
export type FolderRequest = z.infer<typeof folderRequestSchema>;

/** A folder that cannot be listed, in words for the user. */
export class FolderError extends Error {
  override name = 'FolderError';
}

export async function listFolder({ path, hidden = false }: FolderRequest, limit = MAX_ENTRIES): Promise<FolderListing> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new FolderError(unreadable(path, error));
  });
  if (!info.isDirectory()) throw new FolderError(`${path} is a file, not a folder: choose the folder it is in`);
  const named: Dirent[] = [];
  let seen = 0;
  try {
    const dir = await opendir(path, { bufferSize: 256 });
    for await (const entry of dir) {
      if (!hidden && entry.name.startsWith('.')) continue;
      seen++;
      if (named.length < MAX_READ) named.push(entry);
    }
  } catch (error) {
    throw new FolderError(unreadable(path, error as NodeJS.ErrnoException));
  }
  const described = await Promise.all(named.map((entry) => describe(path, entry)));
  described.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }) : a.kind === 'folder' ? -1 : 1));
  const up = dirname(path);
  return { path, parent: up === path ? null : up, entries: described.slice(0, limit), more: seen - Math.min(limit, described.length) };
}

/** A link to a folder counts as a folder; a link that leads nowhere is listed as a file of no size. */
async function describe(folder: string, entry: Dirent): Promise<FolderEntry> {
  const info = await stat(join(folder, entry.name)).catch(() => null);
  const kind = info ? (info.isDirectory() ? 'folder' : 'file') : entry.isDirectory() ? 'folder' : 'file';
  return { name: entry.name, kind, size: info && kind === 'file' ? info.size : null, modified: info ? info.mtimeMs : null };
}

function unreadable(path: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `${path} does not exist: go up to a folder that does`;
    case 'EACCES':
    case 'EPERM':
      return `${path} cannot be read: this account has no permission to list it`;
    case 'ENOTDIR':
      return `${path} is not a folder: a part of the path is a file`;
    default:
      return `${path} cannot be listed (${error.code ?? error.message})`;
  }
}
