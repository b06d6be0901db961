/**
 * File > Open recent (issue 16 item 6): the last few files opened, imported or saved, newest
 * first, kept in recent.json beside the recovery folder — in the desktop app that is its
 * settings folder (userData), in the web host its state folder — so every instance shares them.
 * Where files are suggested: the user's documents folder, never the data's own folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.ts';
import type { RecentFile } from '../data-contract.ts';

export const RECENT_LIMIT = 8;
/** Eight paths of at most 4096 characters each fit many times over; a bigger file is not ours to parse. */
const MAX_RECENT_BYTES = 256 * 1024;
const KINDS: ReadonlySet<string> = new Set<RecentFile['kind']>(['project', 'opened', 'import']);

export class RecentFiles {
  /** recent.json beside the recovery folder, or null (no recovery folder: tests, the CLI): nothing is kept. */
  private readonly file: string | null;

  constructor(recoveryDir: string | undefined) {
    this.file = recoveryDir ? join(dirname(recoveryDir), 'recent.json') : null;
  }

  /**
   * Newest first; each says whether the file is still there (the menu greys out the others).
   * Read synchronously (a small file and a few stats, in the worker thread): while a Solve runs
   * the worker gives the event loop one turn between batches, and each awaited file operation
   * took a turn of its own, so opening the File menu waited ~200 ms for its list (issue 16 item 5).
   */
  async list(): Promise<RecentFile[]> {
    return this.read().map((e) => ({ ...e, found: statSync(e.path, { throwIfNoEntry: false })?.isFile() ?? false }));
  }

  /** The file goes to the top (once). A failed write loses a menu entry, never the command that opened the file. */
  async add(path: string, kind: RecentFile['kind']): Promise<void> {
    if (!this.file) return;
    const rest = this.read().filter((e) => e.path !== path);
    const entries = [{ path, kind }, ...rest].slice(0, RECENT_LIMIT);
    const bytes = new TextEncoder().encode(JSON.stringify(entries, null, 1));
    await mkdir(dirname(this.file), { recursive: true })
      .then(() => writeFileAtomic(this.file!, [bytes], { overwrite: true }))
      .catch(() => undefined);
  }

  /** What recent.json holds that looks like an entry; a missing, damaged or foreign file is an empty list. */
  private read(): Omit<RecentFile, 'found'>[] {
    if (!this.file) return [];
    try {
      if (statSync(this.file).size > MAX_RECENT_BYTES) return [];
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (!Array.isArray(parsed)) return [];
      return parsed
        .filter((e): e is Omit<RecentFile, 'found'> => typeof e?.path === 'string' && e.path.length <= 4096 && KINDS.has(e?.kind))
        .map((e) => ({ path: e.path, kind: e.kind }))
        .slice(0, RECENT_LIMIT);
    } catch {
      return [];
    }
  }
}

/** The folder save and export dialogs start in: XDG's documents folder, ~/Documents, or home. */
export function documentsFolder(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const xdg = env['XDG_DOCUMENTS_DIR'];
  for (const candidate of [xdg, join(home, 'Documents')]) {
    if (candidate && existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  }
  return home;
}
