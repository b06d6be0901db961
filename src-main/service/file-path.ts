/**
 * Paths as commands receive them: absolute, or refused. A relative path would resolve against
 * the working directory of whichever process runs the service — the web host's is wherever it
 * was started, unknown to the person typing in the page — so a save could land anywhere. Refusing
 * it (rather than guessing a documents folder, which for a host run by another user or as root
 * is not the one the user pictures) keeps every file where the user can see it went, and the
 * same rule for opening and saving keeps the two finding the same file. The native dialogs
 * always give absolute paths. No Node imports: the renderer type-checks the contract.
 */
import { z } from 'zod';

/** POSIX /…, Windows C:\… or C:/…, and UNC \\server\share. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

export const relativePathMessage = (path: string) =>
  `${path} is not a full path: type the whole path from the root (as /home/you/Documents/${path.replace(/^~[\\/]/, '')} or C:\\Users\\you\\Documents\\…); ~ is not expanded`;

/** A file or folder path in a command's arguments. */
export const filePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine(isAbsolutePath, { error: (issue) => relativePathMessage(String(issue.input)) });

/** The user confirmed replacing what is there; without it an existing target answers WriteExists. */
export const overwriteSchema = z.boolean().optional();
