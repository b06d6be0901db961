/**
 * Issue 15 item 1: side-feature files. Every fixture is generated here in the shape of the
 * MovieLens file it stands for (never a copy of MovieLens): u.item, u.user, users.dat,
 * movies.dat, movies.csv, and header CSV/TSVs whose columns' kinds are detected.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataImportError } from './errors.ts';
import {
  autoKind, type CategoricalFeature, type Feature, FEATURE_LIMITS, type FeatureImportOptions, type MultiFeature, normalised,
  readFeatureFile, UNKNOWN,
} from './features.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-features-'));
let n = 0;
/** Writes `content` to a new file named `name` and returns its path. */
function fixture(name: string, content: string | Buffer): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, content);
  return path;
}

const feature = <K extends Feature['kind']>(features: Feature[], name: string, kind: K) => {
  const f = features.find((x) => x.name === name);
  expect(f, name).toBeDefined();
  expect(f!.kind).toBe(kind);
  return f as Extract<Feature, { kind: K }>;
};
/** The values row r of a categorical or multi-valued feature holds. */
const valuesOf = (f: CategoricalFeature | MultiFeature, r: number): string[] =>
  f.kind === 'categorical' ? [f.vocabulary[f.codes[r]]] : Array.from(f.codes.subarray(f.offsets[r], f.offsets[r + 1]), (c) => f.vocabulary[c]);

const GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];
/** A u.item line: id|title|date|video date|url|19 flags. */
const uItemLine = (id: number, title: string, date: string, genres: string[]) =>
  [id, title, date, '', `http://us.imdb.com/M/title-exact?${id}`, ...GENRES.map((g) => (genres.includes(g) ? '1' : '0'))].join('|');

async function importError(path: string, options?: FeatureImportOptions): Promise<string> {
  const e = await readFeatureFile(path, options).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(DataImportError);
  expect((e as Error).message).not.toContain('\n');
  return (e as Error).message;
}

describe('MovieLens files', () => {
  it('u.item: 19 genre flags as a multi-valued feature and the year from the title (latin-1, the date when the title has none)', async () => {
    const lines = [
      uItemLine(1, 'Toy Story (1995)', '01-Jan-1995', ['Animation', "Children's", 'Comedy']),
      uItemLine(2, 'Misérables, Les (1995)', '01-Jan-1995', ['Drama', 'War']),
      uItemLine(3, 'Untitled', '05-May-1997', []),
      uItemLine(4, 'Nothing', '', ['unknown']),
    ];
    const path = fixture('u.item', Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
    const t = await readFeatureFile(path);
    expect(t.format).toBe('u.item');
    expect(t.encoding).toBe('latin1');
    expect(t.ids).toEqual(['1', '2', '3', '4']);
    expect(t.features.map((f) => f.name)).toEqual(['genres', 'year']);
    const genres = feature(t.features, 'genres', 'multi');
    // All 19 in u.genre's order, whichever appear: "19 genres" whatever the rows hold.
    expect(genres.vocabulary).toEqual([UNKNOWN, ...GENRES]);
    expect(valuesOf(genres, 0)).toEqual(['Animation', "Children's", 'Comedy']);
    expect(valuesOf(genres, 1)).toEqual(['Drama', 'War']);
    expect(valuesOf(genres, 2)).toEqual([UNKNOWN]); // no flag set: unknown, never an empty row
    expect(valuesOf(genres, 3)).toEqual(['unknown']); // MovieLens' own "unknown" genre is a genre
    expect(genres.unknown).toBe(1);
    const year = feature(t.features, 'year', 'numeric');
    expect(Array.from(year.values)).toEqual([1995, 1995, 1997, NaN]);
    expect(year.unknown).toBe(1);
    expect(year.mean).toBeCloseTo((1995 * 2 + 1997) / 3, 6);
    expect(normalised(year, 3)).toBe(0);
    expect(normalised(year, 2)).toBeCloseTo((1997 - year.mean) / year.std, 6);
  });

  it('u.user: age as a number; gender, occupation and the zip code\'s region as categories', async () => {
    const path = fixture('u.user', '1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n4|33|F|other|T8H1N\n');
    const t = await readFeatureFile(path);
    expect(t.format).toBe('u.user');
    expect(t.features.map((f) => `${f.name}:${f.kind}`)).toEqual(['age:numeric', 'gender:categorical', 'occupation:categorical', 'zip_region:categorical']);
    expect(Array.from(feature(t.features, 'age', 'numeric').values)).toEqual([24, 53, 23, 33]);
    const gender = feature(t.features, 'gender', 'categorical');
    expect(gender.vocabulary).toEqual([UNKNOWN, 'M', 'F']);
    expect(Array.from(gender.codes)).toEqual([1, 2, 1, 2]);
    expect([0, 1, 2, 3].map((r) => valuesOf(feature(t.features, 'zip_region', 'categorical'), r)[0])).toEqual(['8', '9', '3', 'T']);
  });

  it('u.user with age mapped as categorical', async () => {
    const path = fixture('u.user', '1|24|M|technician|85711\n2|24|F|other|94043\n');
    const t = await readFeatureFile(path, { columns: { age: 'categorical', zip_region: 'skip' } });
    expect(feature(t.features, 'age', 'categorical').vocabulary).toEqual([UNKNOWN, '24']);
    expect(t.features.map((f) => f.name)).toEqual(['age', 'gender', 'occupation']);
    expect(t.skippedColumns).toContainEqual({ column: 'zip_region', reason: 'left out as asked' });
  });

  it('users.dat (ml-1m): the age and occupation codes become their README\'s words', async () => {
    const path = fixture('users.dat', '1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n4::M::45::7::02460\n');
    const t = await readFeatureFile(path);
    expect(t.format).toBe('users.dat');
    const age = feature(t.features, 'age', 'categorical');
    expect([0, 1, 2, 3].map((r) => valuesOf(age, r)[0])).toEqual(['Under 18', '56+', '25-34', '45-49']);
    expect(age.vocabulary).toEqual([UNKNOWN, 'Under 18', '18-24', '25-34', '35-44', '45-49', '50-55', '56+']); // in age order
    expect(feature(t.features, 'occupation', 'categorical').vocabulary).toHaveLength(22);
    expect([0, 1, 2, 3].map((r) => valuesOf(feature(t.features, 'occupation', 'categorical'), r)[0])).toEqual(['K-12 student', 'self-employed', 'scientist', 'executive/managerial']);
    expect(valuesOf(feature(t.features, 'gender', 'categorical'), 0)).toEqual(['F']);
  });

  it('movies.csv: genres split on |, "(no genres listed)" unknown, the year from quoted titles', async () => {
    const path = fixture('movies.csv', 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n2,"American President, The (1995)",Comedy|Drama|Romance\n3,Some Film,(no genres listed)\n');
    const t = await readFeatureFile(path);
    expect(t.format).toBe('movies.csv');
    expect(t.ids).toEqual(['1', '2', '3']);
    const genres = feature(t.features, 'genres', 'multi');
    expect(genres.vocabulary).toEqual([UNKNOWN, 'Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy', 'Drama', 'Romance']);
    expect(valuesOf(genres, 1)).toEqual(['Comedy', 'Drama', 'Romance']);
    expect(valuesOf(genres, 2)).toEqual([UNKNOWN]);
    expect(Array.from(feature(t.features, 'year', 'numeric').values)).toEqual([1995, 1995, NaN]);
    expect(t.skippedColumns).toContainEqual({ column: 'title', reason: 'text: its year is taken' });
  });

  it('movies.dat (ml-1m): id::title::genres', async () => {
    const t = await readFeatureFile(fixture('movies.dat', '1::Toy Story (1995)::Animation|Comedy\n2::Jumanji (1995)::Adventure\n'));
    expect(t.format).toBe('movies.dat');
    expect(valuesOf(feature(t.features, 'genres', 'multi'), 0)).toEqual(['Animation', 'Comedy']);
    expect(Array.from(feature(t.features, 'year', 'numeric').values)).toEqual([1995, 1995]);
  });
});

describe('a CSV or TSV with a header, keyed by an id column', () => {
  it('detects each column\'s kind: numbers, | lists, labels; free text and ids are left out', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i + 1}\tblurb number ${i}\t${20 + i}\t${i % 2 ? 'a|b' : 'c'}\t${['x', 'y', 'z'][i % 3]}\t`);
    const t = await readFeatureFile(fixture('side.tsv', `item_id\tdescription\tprice\ttags\tcolour\tempty\n${rows.join('\n')}\n`));
    expect(t.format).toBe('csv');
    expect(t.label).toBe('tab-separated with header, keyed by "item_id"');
    expect(t.features.map((f) => `${f.name}:${f.kind}`)).toEqual(['price:numeric', 'tags:multi', 'colour:categorical']);
    expect(t.skippedColumns.map((s) => s.column)).toEqual(['description', 'empty']);
    expect(t.skippedColumns[0].reason).toMatch(/^30 distinct values in 30 rows: free text or an id/);
    expect(t.skippedColumns[1].reason).toBe('no values');
  });

  it('overrides: an integer code column as categorical, free text kept when asked, another id column', async () => {
    const path = fixture('users.csv', 'key,userId,occupation_code,name\n9,1,3,Ann\n8,2,3,Bob\n7,3,12,Cy\n');
    const t = await readFeatureFile(path, { id: 'userId', columns: { occupation_code: 'categorical', name: 'categorical' } });
    expect(t.ids).toEqual(['1', '2', '3']);
    expect(feature(t.features, 'occupation_code', 'categorical').vocabulary).toEqual([UNKNOWN, '3', '12']);
    expect(feature(t.features, 'name', 'categorical').vocabulary).toHaveLength(4);
    expect(feature(t.features, 'key', 'numeric').mean).toBe(8);
  });

  it('an override naming no column, or a kind the column cannot take, is refused with the choices', async () => {
    const path = fixture('users.csv', 'userId,age\n1,20\n');
    expect(await importError(path, { columns: { agee: 'numeric' } })).toBe(`${path}: no feature column "agee" to map: the columns are age`);
    expect(await importError(fixture('u.user', '1|24|M|technician|85711\n'), { columns: { gender: 'numeric' } })).toMatch(/: "gender" cannot be read as numeric: it can be categorical$/);
    expect(await importError(path, { id: 'uid' })).toBe(`${path}:1: no column named "uid" for the id (userId,age)`);
  });

  it('autoKind on its own', () => {
    expect(autoKind(['1', '2.5', '', '-3e2'])).toBe('numeric');
    expect(autoKind(['a|b', 'c'])).toBe('multi');
    expect(autoKind(['a', 'b', 'a'])).toBe('categorical');
    expect(autoKind(['', ''])).toEqual({ skip: 'no values' });
    expect(autoKind(['1', 'n/a'])).toBe('categorical');
  });
});

describe('broken files: one line naming file:line and the problem', () => {
  it.each([
    ['wrong field count', 'userId,age,gender\n1,20,M\n2,30\n', ':3: expected 3 fields, found 2 (2,30)'],
    ['unterminated quote', 'movieId,title,genres\n1,"Toy Story (1995),Comedy\n', ':2: unterminated quoted field (1,"Toy Story (1995),Comedy)'],
    ['duplicate id', 'userId,age\n1,20\n2,30\n1,40\n', ':4: id "1" is listed again (first on line 2) (1,40)'],
    ['empty id', 'userId,age\n,20\n', ':2: the id is empty (,20)'],
    ['no id column', 'age,gender\n20,M\n', ':1: the header needs an id column (e.g. id, movieId, userId, or a name ending in "id") (age,gender)'],
    ['duplicate header name', 'userId,age,age\n1,2,3\n', ':1: the header names "age" twice (columns 2 and 3)'],
    ['header only', 'userId,age\n', ': the features file has a header but no rows'],
    ['blank', '\n\n  \n', ': the features file holds only blank lines'],
    ['u.item with a cut line', `${uItemLine(1, 'A (1990)', '', ['Drama'])}\n2|B (1991)|||x|0|1\n`, ':2: expected 24 fields, found 7 (2|B (1991)|||x|0|1)'],
    ['u.user age not a number', '1|24|M|technician|85711\n2|old|F|other|94043\n', ':2: "age" is "old", not a number (map the column as categorical if it is a label)'],
    ['headerless | file of another shape', '1|2|3\n', ":1: a '|'-separated file without a header is read as MovieLens u.item (24 fields) or u.user (5 fields); this line has 3: add a header naming the columns (1|2|3)"],
    ['a :: file of another shape', '1::2\n', ":1: a '::'-separated file is read as MovieLens users.dat (5 fields) or movies.dat (3 fields); this line has 2 (1::2)"],
    ['number too large', 'id,price\n1,1e300\n', ':2: "price" is 1e300: beyond ±10^12, too large for a numeric feature'],
  ])('%s', async (_name, content, expected) => {
    const path = fixture('broken.csv', content);
    expect(await importError(path)).toBe(`${path}${expected}`);
  });

  it('too many columns, too long a line, a binary file, a missing file', async () => {
    const wide = fixture('wide.csv', `id,${Array.from({ length: 70 }, (_, i) => `c${i}`).join(',')}\n`);
    expect(await importError(wide)).toBe(`${wide}:1: the header has 71 columns: at most 64 feature columns and an id are read; keep the columns you need`);
    const long = fixture('long.csv', `id,note\n1,a\n2,${'x'.repeat(FEATURE_LIMITS.lineBytes)}\n`);
    expect(await importError(long)).toBe(`${long}:3: line longer than 64 KB: not a features file?`);
    const binary = fixture('bin.csv', Buffer.from([0x69, 0x64, 0x0a, 0x00, 0x01]));
    expect(await importError(binary)).toBe(`${binary}:2: the file is binary, not text (it contains NUL bytes)`);
    expect(await importError(join(dir, 'absent.csv'))).toBe(`${join(dir, 'absent.csv')}: no such file`);
  });

  it('too many values in one multi-valued cell', async () => {
    const path = fixture('tags.csv', `id,tags\n1,a|b\n2,${Array.from({ length: 65 }, (_, i) => `t${i}`).join('|')}\n`);
    expect(await importError(path)).toBe(`${path}:3: "tags" lists 65 values: at most 64 are read per row`);
  });

  it('a vocabulary past the cap is refused at the line that crosses it', async () => {
    const rows = Array.from({ length: FEATURE_LIMITS.vocabulary + 2 }, (_, i) => `${i},v${i}`);
    const path = fixture('huge.csv', `id,label\n${rows.join('\n')}\n`);
    expect(await importError(path, { columns: { label: 'categorical' } })).toBe(
      `${path}:${FEATURE_LIMITS.vocabulary + 2}: "label" has more than 65,536 distinct values: too many for a categorical feature (leave the column out)`,
    );
  });

  it('skip mode drops bad rows, reads bad cells as unknown, and says which', async () => {
    const path = fixture('u.user', '1|24|M|technician|85711\n2|old|F|other|94043\n3|30|M\n1|50|F|x|1\n');
    const t = await readFeatureFile(path, { badRows: 'skip' });
    expect(t.ids).toEqual(['1', '2']);
    expect(t.skippedRows).toBe(2);
    expect(t.badCells).toBe(1);
    expect(Array.from(feature(t.features, 'age', 'numeric').values)).toEqual([24, NaN]);
    expect(t.badRowExamples).toEqual([
      `${path}:3: expected 5 fields, found 3 (3|30|M)`,
      `${path}:4: id "1" is listed again (first on line 1) (1|50|F|x|1)`,
      `${path}:2: "age" is "old", not a number (map the column as categorical if it is a label)`,
    ]);
  });
});

describe('parser fuzzing', () => {
  const path = join(dir, 'fuzz.csv');

  /** Imports `bytes`; anything thrown must be a one-line DataImportError; what is read is well-formed. */
  async function importsOrExplains(bytes: Uint8Array, options?: FeatureImportOptions): Promise<void> {
    writeFileSync(path, bytes);
    try {
      const t = await readFeatureFile(path, options);
      expect(new Set(t.ids).size).toBe(t.ids.length);
      for (const f of t.features) checkWellFormed(f, t.ids.length);
    } catch (e) {
      if (!(e instanceof DataImportError)) throw e;
      expect(e.message).not.toContain('\n');
      expect(e.message.startsWith(path)).toBe(true);
    }
  }

  it('arbitrary bytes: imports or throws DataImportError, never anything else', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), (b) => importsOrExplains(b)), { numRuns: 300 });
  });

  it('feature-like text with random damage, failing and skipping', async () => {
    const token = fc.constantFrom('1', '42', '007', '3.5', 'x', 'M', 'F', '', '"', '"a,b"', ',', '\t', '|', '::', '\n', '\r\n', ' ', 'NaN', '-1', '1e3', '(1995)', 'é', '\u0000', '\uFFFD');
    const line = fc.array(token, { maxLength: 14 }).map((t) => t.join(''));
    const header = fc.constantFrom('userId,age,gender\n', 'movieId,title,genres\n', 'id\ttags\tprice\n', '1|24|M|technician|85711\n', '1::F::1::10::48067\n', '');
    const file = fc.tuple(header, fc.array(line, { maxLength: 30 }), fc.constantFrom<FeatureImportOptions['badRows']>('fail', 'skip'));
    await fc.assert(fc.asyncProperty(file, ([h, lines, badRows]) => importsOrExplains(Buffer.from(h + lines.join('\n'), 'utf8'), { badRows })), { numRuns: 400 });
  });
});

/** Codes in range, CSR offsets rising with at least one code a row, numbers finite or NaN, unknown counted right. */
function checkWellFormed(f: Feature, rows: number): void {
  if (f.kind === 'numeric') {
    expect(f.values.length).toBe(rows);
    expect(f.values.filter((x) => Number.isNaN(x)).length).toBe(f.unknown);
    expect(Number.isFinite(f.mean) && Number.isFinite(f.std)).toBe(true);
    return;
  }
  expect(f.vocabulary[0]).toBe(UNKNOWN);
  expect(f.codes.every((c) => c >= 0 && c < f.vocabulary.length)).toBe(true);
  if (f.kind === 'categorical') {
    expect(f.codes.length).toBe(rows);
    expect(f.codes.filter((c) => c === 0).length).toBe(f.unknown);
    return;
  }
  expect(f.offsets.length).toBe(rows + 1);
  let unknown = 0;
  for (let r = 0; r < rows; r++) {
    expect(f.offsets[r + 1]).toBeGreaterThan(f.offsets[r]);
    if (f.codes[f.offsets[r]] === 0) unknown++;
  }
  expect(f.offsets[rows]).toBe(f.codes.length);
  expect(unknown).toBe(f.unknown);
}
