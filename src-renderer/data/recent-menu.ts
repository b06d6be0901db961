/**
 * The File menu's finding-your-way pieces as plain functions (issue 16 item 6): how an Open
 * recent entry reads, what File > New sheet generates, and where a save or export is suggested.
 */
import type { CommandArgs, RecentFile } from '../../src-main/service/contract.ts';

const KIND_WORDS: Record<RecentFile['kind'], string> = { project: 'project', opened: 'sheet', import: 'import' };

/** The entry's text (the file's name, "not found" when it is gone) and its tooltip (the whole path, and what to do). */
export function recentLabel(f: RecentFile): { text: string; title: string } {
  const name = f.path.split(/[\\/]/).pop() || f.path;
  if (!f.found) return { text: `${name} — not found`, title: `${f.path} is no longer there (moved, renamed or deleted): open it from where it is now with Open project… or Import ratings…` };
  return { text: name, title: `${f.path} (${KIND_WORDS[f.kind]})` };
}

/**
 * File > New sheet: a 15 × 15 sheet like the demo's — 15 people, 15 movies, about 60 % of the
 * cells rated from 3 planted tastes, no validation split (as on the Excel sheet) — so it Solves
 * at once and every cell can be typed over. (A blank grid would have nothing to train on.)
 */
export function newSheetSpec(seed: number): CommandArgs<'newSynthetic'> {
  return {
    spec: { users: 15, items: 15, density: 0.6, rank: 3, noise: 0.3, popularitySkew: 0, seed },
    split: { method: 'random', validPct: 0, seed: 42 },
    crosstab: 15,
  };
}

/** The project's own path (another extension for an export), else the sheet's name in the documents folder. */
export function suggestedPath(project: string | null, sheetName: string, documents: string, extension: string): string {
  if (project) return extension === 'collabsheet' ? project : project.replace(/\.collabsheet$/, `.${extension}`);
  const name = sheetName.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').replace(/\.(csv|tsv|data|dat|xlsx|json)$/i, '') || 'sheet';
  if (!documents) return `${name}.${extension}`;
  const sep = documents.includes('\\') && !documents.includes('/') ? '\\' : '/';
  return `${documents.replace(/[\\/]+$/, '')}${sep}${name}.${extension}`;
}
