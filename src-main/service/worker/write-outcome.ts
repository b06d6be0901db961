/**
 * How a refused write reaches the user (io/atomic-write.ts decides what is refused): a target
 * that exists becomes the WriteExists answer, which the renderer turns into "Replace it?" and
 * sends again with overwrite: true; a link, a FIFO, a folder or a read-only file is a UserError
 * that names it and says what to do.
 */
import { isAbsolute } from 'node:path';
import { WriteRefusedError } from '../../io/atomic-write.ts';
import type { WriteExists } from '../data-contract.ts';
import { relativePathMessage } from '../file-path.ts';
import { UserError } from '../user-error.ts';

export async function unlessExists<T>(path: string, write: () => Promise<T>): Promise<T | WriteExists> {
  // The contract refuses relative paths (file-path.ts); this holds for callers that skip it.
  if (!isAbsolute(path)) throw new UserError(relativePathMessage(path));
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof WriteRefusedError)) throw error;
    if (error.reason === 'exists') return { refused: 'exists', path, existing: [...error.paths], message: error.message };
    throw new UserError(error.message);
  }
}

/** True for the answer that asks the user; the renderer has its own copy of this check. */
export function isWriteExists(value: unknown): value is WriteExists {
  return typeof value === 'object' && value !== null && (value as { refused?: unknown }).refused === 'exists';
}
