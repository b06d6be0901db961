/**
 * The import dialog's rules as pure functions (no DOM), so they are tested directly: which
 * columns can be mapped, what the user's choices send to the service, and how an import's
 * report and progress read.
 */
import type { FeatureReport, FormatChoice, ImportProgressEvent, ImportReport, RatingsPreview, SplitReport } from '../../src-main/service/contract.ts';

export type Role = 'user' | 'item' | 'rating' | 'timestamp';
export const ROLES: { role: Role; label: string; optional: boolean }[] = [
  { role: 'user', label: 'User', optional: false },
  { role: 'item', label: 'Movie / item', optional: false },
  { role: 'rating', label: 'Rating', optional: false },
  { role: 'timestamp', label: 'Timestamp', optional: true },
];

export const DELIMITERS: { value: string; label: string }[] = [
  { value: ',', label: 'comma ,' },
  { value: '\t', label: 'tab' },
  { value: ';', label: 'semicolon ;' },
  { value: '|', label: 'bar |' },
  { value: '::', label: 'double colon ::' },
  { value: ' ', label: 'space' },
];

/** A column's name in the selects: its header, or its position. */
export function columnNames(p: RatingsPreview): string[] {
  return Array.from({ length: p.fieldCount }, (_, i) => (p.header?.[i] ? `${i + 1}: ${p.header[i]}` : `column ${i + 1}`));
}

/** The mapping the preview suggests, or the first columns in order when it found none. */
export function suggestedColumns(p: RatingsPreview): Record<Role, number | null> {
  if (p.format) return { ...p.format.columns };
  return { user: 0, item: Math.min(1, p.fieldCount - 1), rating: Math.min(2, p.fieldCount - 1), timestamp: p.fieldCount > 3 ? 3 : null };
}

export interface Choices {
  delimiter: string;
  hasHeader: boolean;
  columns: Record<Role, number | null>;
}

/** What the service gets: the user's delimiter, header and columns (by position). */
export function formatChoice(c: Choices): FormatChoice {
  const { user, item, rating, timestamp } = c.columns;
  if (user === null || item === null || rating === null) throw new Error('user, item and rating columns are required');
  return {
    delimiter: c.delimiter as FormatChoice['delimiter'],
    hasHeader: c.hasHeader,
    columns: { user, item, rating, timestamp },
  };
}

/** Why the choices cannot be imported (two roles on one column), or null. */
export function mappingProblem(columns: Record<Role, number | null>): string | null {
  const used = ROLES.filter((r) => columns[r.role] !== null);
  for (const [i, a] of used.entries()) {
    for (const b of used.slice(i + 1)) {
      if (columns[a.role] === columns[b.role]) return `${a.label} and ${b.label} are the same column: pick one column for each`;
    }
  }
  return null;
}

export function describePreview(p: RatingsPreview): string {
  const rows = p.estimatedRows > 0 ? `about ${p.estimatedRows.toLocaleString('en-US')} rows` : '';
  return [p.format?.label ?? 'Columns not recognised', rows].filter(Boolean).join(' · ');
}

export function progressText(p: ImportProgressEvent): string {
  const seconds = `${p.elapsedSeconds.toFixed(1)} s`;
  if (p.stage === 'preparing') return `${p.rows.toLocaleString('en-US')} ratings read · ${p.step ?? 'preparing'}… · ${seconds}`;
  const mb = (n: number) => (n / 1024 ** 2).toFixed(1);
  return `${p.rows.toLocaleString('en-US')} rows · ${mb(p.bytesRead)} of ${mb(p.totalBytes)} MB · ${seconds}`;
}

export function progressFraction(p: ImportProgressEvent): number {
  return p.stage === 'preparing' || p.totalBytes === 0 ? 1 : Math.min(1, p.bytesRead / p.totalBytes);
}

const SPLIT_NAMES: Record<SplitReport['method'], string> = {
  random: 'random',
  time: "by time (each user's latest)",
  files: 'from the validation file',
  none: 'none',
};

/** The summary as label → text rows, in reading order. */
export function reportRows(r: ImportReport): [string, string][] {
  const n = (x: number) => x.toLocaleString('en-US');
  const s = r.split;
  const rows: [string, string][] = [
    ['Ratings', n(r.rows)],
    ['Users × movies', `${n(r.users)} × ${n(r.items)}`],
    ['Read as', r.formatLabel],
    ['Duplicates', r.duplicates === 0 ? 'none' : `${n(r.duplicates)} replaced (the later rating of a user and movie is kept)`],
    ['Bad rows skipped', r.skipped === 0 ? 'none' : n(r.skipped)],
  ];
  if (r.titlesFile) rows.push(['Titles', `${n(r.titled)} movies titled from ${r.titlesFile.split(/[\\/]/).pop()}`]);
  if (s.method === 'none') {
    rows.push(['Validation', 'none: every rating trains']);
  } else {
    const share = ((100 * s.validRows) / Math.max(1, s.trainRows + s.validRows)).toFixed(1);
    rows.push(['Validation', `${SPLIT_NAMES[s.method]}: ${n(s.validRows)} held out (${share} %), ${n(s.trainRows)} train`]);
    rows.push([
      'Only in validation',
      s.coldUsers + s.coldItems === 0
        ? 'no users or movies'
        : `${n(s.coldUsers)} users (${n(s.coldUserRatings)} ratings), ${n(s.coldItems)} movies (${n(s.coldItemRatings)} ratings): predicted from biases and the mean`,
    ]);
  }
  for (const f of r.features) rows.push(featureRow(f));
  rows.push(['Time', `${r.seconds.toFixed(2)} s`]);
  return rows;
}

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** A side-feature file in the summary: "Movie features" → "u.item: 1,682 of 1,682 movies have genres; 0 unknown — used by …". */
export function featureRow(f: FeatureReport): [string, string] {
  const bad = f.skippedRows + f.badCells ? ` · ${f.skippedRows.toLocaleString('en-US')} bad rows skipped, ${f.badCells.toLocaleString('en-US')} bad cells read as unknown` : '';
  const left = f.skippedColumns.length ? ` · left out: ${f.skippedColumns.join('; ')}` : '';
  return [f.side === 'item' ? 'Movie features' : 'User features', `${fileName(f.file)}: ${f.summary}${bad}${left} — ${f.usedByModel}`];
}

/** Every skipped row of the import as file:line messages: the ratings' first, then the feature files'. */
export const badRowExamples = (r: ImportReport): string[] => [...r.badRowExamples, ...r.features.flatMap((f) => f.badRowExamples)];

/** The feature files typed in the dialog as the import sends them: blank is none. */
export function featureFiles(item: string, user: string): { itemFeatures: string | null; userFeatures: string | null } {
  return { itemFeatures: item.trim() || null, userFeatures: user.trim() || null };
}
