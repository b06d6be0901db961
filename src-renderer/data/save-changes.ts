/**
 * "Save changes?" before anything replaces unsaved work (issue 16 item 2): Import, Open project,
 * Open recent, New sheet, the demo sheet, restoring an autosave. The open sheet's changes —
 * edits and training since the last save — go with it, undo history included, so the user says
 * first: Save (then go on only if the save happened), Don't save (go on), or Cancel (stay).
 */
import type { ProjectStatus } from '../../src-main/service/contract.ts';
import { questionDialog } from './modal.ts';

export type SaveChoice = 'save' | 'dont-save' | 'cancel';
export type AskSave = (question: string) => Promise<SaveChoice>;

/**
 * True when the open work may be replaced now: nothing unsaved, saved just now, or given up;
 * false when the user cancelled or the save did not happen (a cancelled Save as, a refused write).
 */
export async function mayReplace(project: ProjectStatus, sheetName: string, doing: string, ask: AskSave, save: () => Promise<boolean>): Promise<boolean> {
  if (!project.unsaved) return true;
  const choice = await ask(saveQuestion(project, sheetName, doing));
  if (choice === 'cancel') return false;
  return choice === 'dont-save' || (await save());
}

export function saveQuestion(project: ProjectStatus, sheetName: string, doing: string): string {
  const name = project.path ? project.path.split(/[\\/]/).pop() : `"${sheetName}"`;
  return `${name} has changes that are not saved. Save them before ${doing}? If you don't, they are lost (undo cannot bring them back).`;
}

/** The question as a modal: Save (the default), Don't save, Cancel (also Escape). */
export function saveChangesDialog(): AskSave {
  return questionDialog<SaveChoice>('save-changes-dialog', {
    step: 'save-changes',
    title: 'Save changes?',
    textId: 'save-changes-question',
    answers: [
      { id: 'save-changes-cancel', label: 'Cancel', value: 'cancel' },
      { id: 'save-changes-discard', label: "Don't save", value: 'dont-save' },
      { id: 'save-changes-save', label: 'Save', value: 'save', primary: true },
    ],
    onEscape: 'cancel',
    focus: 'save-changes-save',
  });
}
