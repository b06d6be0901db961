/**
 * Paths as commands receive them. A relative path would otherwise resolve against the working
 * directory of whichever process runs the service (the web host's is wherever it was started),
 * so it is taken against the user's documents folder instead — where a desktop app's bare file
 * name goes — and every answer shows the full path that was used. `~/…` is the home folder.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/** ~/Documents when there is one, else the home folder. */
export function documentsFolder(): string {
  const home = homedir();
  const documents = join(home, 'Documents');
  return existsSync(documents) && statSync(documents).isDirectory() ? documents : home;
}

export function resolveUserPath(path: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(documentsFolder(), path);
}

/** A file or folder path in a command's arguments: absolute once parsed. */
export const filePathSchema = z.string().min(1).max(4096).transform(resolveUserPath);

/** The user confirmed replacing what is there; without it an existing target answers WriteExists. */
export const overwriteSchema = z.boolean().optional();
