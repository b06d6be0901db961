/**
 * Autosave and crash recovery. After a change the state is written to the recovery folder (a
 * minute later, or at once when a Solve ends), atomically, as a full project; a clean save makes
 * those copies moot and removes them, and so does an exit with nothing unsaved. Whatever is left
 * in the folder at the next start is work that was never saved (a crash, or an exit without
 * saving): it is offered for restoring.
 *
 * Each instance writes into its own subfolder with an owner file (recovery-owner.ts), so the
 * copies of a running instance are never offered elsewhere nor deleted from under it; what a
 * dead instance left is offered by the next instance that looks, which claims it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { discardAutosave, findRecoverable, PROJECT_EXTENSION, type RecoveryEntry } from '../../io/project.ts';
import type { RecoveryOffer } from '../data-contract.ts';
import { UserError } from '../user-error.ts';
import type { ServiceOptions, SheetHost } from './open-sheet.ts';
import { isRunning, OWNER_FILE, readOwner, sameOwner, thisProcess, writeOwner, type Owner } from './recovery-owner.ts';

const DEFAULT_AUTOSAVE_MS = 60_000;

export class Autosaver {
  /** Names this session's untitled autosave (projects are named by their path); a restarted worker keeps its predecessor's. */
  readonly sessionId: string;
  /** The shared recovery folder, and this instance's own subfolder in it. */
  private readonly dir: string | null;
  private readonly own: string | null;
  private readonly owner: Owner = thisProcess();
  /** Folders of dead instances this one has offered: ours to restore or discard now. */
  private readonly claimed = new Set<string>();
  private ownerWritten = false;
  private readonly delayMs: number;
  private timer: NodeJS.Timeout | null = null;
  /** Autosave files this session wrote: ours, never offered back to us. */
  private readonly written = new Set<string>();

  constructor(
    private readonly app: SheetHost,
    options: Pick<ServiceOptions, 'recoveryDir' | 'autosaveMs'>,
    sessionId: string = randomUUID().slice(0, 8),
  ) {
    this.sessionId = sessionId;
    this.dir = options.recoveryDir ? resolve(options.recoveryDir) : null;
    // Named by the session id, which a restarted worker keeps: its predecessor's folder is its own.
    this.own = this.dir && join(this.dir, `instance-${sessionId}`);
    this.delayMs = options.autosaveMs ?? DEFAULT_AUTOSAVE_MS;
  }

  /** Writes the open sheet if it has unsaved changes, in the command queue (so never half an edit). */
  async saveNow(): Promise<void> {
    if (!this.dir || !this.app.openSheet.unsaved || this.app.isTraining) return;
    await this.app.exclusive(() => this.write()).catch(() => undefined); // Training started meanwhile: its end saves again.
  }

  /** Writes the open sheet's autosave now; only from within the app's command queue. */
  async write(): Promise<void> {
    const { app } = this;
    const sheet = app.openSheet;
    if (!this.own || !sheet.unsaved) return;
    if (!this.ownerWritten) {
      await mkdir(this.own, { recursive: true });
      await writeOwner(this.own, this.owner); // before the first copy: no moment where it looks ownerless
      this.ownerWritten = true;
    }
    const path = await app.data.saveProject({
      target: { kind: 'autosave', recoveryDir: this.own, projectPath: sheet.path, sessionId: this.sessionId },
      meta: { history: sheet.history, settings: sheet.settings, runs: sheet.runs },
    });
    this.written.add(path);
    const name = sheet.path ? basename(sheet.path) : app.session.current().sheet.name;
    app.checkpoint({ kind: 'project', path, projectPath: sheet.path, unsaved: true, label: `the autosave of ${name} (${new Date().toLocaleTimeString()})` });
  }

  /** A restarted worker opened its predecessor's autosave: it is ours now (discarded on a clean save, never offered back). */
  adopt(path: string): void {
    this.written.add(path);
  }

  /** The explicit save is the truth now: this session's autosaves are moot. */
  async discardOwn(): Promise<void> {
    for (const path of this.written) await discardAutosave(path);
    this.written.clear();
    if (this.own) await removeIfEmpty(this.own);
    this.ownerWritten = false;
  }

  /**
   * Autosaves of instances no longer running (and loose ones from before owner files), newest
   * first; a dead instance's folder is claimed on the way, so an instance started later leaves
   * it to this one while it runs.
   */
  async offers(): Promise<RecoveryOffer[]> {
    if (!this.dir) return [];
    const found: RecoveryEntry[] = await findRecoverable(this.dir);
    for (const folder of await this.instanceFolders()) {
      if (folder === this.own || !(await this.mayOffer(folder))) continue;
      const inside = await findRecoverable(folder);
      if (inside.length === 0) continue;
      await writeOwner(folder, this.owner);
      this.claimed.add(folder);
      found.push(...inside);
    }
    return found
      .filter((f) => !this.written.has(f.path))
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt))
      .map((f) => ({ path: f.path, projectPath: f.autosaveOf, name: f.name, savedAt: f.savedAt }));
  }

  /** Ours already (claimed), or its owner has stopped. */
  private async mayOffer(folder: string): Promise<boolean> {
    if (this.claimed.has(folder)) return true;
    const owner = await readOwner(folder);
    return owner === null ? true : !sameOwner(owner, this.owner) && !isRunning(owner);
  }

  private async instanceFolders(): Promise<string[]> {
    const entries = await readdir(this.dir!, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && e.name.startsWith('instance-')).map((e) => join(this.dir!, e.name));
  }

  /** Only files in the recovery folder that look like autosaves may be opened or removed through it. */
  checkOffered(path: string): string {
    const full = resolve(path);
    if (!this.dir || !full.startsWith(this.dir + sep) || !full.endsWith(PROJECT_EXTENSION)) {
      throw new UserError(`${path} is not an autosave in the recovery folder`);
    }
    return full;
  }

  /** Deletes an offered copy; a running instance's (not offered here) is refused, never deleted. */
  async discard(path: string): Promise<void> {
    const full = this.checkOffered(path);
    if (!(await this.offers()).some((o) => o.path === full)) {
      const folder = dirname(full);
      if (folder === this.own) throw new UserError(`${path} is this window's own autosave: it goes when you save`);
      if (folder !== this.dir) throw new UserError(`${path} belongs to another CollabSheet that is still running: it was left as it is (that window saves or discards it)`);
      throw new UserError(`${path} is no longer there to discard`);
    }
    await discardAutosave(full);
    if (dirname(full) !== this.dir) await removeIfEmpty(dirname(full));
  }

  /** A clean exit: nothing unsaved means nothing to recover; unsaved work is kept for the next start. */
  async dispose(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.own) return;
    if (this.app.openSheet.unsaved) await this.saveNow();
    else await this.discardOwn();
  }

  /** Something changed: save it soon (a burst of edits or epochs saves once). */
  schedule(): void {
    if (!this.own || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.saveNow();
    }, this.delayMs);
    this.timer.unref();
  }
}

/** An instance folder with no autosave left goes, owner file and all. */
async function removeIfEmpty(folder: string): Promise<void> {
  const names = await readdir(folder).catch(() => null);
  if (names && names.every((n) => n === OWNER_FILE || n.startsWith('.'))) await rm(folder, { recursive: true, force: true });
}
