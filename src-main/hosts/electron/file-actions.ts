import type { FileFilter } from 'electron';
import { join } from 'node:path';
import { z } from 'zod';
import { commandArgs, type ReplyMessage } from '../../service/contract.ts';
import type { FileActionName } from './channels.ts';

/**
 * The File menu's actions as data: which native dialog to show, and which service command gets
 * the chosen path as `{ path }` — a file, or for export a folder (the exporter writes several
 * files). The renderer's bridge calls and the native menu's Export to folder run the same table.
 */
export interface FileActionSpec {
  readonly dialog: 'open' | 'save' | 'folder';
  readonly title: string;
  readonly filters: readonly FileFilter[];
  readonly defaultName?: string;
  readonly command: string;
}

const RATINGS_FILTERS: FileFilter[] = [
  { name: 'Ratings (CSV, TSV, MovieLens u.data / ratings.dat, collab_filter .xlsx)', extensions: ['csv', 'tsv', 'txt', 'data', 'dat', 'base', 'xlsx'] },
  { name: 'All files', extensions: ['*'] },
];
const PROJECT_FILTERS: FileFilter[] = [{ name: 'CollabSheet project', extensions: ['collabsheet'] }];
const XLSX_FILTERS: FileFilter[] = [{ name: 'Excel workbook', extensions: ['xlsx'] }];

export const FILE_ACTIONS: Readonly<Record<FileActionName, FileActionSpec>> = {
  'open-project': { dialog: 'open', title: 'Open a CollabSheet project', filters: PROJECT_FILTERS, command: 'openProject' },
  'save-project': {
    dialog: 'save', title: 'Save the project', filters: PROJECT_FILTERS,
    defaultName: 'sheet.collabsheet', command: 'saveProject',
  },
  export: { dialog: 'folder', title: 'Export factors and biases to a folder', filters: [], command: 'exportEmbeddings' },
  'export-xlsx': {
    dialog: 'save', title: 'Export the sheet as an Excel workbook', filters: XLSX_FILTERS,
    defaultName: 'sheet.xlsx', command: 'exportXlsx',
  },
  // The import dialog's first step: the renderer shows the preview that comes back.
  'import-ratings': { dialog: 'open', title: 'Import a ratings file', filters: RATINGS_FILTERS, command: 'previewImport' },
};

export const fileActionNameSchema = z.enum(['open-project', 'save-project', 'export', 'import-ratings', 'export-xlsx']) satisfies z.ZodType<FileActionName>;

/** The renderer's extra arguments for the command: an object (its command's schema checks the rest). */
export const fileActionArgsSchema = z.record(z.string(), z.unknown());

/** True when the service contract has the action's command; the menu greys out the others. */
export function isFileActionAvailable(spec: FileActionSpec): boolean {
  return Object.hasOwn(commandArgs, spec.command);
}

/** Native dialogs, narrowed to what the actions use (Electron's `dialog`, bound to the window). */
export interface FileDialogs {
  chooseOpenPath(options: { title: string; filters: FileFilter[] }): Promise<string | null>;
  chooseSavePath(options: { title: string; filters: FileFilter[]; defaultPath?: string }): Promise<string | null>;
  chooseFolder(options: { title: string }): Promise<string | null>;
}

export type ServiceCaller = (command: string, args: unknown) => Promise<ReplyMessage>;

/**
 * Asks for a path, then runs the action's command with it (and `args`, the renderer's other
 * arguments; the chosen path wins). Null when the user cancelled. A save dialog has asked about
 * replacing the file it returns, so the command gets overwrite: true; a folder dialog has not
 * (the export answers WriteExists and the renderer asks).
 */
export async function runFileAction(
  spec: FileActionSpec,
  dialogs: FileDialogs,
  callService: ServiceCaller,
  args: Record<string, unknown> = {},
  /** Where a save dialog starts (the user's documents folder), not the process's working folder. */
  saveFolder?: string,
): Promise<ReplyMessage | null> {
  const filters = [...spec.filters];
  const path =
    spec.dialog === 'open'
      ? await dialogs.chooseOpenPath({ title: spec.title, filters })
      : spec.dialog === 'save'
        ? await dialogs.chooseSavePath({ title: spec.title, filters, defaultPath: saveFolder && spec.defaultName ? join(saveFolder, spec.defaultName) : spec.defaultName })
        : await dialogs.chooseFolder({ title: spec.title });
  if (path === null) return null;
  return callService(spec.command, spec.dialog === 'save' ? { ...args, path, overwrite: true } : { ...args, path });
}
