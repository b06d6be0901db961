/**
 * Item titles and genres: MovieLens u.item (`id|title|date|video date|url|19 genre flags`,
 * latin-1), movies.dat (`id::title::A|B`, latin-1 in ml-1m, UTF-8 in ml-10m), movies.csv
 * (`movieId,title,genres`, quoted titles), or any CSV/TSV with a header naming an id and a title
 * column. Titles files are small (ml-25m's is 3 MB), so they are read whole.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TextDecoder } from 'node:util';
import type { RatingsDataset } from '../dataset.ts';
import { readRegularFile, UnreadableFileError } from './regular-file.ts';
import { DataImportError, showText } from './errors.ts';
import { FieldBounds, fieldText, splitFields, UNTERMINATED_QUOTE } from './fields.ts';
import { refuseNonText } from './sniff.ts';

export interface ItemTitles {
  file: string;
  /** "u.item", "movies.dat", or "titles with header". */
  format: string;
  encoding: 'utf-8' | 'latin1';
  titles: Map<string, string>;
  genres: Map<string, string[]>;
}

/** MovieLens 100k's genre flag order (its u.genre). */
const ML100K_GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];
const ID_NAMES = ['movieid', 'itemid', 'id', 'item', 'movie', 'productid', 'bookid', 'isbn', 'asin'];
const TITLE_NAMES = ['title', 'name', 'movietitle', 'itemname', 'booktitle', 'productname'];
const GENRE_NAMES = ['genres', 'genre', 'category', 'categories'];
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const MAX_TITLES_BYTES = 256 << 20;

/** The titles file MovieLens ships beside a ratings file, if it is there. */
export function findTitlesFileBeside(ratingsPath: string): string | null {
  const dir = dirname(ratingsPath);
  const name = basename(ratingsPath);
  const candidates = /^u(\d|a|b)?\.(data|base|test)$/.test(name) ? ['u.item'] : name === 'ratings.dat' ? ['movies.dat'] : name === 'ratings.csv' ? ['movies.csv'] : [];
  for (const c of candidates) if (existsSync(join(dir, c))) return join(dir, c);
  return null;
}

export async function readTitlesFile(path: string): Promise<ItemTitles> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path, MAX_TITLES_BYTES, 'a titles file');
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    throw new DataImportError(e.code === 'not-found' ? 'not-found' : 'unreadable', path, null, e.problem);
  }
  if (bytes.length === 0) throw new DataImportError('empty', path, null, 'the titles file is empty');
  refuseNonText(path, bytes.subarray(0, 64 << 10));
  const encoding = isUtf8(bytes) ? 'utf-8' : 'latin1';
  const decoder = new TextDecoder(encoding);
  const lines = splitLines(bytes);
  const first = lines[0] ? decoder.decode(bytes.subarray(lines[0][0], lines[0][1])) : '';
  const delimiter = first.includes('::') ? '::' : first.split('|').length >= 5 ? '|' : first.includes('\t') ? '\t' : ',';
  const delim = Buffer.from(delimiter, 'latin1');
  const bounds = new FieldBounds();
  const titles = new Map<string, string>();
  const genres = new Map<string, string[]>();

  let layout: { id: number; title: number; genres: number | null; flags: boolean; fields: number | null };
  let format: string;
  let firstData = 0;
  if (delimiter === '|') {
    layout = { id: 0, title: 1, genres: null, flags: true, fields: null };
    format = 'u.item';
  } else if (delimiter === '::') {
    layout = { id: 0, title: 1, genres: 2, flags: false, fields: 3 };
    format = 'movies.dat';
  } else {
    const header = fieldsOf(bytes, lines[0], delim, bounds, decoder, path, 1).map(norm);
    const id = header.findIndex((h) => ID_NAMES.includes(h));
    const title = header.findIndex((h) => TITLE_NAMES.includes(h));
    if (id < 0 || title < 0) {
      throw new DataImportError('missing-column', path, 1, `the titles file's header needs an id column and a title column`, showText(first));
    }
    const g = header.findIndex((h) => GENRE_NAMES.includes(h));
    layout = { id, title, genres: g < 0 ? null : g, flags: false, fields: header.length };
    format = 'titles with header';
    firstData = 1;
  }
  for (let l = firstData; l < lines.length; l++) {
    const [s, e] = lines[l];
    if (s === e) continue;
    const f = fieldsOf(bytes, lines[l], delim, bounds, decoder, path, l + 1);
    if ((layout.fields !== null && f.length !== layout.fields) || f.length <= layout.title) {
      throw new DataImportError('bad-row', path, l + 1, `expected ${layout.fields ?? 'at least ' + (layout.title + 1)} fields, found ${f.length}`, showText(decoder.decode(bytes.subarray(s, e))));
    }
    const id = f[layout.id];
    titles.set(id, f[layout.title]);
    if (layout.flags) genres.set(id, ML100K_GENRES.filter((_, k) => f[f.length - 19 + k] === '1'));
    else if (layout.genres !== null && f[layout.genres] && f[layout.genres] !== '(no genres listed)') genres.set(id, f[layout.genres].split('|'));
  }
  return { file: path, format, encoding, titles, genres };
}

/** Sets itemTitles and itemGenres on `data` from `t`; returns how many items got a title. */
export function attachTitles(data: RatingsDataset, t: ItemTitles): number {
  let titled = 0;
  data.itemTitles = data.itemIds.map((id) => {
    const title = t.titles.get(id);
    if (title !== undefined) titled++;
    return title;
  });
  if (t.genres.size > 0) data.itemGenres = data.itemIds.map((id) => t.genres.get(id));
  return titled;
}

export function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** [start, end) of each line, the line break (and a byte-order mark) excluded. */
export function splitLines(bytes: Buffer): [number, number][] {
  const lines: [number, number][] = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length) {
    let nl = bytes.indexOf(0x0a, start);
    if (nl === -1) nl = bytes.length;
    lines.push([start, nl > start && bytes[nl - 1] === 0x0d ? nl - 1 : nl]);
    start = nl + 1;
  }
  return lines;
}

function fieldsOf(bytes: Buffer, [s, e]: [number, number], delim: Buffer, bounds: FieldBounds, decoder: TextDecoder, path: string, line: number): string[] {
  const n = splitFields(bytes, s, e, delim, bounds);
  if (n < 0) {
    const problem = n === UNTERMINATED_QUOTE ? 'unterminated quoted field' : 'text after a closing quote';
    throw new DataImportError('bad-row', path, line, problem, showText(decoder.decode(bytes.subarray(s, e))));
  }
  return Array.from({ length: Math.min(n, 256) }, (_, f) => fieldText(bytes, bounds, f, decoder));
}
