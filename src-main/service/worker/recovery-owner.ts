/**
 * Who owns a folder of autosaves: every instance of the app autosaves into its own subfolder of
 * the shared recovery folder, with an owner file naming its process (pid, the process's start
 * time where the system tells it, the host). Another instance offers or deletes those autosaves
 * only once that process is gone — a running instance's work is never offered elsewhere nor
 * deleted from under it — and the first instance to offer a dead one's work claims it, so two
 * instances started after a crash do not both offer (and race over) the same files.
 */
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const OWNER_FILE = 'owner.json';

export interface Owner {
  pid: number;
  /** The process's start time as the system counts it (Linux: /proc/<pid>/stat field 22), or null where unknown: tells a reused pid apart. */
  started: string | null;
  host: string;
}

/** This process, as an owner file names it. */
export function thisProcess(): Owner {
  return { pid: process.pid, started: startTimeOf(process.pid), host: hostname() };
}

export function sameOwner(a: Owner, b: Owner): boolean {
  return a.pid === b.pid && a.started === b.started && a.host === b.host;
}

/**
 * Whether the owner may still be running. On another host (a shared home folder) we cannot
 * tell, so it counts as running: its files are never touched from here.
 */
export function isRunning(owner: Owner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  const started = startTimeOf(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

/** The folder's owner, or null when there is none (a folder from before owners, or a damaged file: no one claims it). */
export async function readOwner(folder: string): Promise<Owner | null> {
  try {
    const o = JSON.parse(await readFile(join(folder, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (!Number.isSafeInteger(o.pid) || typeof o.host !== 'string') return null;
    return { pid: o.pid!, started: typeof o.started === 'string' ? o.started : null, host: o.host };
  } catch {
    return null;
  }
}

/** Writes (or takes over) the folder's owner file, atomically: a reader sees the old owner or the new one. */
export async function writeOwner(folder: string, owner: Owner): Promise<void> {
  const temp = join(folder, `.${OWNER_FILE}.${process.pid}.tmp`);
  await writeFile(temp, JSON.stringify(owner));
  await rename(temp, join(folder, OWNER_FILE));
}

function startTimeOf(pid: number): string | null {
  try {
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
