/**
 * Replacing a file so that a crash at any instant leaves either the old file or the new one,
 * never a torn mix: write a temp file in the same folder, fsync it, rename it over the target
 * (atomic on POSIX and NTFS), then fsync the folder so the rename itself survives power loss.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, parts: readonly Uint8Array[]): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fh = await open(temp, 'w');
  try {
    for (const part of parts) {
      let done = 0;
      while (done < part.byteLength) done += (await fh.write(part, done)).bytesWritten;
    }
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(temp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dirname(path));
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
