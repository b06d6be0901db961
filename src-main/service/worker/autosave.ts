/**
 * Autosave and crash recovery. After a change the state is written to the recovery folder (a
 * minute later, or at once when a Solve ends), atomically, as a full project; a clean save makes
 * those copies moot and removes them, and so does an exit with nothing unsaved. Whatever is left
 * in the folder at the next start is work that was never saved (a crash, or an exit without
 * saving): it is offered for restoring.
 */
import { randomUUID } from 'node:crypto';
import { basename, resolve, sep } from 'node:path';
import { discardAutosave, findRecoverable, PROJECT_EXTENSION } from '../../io/project.ts';
import type { RecoveryOffer } from '../data-contract.ts';
import { UserError } from '../user-error.ts';
import type { ServiceOptions, SheetHost } from './open-sheet.ts';

const DEFAULT_AUTOSAVE_MS = 60_000;

export class Autosaver {
  /** Names this session's untitled autosave (projects are named by their path); a restarted worker keeps its predecessor's. */
  readonly sessionId: string;
  private readonly dir: string | null;
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
    if (!this.dir || !sheet.unsaved) return;
    const path = await app.data.saveProject({
      target: { kind: 'autosave', recoveryDir: this.dir, projectPath: sheet.path, sessionId: this.sessionId },
      meta: { history: sheet.history, settings: sheet.settings },
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
  }

  async offers(): Promise<RecoveryOffer[]> {
    if (!this.dir) return [];
    const found = await findRecoverable(this.dir);
    return found
      .filter((f) => !this.written.has(f.path))
      .map((f) => ({ path: f.path, projectPath: f.autosaveOf, name: f.name, savedAt: f.savedAt }));
  }

  /** Only files in the recovery folder that look like autosaves may be opened or removed through it. */
  checkOffered(path: string): string {
    const full = resolve(path);
    if (!this.dir || !full.startsWith(this.dir + sep) || !full.endsWith(PROJECT_EXTENSION)) {
      throw new UserError(`${path} is not an autosave in the recovery folder`);
    }
    return full;
  }

  async discard(path: string): Promise<void> {
    await discardAutosave(this.checkOffered(path));
  }

  /** A clean exit: nothing unsaved means nothing to recover; unsaved work is kept for the next start. */
  async dispose(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dir) return;
    if (this.app.openSheet.unsaved) await this.saveNow();
    else await this.discardOwn();
  }

  /** Something changed: save it soon (a burst of edits or epochs saves once). */
  schedule(): void {
    if (!this.dir || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.saveNow();
    }, this.delayMs);
    this.timer.unref();
  }
}
