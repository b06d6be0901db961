/**
 * Which side-feature file this is, told from its first line, and where each feature's text sits
 * in a row: MovieLens u.item (19 genre flags; the year from the title), movies.dat / movies.csv
 * (genres `A|B`, year from the title), u.user (`id|age|gender|occupation|zip`), users.dat
 * (`UserID::Gender::Age::Occupation::Zip-code`, its codes turned into their README's words), or
 * any CSV/TSV with a header keyed by an id column.
 */
import { DataImportError, showText } from './errors.ts';

export type FeatureKind = 'categorical' | 'multi' | 'numeric';
/** What a column is mapped as; 'skip' leaves it out. */
export type ColumnChoice = FeatureKind | 'skip';

/** One feature's text in a row: its fields → a cell ('' = no value; multi-valued cells hold `a|b`). */
export interface FeatureSource {
  name: string;
  /** The format's kind for it, or null: decided from the values (a header file's columns). */
  kind: FeatureKind | null;
  /** Kinds it may be mapped as (an override outside these is refused). */
  allowed: readonly FeatureKind[];
  cell(fields: string[]): string;
  /** Values known beforehand, coded first in this order (u.genre's order, users.dat's age order). */
  vocabulary?: readonly string[];
}

export interface FeatureLayout {
  /** 'u.item', 'u.user', 'users.dat', 'movies.dat', 'movies.csv' or 'csv'. */
  format: string;
  /** For people: "MovieLens u.item ('|'-separated, no header)". */
  label: string;
  delimiter: string;
  hasHeader: boolean;
  fieldCount: number;
  idColumn: number;
  sources: FeatureSource[];
  /** Columns left out before any value is read, and why. */
  skipped: { column: string; reason: string }[];
}

export interface LayoutOverrides {
  /** The id column of a header file, by its header name (default: found by name). */
  id?: string;
  /** Kind per column (header files: by header name; MovieLens files: by feature name, e.g. `age`). */
  columns?: Record<string, ColumnChoice>;
}

/** More columns than this is a wide table (a one-hot dump, a matrix), not side features. */
export const MAX_FEATURE_COLUMNS = 64;

const ALL_KINDS: readonly FeatureKind[] = ['categorical', 'multi', 'numeric'];
const LABELS: readonly FeatureKind[] = ['categorical'];
/** MovieLens 100k's genre flag order (its u.genre). */
const ML100K_GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];
/** ml-1m README: users.dat's age and occupation codes. */
const ML1M_AGES: Record<string, string> = { 1: 'Under 18', 18: '18-24', 25: '25-34', 35: '35-44', 45: '45-49', 50: '50-55', 56: '56+' };
const ML1M_OCCUPATIONS = ['other', 'academic/educator', 'artist', 'clerical/admin', 'college/grad student', 'customer service', 'doctor/health care', 'executive/managerial', 'farmer', 'homemaker', 'K-12 student', 'lawyer', 'programmer', 'retired', 'sales/marketing', 'scientist', 'self-employed', 'technician/engineer', 'tradesman/craftsman', 'unemployed', 'writer'];
const ID_NAMES = ['id', 'itemid', 'movieid', 'userid', 'item', 'movie', 'user', 'uid', 'iid', 'productid', 'bookid', 'isbn', 'asin', 'key'];
const TITLE_NAMES = ['title', 'movietitle', 'name', 'itemname', 'booktitle', 'productname'];
const GENRE_NAMES = ['genres', 'genre', 'categories', 'tags'];
const NO_GENRES = '(no genres listed)';
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The year a MovieLens title ends with ("Toy Story (1995)"), or ''. */
export const yearOfTitle = (title: string): string => /\((\d{4})\)\s*$/.exec(title)?.[1] ?? '';

/** Zip codes are nearly one per user (795 among ml-100k's 943): their first character (a US region; Canadian codes a letter) is what users share. */
const zipRegion = (zip: string): string => zip.trim().charAt(0).toUpperCase();

const fixed = (name: string, kind: FeatureKind, allowed: readonly FeatureKind[], cell: (f: string[]) => string, vocabulary?: readonly string[]): FeatureSource => ({ name, kind, allowed, cell, vocabulary });
const genresOf = (text: string) => (text === NO_GENRES ? '' : text);

/**
 * The layout of the file whose first non-blank line is `first` (line `lineNo`), split by the
 * caller with `split(delimiter)`.
 */
export function detectLayout(file: string, first: string, lineNo: number, split: (delimiter: string) => string[], overrides: LayoutOverrides = {}): FeatureLayout {
  const layout = detectFormat(file, first, lineNo, split, overrides);
  return applyOverrides(file, layout, overrides);
}

function detectFormat(file: string, first: string, lineNo: number, split: (delimiter: string) => string[], overrides: LayoutOverrides): FeatureLayout {
  const integerFirst = (fields: string[]) => /^\d+$/.test(fields[0] ?? '');
  if (first.includes('::')) {
    const f = split('::');
    if (integerFirst(f) && f.length === 5) {
      return {
        format: 'users.dat', label: "MovieLens users.dat ('::'-separated, no header)", delimiter: '::', hasHeader: false, fieldCount: 5, idColumn: 0, skipped: [],
        sources: [
          fixed('gender', 'categorical', LABELS, (r) => r[1]),
          fixed('age', 'categorical', LABELS, (r) => ML1M_AGES[r[2]] ?? r[2], Object.values(ML1M_AGES)),
          fixed('occupation', 'categorical', LABELS, (r) => ML1M_OCCUPATIONS[Number(r[3])] ?? r[3], ML1M_OCCUPATIONS),
          fixed('zip_region', 'categorical', LABELS, (r) => zipRegion(r[4])),
        ],
      };
    }
    if (integerFirst(f) && f.length === 3) {
      return {
        format: 'movies.dat', label: "MovieLens movies.dat ('::'-separated, no header)", delimiter: '::', hasHeader: false, fieldCount: 3, idColumn: 0, skipped: [{ column: 'title', reason: 'text: its year is taken' }],
        sources: [fixed('genres', 'multi', ['multi'], (r) => genresOf(r[2])), fixed('year', 'numeric', ['numeric', 'categorical'], (r) => yearOfTitle(r[1]))],
      };
    }
    throw new DataImportError('missing-column', file, lineNo, `a '::'-separated file is read as MovieLens users.dat (5 fields) or movies.dat (3 fields); this line has ${f.length}`, showText(first));
  }
  const piped = split('|');
  if (integerFirst(piped) && piped.length === 5 + ML100K_GENRES.length) {
    return {
      format: 'u.item', label: "MovieLens u.item ('|'-separated, no header)", delimiter: '|', hasHeader: false, fieldCount: piped.length, idColumn: 0,
      skipped: [{ column: 'title', reason: 'text: its year is taken' }, { column: 'release date', reason: 'the year is taken from the title (the date when the title has none)' }, { column: 'video release date', reason: 'empty in MovieLens' }, { column: 'IMDb URL', reason: 'a link' }],
      sources: [
        fixed('genres', 'multi', ['multi'], (r) => ML100K_GENRES.filter((_, k) => r[5 + k] === '1').join('|'), ML100K_GENRES),
        fixed('year', 'numeric', ['numeric', 'categorical'], (r) => yearOfTitle(r[1]) || (/(\d{4})$/.exec(r[2])?.[1] ?? '')),
      ],
    };
  }
  if (integerFirst(piped) && piped.length === 5) {
    return {
      format: 'u.user', label: "MovieLens u.user ('|'-separated, no header)", delimiter: '|', hasHeader: false, fieldCount: 5, idColumn: 0, skipped: [],
      sources: [
        fixed('age', 'numeric', ['numeric', 'categorical'], (r) => r[1]),
        fixed('gender', 'categorical', LABELS, (r) => r[2]),
        fixed('occupation', 'categorical', LABELS, (r) => r[3]),
        fixed('zip_region', 'categorical', LABELS, (r) => zipRegion(r[4])),
      ],
    };
  }
  if (integerFirst(piped) && piped.length > 1) {
    throw new DataImportError('missing-column', file, lineNo, `a '|'-separated file without a header is read as MovieLens u.item (24 fields) or u.user (5 fields); this line has ${piped.length}: add a header naming the columns`, showText(first));
  }
  return headerLayout(file, first, lineNo, split, overrides);
}

function headerLayout(file: string, first: string, lineNo: number, split: (delimiter: string) => string[], overrides: LayoutOverrides): FeatureLayout {
  // A '|' can only be the delimiter when no other candidate splits the header.
  const delimiter = ['\t', ',', ';'].map((d) => ({ d, n: split(d).length })).reduce((a, b) => (b.n > a.n ? b : a), { d: '|', n: split('|').length }).d;
  const header = split(delimiter);
  if (header.length < 2) {
    throw new DataImportError('missing-column', file, lineNo, 'expected a header naming an id column and at least one feature column (comma-, tab- or semicolon-separated)', showText(first));
  }
  if (header.length > MAX_FEATURE_COLUMNS + 1) {
    throw new DataImportError('missing-column', file, lineNo, `the header has ${header.length} columns: at most ${MAX_FEATURE_COLUMNS} feature columns and an id are read; keep the columns you need`);
  }
  const names = header.map(norm);
  const seen = new Map<string, number>();
  header.forEach((h, k) => {
    const key = h.trim();
    if (key === '') throw new DataImportError('missing-column', file, lineNo, `column ${k + 1} of the header has no name`, showText(first));
    if (seen.has(key)) throw new DataImportError('missing-column', file, lineNo, `the header names "${showText(key)}" twice (columns ${seen.get(key)! + 1} and ${k + 1})`);
    seen.set(key, k);
  });
  const idColumn = overrides.id !== undefined ? header.indexOf(overrides.id) : idColumnOf(names);
  if (idColumn < 0) {
    const problem = overrides.id !== undefined ? `no column named "${showText(overrides.id)}" for the id` : 'the header needs an id column (e.g. id, movieId, userId, or a name ending in "id")';
    throw new DataImportError('missing-column', file, lineNo, problem, showText(first));
  }
  const sources: FeatureSource[] = [];
  const skipped: FeatureLayout['skipped'] = [];
  let yearFrom = names.includes('year') ? -2 : -1;
  header.forEach((h, k) => {
    if (k === idColumn) return;
    if (TITLE_NAMES.includes(names[k]) && overrides.columns?.[h] === undefined) {
      // A title is free text; what it holds that items share is its year, as MovieLens writes it.
      const takeYear = yearFrom === -1;
      if (takeYear) yearFrom = k;
      skipped.push({ column: h, reason: takeYear ? 'text: its year is taken' : 'text' });
      if (takeYear) sources.push(fixed('year', 'numeric', ['numeric', 'categorical'], (r) => yearOfTitle(r[k])));
    } else if (GENRE_NAMES.includes(names[k])) {
      sources.push(fixed(h, 'multi', ALL_KINDS, (r) => genresOf(r[k])));
    } else {
      sources.push({ name: h, kind: null, allowed: ALL_KINDS, cell: (r) => r[k] });
    }
  });
  const movies = names.length === 3 && names[0] === 'movieid' && names[1] === 'title' && names[2] === 'genres';
  const shown = delimiter === '\t' ? 'tab' : `'${delimiter}'`;
  return {
    format: movies ? 'movies.csv' : 'csv',
    label: movies ? 'MovieLens movies.csv (with header)' : `${shown}-separated with header, keyed by "${header[idColumn]}"`,
    delimiter, hasHeader: true, fieldCount: header.length, idColumn, sources, skipped,
  };
}

function idColumnOf(names: string[]): number {
  for (const n of ID_NAMES) {
    const k = names.indexOf(n);
    if (k >= 0) return k;
  }
  return names.findIndex((n) => n.endsWith('id'));
}

function applyOverrides(file: string, layout: FeatureLayout, overrides: LayoutOverrides): FeatureLayout {
  const columns = overrides.columns ?? {};
  const sources: FeatureSource[] = [];
  const known = new Set(layout.sources.map((s) => s.name));
  for (const name of Object.keys(columns)) {
    if (!known.has(name)) {
      throw new DataImportError('bad-option', file, null, `no feature column "${showText(name)}" to map: the columns are ${[...known].join(', ')}`);
    }
  }
  const skipped = [...layout.skipped];
  for (const s of layout.sources) {
    const choice = columns[s.name];
    if (choice === undefined) sources.push(s);
    else if (choice === 'skip') skipped.push({ column: s.name, reason: 'left out as asked' });
    else if (!s.allowed.includes(choice)) {
      throw new DataImportError('bad-option', file, null, `"${s.name}" cannot be read as ${choice}: it can be ${s.allowed.join(' or ')}`);
    } else sources.push({ ...s, kind: choice });
  }
  return { ...layout, sources, skipped };
}
