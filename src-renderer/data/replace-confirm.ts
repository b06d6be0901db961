/**
 * The page's "X already exists. Replace it?": a write command that found its target there answers
 * WriteExists instead of replacing it; this asks, and on yes sends the command again with
 * overwrite: true for the full path the service resolved. (The desktop's save dialog asks on its
 * own; its folder dialog for exports does not, so the export asks here too.)
 */
import type { WriteExists } from '../../src-main/service/contract.ts';
import { CommandError } from '../api/client.ts';
import { questionDialog } from './modal.ts';

export type Ask = (question: string) => Promise<boolean>;

/** The command's answer, after asking when it was "exists"; null when the user kept the file. */
export async function replacingIfConfirmed<T>(answer: T | WriteExists, ask: Ask, again: (path: string) => Promise<T | WriteExists>): Promise<T | null> {
  if (!isWriteExists(answer)) return answer;
  if (!(await ask(question(answer)))) return null;
  const second = await again(answer.path);
  if (isWriteExists(second)) throw new CommandError(second.message); // overwrite was sent: only a bug of ours gets here
  return second;
}

export function question(r: WriteExists): string {
  if (r.existing.length === 1) return `${r.existing[0]} already exists. Replace it?`;
  const names = r.existing.map((p) => p.split(/[\\/]/).pop());
  return `${r.existing.length} files already exist in ${r.path}: ${names.join(', ')}. Replace them?`;
}

function isWriteExists(value: unknown): value is WriteExists {
  return typeof value === 'object' && value !== null && (value as { refused?: unknown }).refused === 'exists';
}

/** The question as a modal with Cancel (the default: Escape) and Replace. */
export function replaceDialog(): Ask {
  return questionDialog('replace-dialog', {
    step: 'replace',
    title: 'Replace the existing file?',
    textId: 'replace-question',
    answers: [
      { id: 'replace-cancel', label: 'Cancel', value: false },
      { id: 'replace-ok', label: 'Replace', value: true, primary: true },
    ],
    onEscape: false,
  });
}
