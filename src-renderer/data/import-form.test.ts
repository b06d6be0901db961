import { describe, expect, it } from 'vitest';
import type { ImportReport, RatingsPreview } from '../../src-main/service/contract.ts';
import { badRowExamples, columnNames, featureFiles, formatChoice, mappingProblem, progressFraction, progressText, reportRows, suggestedColumns } from './import-form.ts';

const preview: RatingsPreview = {
  kind: 'ratings',
  file: '/d/r.csv',
  bytes: 1000,
  estimatedRows: 40,
  delimiter: ',',
  hasHeader: true,
  header: ['who', 'what', 'stars'],
  fieldCount: 3,
  rows: [['a', 'b', '4']],
  format: null,
  problem: 'the header names no user column',
  titlesFile: null,
  folds: [],
  featureFiles: { item: null, user: null },
};

const report: ImportReport = {
  name: 'r.csv',
  rows: 12_345,
  users: 100,
  items: 50,
  duplicates: 2,
  skipped: 1,
  badRowExamples: ['/d/r.csv:7: missing rating (a,b,)'],
  formatLabel: 'CSV (comma-separated, header)',
  titlesFile: '/d/movies.csv',
  titled: 48,
  seconds: 0.5,
  split: { method: 'random', trainRows: 11_111, validRows: 1234, coldUsers: 1, coldItems: 0, coldUserRatings: 3, coldItemRatings: 0 },
  features: [],
};

describe('import form', () => {
  it('names columns by header and position, and suggests the first three when nothing was recognised', () => {
    expect(columnNames(preview)).toEqual(['1: who', '2: what', '3: stars']);
    expect(columnNames({ ...preview, header: null })).toEqual(['column 1', 'column 2', 'column 3']);
    expect(suggestedColumns(preview)).toEqual({ user: 0, item: 1, rating: 2, timestamp: null });
  });

  it('sends the chosen delimiter, header and columns; refuses one column in two roles', () => {
    const columns = { user: 0, item: 1, rating: 2, timestamp: null };
    expect(formatChoice({ delimiter: '\t', hasHeader: false, columns })).toEqual({ delimiter: '\t', hasHeader: false, columns });
    expect(mappingProblem(columns)).toBeNull();
    expect(mappingProblem({ ...columns, rating: 0 })).toBe('User and Rating are the same column: pick one column for each');
  });

  it('reads progress as rows, megabytes and seconds', () => {
    const p = { stage: 'reading' as const, step: null, file: 'r.csv', bytesRead: 3 * 1024 ** 2, totalBytes: 12 * 1024 ** 2, rows: 250_000, elapsedSeconds: 1.25 };
    expect(progressText(p)).toBe('250,000 rows · 3.0 of 12.0 MB · 1.3 s');
    expect(progressFraction(p)).toBe(0.25);
    expect(progressFraction({ ...p, stage: 'preparing' })).toBe(1);
    expect(progressText({ ...p, stage: 'preparing', step: 'building the model' })).toBe('250,000 ratings read · building the model… · 1.3 s');
  });

  it('summarises duplicates, skipped rows, titles and the split with its cold users and movies', () => {
    const rows = Object.fromEntries(reportRows(report));
    expect(rows['Ratings']).toBe('12,345');
    expect(rows['Duplicates']).toBe('2 replaced (the later rating of a user and movie is kept)');
    expect(rows['Bad rows skipped']).toBe('1');
    expect(rows['Titles']).toBe('48 movies titled from movies.csv');
    expect(rows['Validation']).toBe('random: 1,234 held out (10.0 %), 11,111 train');
    expect(rows['Only in validation']).toBe('1 users (3 ratings), 0 movies (0 ratings): predicted from biases and the mean');
    expect(Object.fromEntries(reportRows({ ...report, split: { ...report.split, method: 'none', validRows: 0 } }))['Validation']).toBe('none: every rating trains');
  });

  // Issue 15 item 1: the side-feature files beside the ratings.
  it('sends blank feature paths as none, and summarises each feature file with its join counts, bad rows and use', () => {
    expect(featureFiles('  ', '/d/u.user ')).toEqual({ itemFeatures: null, userFeatures: '/d/u.user' });
    const item = {
      side: 'item' as const, file: '/d/u.item', formatLabel: 'MovieLens u.item', count: 50, matched: 50, unmatched: 0, extra: 2,
      features: [{ name: 'genres', kind: 'multi' as const, values: 19, unknown: 0 }], skippedColumns: [], skippedRows: 1, badCells: 0,
      badRowExamples: ['/d/u.item:9: expected 24 fields, found 3 (9|x|y)'], summary: '50 of 50 movies have genres; 0 unknown', usedByModel: 'used by the neural model',
    };
    const withFeatures = { ...report, features: [item] };
    expect(Object.fromEntries(reportRows(withFeatures))['Movie features']).toBe('u.item: 50 of 50 movies have genres; 0 unknown · 1 bad rows skipped, 0 bad cells read as unknown — used by the neural model');
    expect(badRowExamples(withFeatures)).toEqual([...report.badRowExamples, '/d/u.item:9: expected 24 fields, found 3 (9|x|y)']);
  });
});
