/**
 * Opening a file the user named as the file it claims to be (issue 13 finding 4): `/dev/zero`
 * read until memory was gone, a FIFO hung the worker's queue for good. Every reader opens through
 * here: non-blocking (so opening a FIFO with no writer returns at once instead of waiting), then
 * the *opened* handle is checked — not the path, which could be swapped between a check and the
 * open — and anything but a regular file is refused, named. Whole-file reads are capped by the
 * caller's limit before a byte is read, and again while reading (a file may grow).
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Why a path could not be opened or read, in words for the user (the caller adds the path). */
export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly code: 'not-found' | 'not-a-file' | 'too-big' | 'denied' | 'other',
  ) {
    super(`${path}: ${problem}`);
  }
}

function kindOf(s: Stats): string | null {
  if (s.isFile()) return null;
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a pipe (FIFO)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Opens `path` for reading; only a regular file (a symlink to one is fine) gets through. */
export async function openRegularFile(path: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw openError(path, e);
  }
  const kind = kindOf(await fh.stat());
  if (kind) {
    await fh.close();
    throw new UnreadableFileError(path, `this is ${kind}, not a file`, 'not-a-file');
  }
  return fh;
}

/** Reads a whole regular file of at most `maxBytes` (`what` names it in the refusal: "a sheet file"). */
export async function readRegularFile(path: string, maxBytes: number, what: string): Promise<Buffer<ArrayBuffer>> {
  const fh = await openRegularFile(path);
  try {
    const { size } = await fh.stat();
    const tooBig = () => new UnreadableFileError(path, `over ${formatBytes(maxBytes)}: too big for ${what}`, 'too-big');
    if (size > maxBytes) throw tooBig();
    // One byte more than it claims: a file that grows while read shows, and is not read torn.
    const buffer = Buffer.alloc(size + 1);
    let done = 0;
    for (let n = -1; n !== 0 && done < buffer.length; done += n) n = (await fh.read(buffer, done, buffer.length - done, done)).bytesRead;
    if (done > size) throw new UnreadableFileError(path, 'the file grew while it was read: try again once it is written', 'other');
    return buffer.subarray(0, done) as Buffer<ArrayBuffer>;
  } finally {
    await fh.close();
  }
}

function openError(path: string, e: unknown): UnreadableFileError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UnreadableFileError(path, 'no such file', 'not-found');
  if (code === 'EISDIR') return new UnreadableFileError(path, 'this is a folder, not a file', 'not-a-file');
  if (code === 'EACCES' || code === 'EPERM') return new UnreadableFileError(path, 'permission denied', 'denied');
  if (code === 'ENXIO') return new UnreadableFileError(path, 'this is a socket or device, not a file', 'not-a-file');
  return new UnreadableFileError(path, `cannot open the file (${code ?? String(e)})`, 'other');
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${+(n / 2 ** 30).toFixed(1)} GB`;
  return n >= 2 ** 20 ? `${Math.round(n / 2 ** 20)} MB` : `${Math.ceil(n / 2 ** 10)} KB`;
}
