/**
 * The one way CollabSheet writes a file (projects, autosaves, workbooks, exports, ratings CSVs).
 *
 * - Only where asked: a symlink, a FIFO, a device, a folder or a read-only file is refused, and
 *   an existing regular file is replaced only with `overwrite` (the user said yes, or the file is
 *   ours, as an autosave is). Refusals are WriteRefusedError, whose message is for the user.
 * - Atomic: the bytes go to a temp file created exclusively in the same folder, are fsynced, and
 *   the temp is renamed over the target (atomic on POSIX and NTFS), then the folder is fsynced so
 *   the rename itself survives power loss. A crash at any instant leaves the old file or the new.
 *   Without `overwrite` the temp is hard-linked into place instead, which fails if a file appeared
 *   meanwhile — no window in which one could be clobbered.
 * - Tidy: temp names are recognisably ours; ones a killed process left behind are removed at the
 *   next write into the same folder.
 */
import { constants, type Stats } from 'node:fs';
import { access, link, lstat, open, readdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

export interface WriteOptions {
  /** Replace an existing regular file: the user confirmed it, or the file is the app's own. */
  overwrite?: boolean;
}

export type WriteRefusal = 'exists' | 'symlink' | 'not-a-file' | 'read-only';

/** A target the writer will not write. `paths`: the targets concerned (several for a folder export). */
export class WriteRefusedError extends Error {
  override name = 'WriteRefusedError';
  constructor(
    readonly reason: WriteRefusal,
    readonly paths: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** Appends bytes to the file being written, in order. */
export type ByteSink = (bytes: Uint8Array) => Promise<void>;

export function writeFileAtomic(path: string, parts: readonly Uint8Array[], options: WriteOptions = {}): Promise<void> {
  return writeAtomic(path, async (write) => {
    for (const part of parts) await write(part);
  }, options);
}

/** Writes what `produce` hands its sink (streamed: a 25M-row CSV is never whole in memory). */
export async function writeAtomic(target: string, produce: (write: ByteSink) => Promise<void>, options: WriteOptions = {}): Promise<void> {
  const path = resolve(target);
  const [existing] = await checkTargets([path], options);
  const dir = dirname(path);
  await removeStaleTemps(dir);
  const temp = join(dir, tempName(basename(path)));
  // New files get the usual permissions (umask); a replacement is private until it has the old one's.
  const fh = await open(temp, 'wx', existing ? 0o600 : 0o666);
  try {
    await produce(async (bytes) => {
      let done = 0;
      while (done < bytes.byteLength) done += (await fh.write(bytes, done)).bytesWritten;
    });
    if (existing) await fh.chmod(existing.mode & 0o777);
    await fh.sync();
    await fh.close();
    await place(temp, path, options);
  } catch (e) {
    await fh.close().catch(() => undefined); // already closed when place() failed
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dir);
}

/**
 * Checks targets before anything is written: each must be absent, or (with overwrite) a writable
 * regular file. Several existing files are refused together, so the user is asked once.
 * Returns each target's stats (null where absent).
 */
export async function checkTargets(paths: readonly string[], options: WriteOptions): Promise<(Stats | null)[]> {
  const found = await Promise.all(paths.map(async (path) => ({ path, st: await lstatOrNull(path) })));
  for (const { path, st } of found) {
    if (!st) continue;
    if (st.isSymbolicLink()) {
      throw new WriteRefusedError('symlink', [path], `${path} is a symbolic link: CollabSheet does not write through links (that would change the file it points to). Choose another name, or the file the link points to`);
    }
    if (!st.isFile()) throw new WriteRefusedError('not-a-file', [path], `${path} is ${kindOf(st)}, not a regular file: choose a file name`);
    if (await isReadOnly(path, st)) {
      throw new WriteRefusedError('read-only', [path], `${path} is read-only: CollabSheet will not replace it. Choose another name, or make the file writable first`);
    }
  }
  const existing = found.filter((f) => f.st).map((f) => f.path);
  if (existing.length && !options.overwrite) {
    const message = existing.length === 1
      ? `${existing[0]} already exists: confirm replacing it, or choose another name`
      : `${existing.length} files already exist in ${dirname(existing[0])} (${existing.map((p) => basename(p)).join(', ')}): confirm replacing them, or choose another folder`;
    throw new WriteRefusedError('exists', existing, message);
  }
  return found.map((f) => f.st);
}

/** The temp file onto the target: a rename over it, or a link that refuses to replace anything. */
async function place(temp: string, path: string, options: WriteOptions): Promise<void> {
  if (options.overwrite) return rename(temp, path);
  try {
    await link(temp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') await checkTargets([path], options); // throws the refusal that fits what is there now
    // A filesystem without hard links (FAT, some network shares): the check again, then a rename.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK'].includes(code ?? '')) throw e;
    await checkTargets([path], options);
    return rename(temp, path);
  }
  await rm(temp);
}

// ---------------------------------------------------------------------------------------------
// Temp files

const TEMP_SUFFIX = '.collabsheet-tmp';
/** `.<name>.<pid>.<random>.collabsheet-tmp`; group 1 is the writer's pid. */
const TEMP_NAME = /^\..*\.(\d+)\.[0-9a-f]+\.collabsheet-tmp$/;
/** Earlier versions' project temps: `.<name>.collabsheet.<pid>.<base-36 time>.tmp`. */
const OLD_TEMP_NAME = /^\..*\.collabsheet\.(\d+)\.[0-9a-z]+\.tmp$/;
/** A temp untouched this long is a leftover whoever wrote it (a save writes continuously). */
export const STALE_TEMP_MS = 60 * 60_000;
/** A dead writer's temp is removed once it has been still this long (the pid may be another machine's). */
const DEAD_WRITER_GRACE_MS = 60_000;

function tempName(name: string): string {
  // Bounded so the temp's name stays under the 255-byte limit whatever the target's.
  return `.${name.slice(0, 100)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}

/** Removes the temps of ours in `dir` that no running write will finish. Best effort: never fails a save. */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number((TEMP_NAME.exec(name) ?? OLD_TEMP_NAME.exec(name))?.[1]);
    if (!pid) continue;
    const path = join(dir, name);
    const st = await lstatOrNull(path);
    if (!st?.isFile()) continue;
    const still = now - st.mtimeMs;
    if (still > STALE_TEMP_MS || (still > DEAD_WRITER_GRACE_MS && !isRunning(pid))) {
      await rm(path, { force: true }).then(() => removed.push(path), () => undefined);
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

// ---------------------------------------------------------------------------------------------

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** No write bit at all (root could still write it: the user meant it to stay), or not writable by us. */
async function isReadOnly(path: string, st: Stats): Promise<boolean> {
  if ((st.mode & 0o222) === 0) return true;
  return access(path, constants.W_OK).then(() => false, () => true);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

async function syncFolder(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    // Windows cannot open or fsync a folder; there the rename is already durable (NTFS journal).
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EINVAL') throw e;
  } finally {
    await fh?.close();
  }
}
