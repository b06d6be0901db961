import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RatingsDataset } from '../dataset.ts';
import { generatePlanted } from '../synthetic.ts';
import { writeRatingsCsv } from '../../io/ratings-csv.ts';
import { DataImportError, previewFile, readRatingsFile, readTrainValidFiles } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-import-'));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
/** Rows as `user,item,rating` with original ids, for comparing datasets. */
const rows = (d: RatingsDataset) => Array.from(d.ratings, (r, i) => `${d.userIds[d.users[i]]},${d.itemIds[d.items[i]]},${r}`);

describe('MovieLens formats', () => {
  it('ml-100k: u.data (tab, no header) with u.item titles and genres read as latin-1', async () => {
    const sub = mkdtempSync(join(dir, 'ml-100k-'));
    writeFileSync(join(sub, 'u.data'), '196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t4\t881250950\n');
    const flags = (on: number[]) => Array.from({ length: 19 }, (_, k) => (on.includes(k) ? 1 : 0)).join('|');
    writeFileSync(
      join(sub, 'u.item'),
      Buffer.from(`242|Kolya (1996)|24-Jan-1997||http://x|${flags([5])}\n302|L.A. Confidential (1997)|01-Jan-1997||http://y|${flags([6, 10])}\n303|Misérables, Les (1995)|01-Jan-1995||http://z|${flags([8])}\n`, 'latin1'),
    );
    const { data, summary } = await readRatingsFile(join(sub, 'u.data'));
    expect(summary.format.kind).toBe('movielens-100k');
    expect(summary).toMatchObject({ rows: 3, users: 2, items: 2, duplicates: 0, titled: 2, hasTimestamps: true });
    expect(rows(data)).toEqual(['196,242,3', '186,302,3', '196,302,4']);
    expect(data.itemTitles).toEqual(['Kolya (1996)', 'L.A. Confidential (1997)']);
    expect(data.itemGenres).toEqual([['Comedy'], ['Crime', 'Film-Noir']]);
    expect(Array.from(data.timestamps!)).toEqual([881250949, 891717742, 881250950]);
  });

  it('ml-1m: ratings.dat and movies.dat with "::" and latin-1 titles', async () => {
    const sub = mkdtempSync(join(dir, 'ml-1m-'));
    writeFileSync(join(sub, 'ratings.dat'), '1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n');
    writeFileSync(join(sub, 'movies.dat'), Buffer.from("1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n3::Amélie (2001)::Comedy\n", 'latin1'));
    const { data, summary } = await readRatingsFile(join(sub, 'ratings.dat'));
    expect(summary.format.kind).toBe('movielens-dat');
    expect(rows(data)).toEqual(['1,1193,5', '1,661,3', '2,1193,4']);
    expect(data.itemTitles).toEqual(["One Flew Over the Cuckoo's Nest (1975)", 'James and the Giant Peach (1996)']);
    expect(data.itemGenres?.[1]).toEqual(['Animation', "Children's", 'Musical']);
  });

  it('ml-latest / 25m: ratings.csv with half stars and movies.csv with quoted titles', async () => {
    const sub = mkdtempSync(join(dir, 'ml-25m-'));
    writeFileSync(join(sub, 'ratings.csv'), 'userId,movieId,rating,timestamp\r\n1,296,5.0,1147880044\r\n1,306,3.5,1147868817\r\n3,296,0.5,1439474476\r\n');
    writeFileSync(join(sub, 'movies.csv'), 'movieId,title,genres\n296,Pulp Fiction (1994),Comedy|Crime|Drama|Thriller\n306,"Three Colors: Red (Trois couleurs: Rouge) (1994)",Drama\n11,"American President, The (1995)",Comedy|Drama|Romance\n');
    const { data, summary } = await readRatingsFile(join(sub, 'ratings.csv'));
    expect(summary.format.kind).toBe('movielens-csv');
    expect(rows(data)).toEqual(['1,296,5', '1,306,3.5', '3,296,0.5']);
    expect(data.itemTitles).toEqual(['Pulp Fiction (1994)', 'Three Colors: Red (Trois couleurs: Rouge) (1994)']);
    expect(summary).toMatchObject({ ratingMin: 0.5, ratingMax: 5, titlesFile: join(sub, 'movies.csv') });
  });
});

describe('any CSV/TSV', () => {
  it('recognises header names like user_id / item_id / score in any order, and a semicolon', async () => {
    const { data, summary } = await readRatingsFile(file('semi.csv', 'score;item_id;user_id\n4;a;x\n2;b;y\n'));
    expect(summary.format).toMatchObject({ delimiter: ';', hasHeader: true, columns: { user: 2, item: 1, rating: 0, timestamp: null } });
    expect(rows(data)).toEqual(['x,a,4', 'y,b,2']);
  });

  it('maps columns by name or by index, with or without header', async () => {
    const named = await readRatingsFile(file('named.tsv', 'who\twhat\tstars\n1\t2\t3\n'), { columns: { user: 'who', item: 'what', rating: 'stars' } });
    expect(rows(named.data)).toEqual(['1,2,3']);
    const byIndex = await readRatingsFile(file('noheader.csv', '5,2019,alice,matrix\n4,2020,bob,matrix\n'), { hasHeader: false, columns: { user: 2, item: 3, rating: 0 } });
    expect(rows(byIndex.data)).toEqual(['alice,matrix,5', 'bob,matrix,4']);
    await expect(readRatingsFile(file('named2.csv', 'a,b,c\n1,2,3\n'), { columns: { user: 'a', item: 'b', rating: 'nope' } })).rejects.toThrow(
      'named2.csv:1: no column named "nope" for rating (a, b, c)',
    );
  });

  it('keeps ids of any type, quoted ids, and tells "007" from "7"', async () => {
    const { data } = await readRatingsFile(file('ids.csv', 'user,item,rating\n007,"The Matrix, Reloaded",5\n7,"say ""hi""",4\nünïcode,x,3\n7,x,2\n'));
    expect(data.userIds).toEqual(['007', '7', 'ünïcode']);
    expect(data.itemIds).toEqual(['The Matrix, Reloaded', 'say "hi"', 'x']);
    expect(rows(data)).toEqual(['007,The Matrix, Reloaded,5', '7,say "hi",4', 'ünïcode,x,3', '7,x,2']);
  });

  it('skips a UTF-8 byte-order mark, blank lines and CRLF endings', async () => {
    const { data } = await readRatingsFile(file('bom.csv', '\ufeffuser,item,rating\r\n\r\n1,2,3\r\n\r\n4,5,1'));
    expect(rows(data)).toEqual(['1,2,3', '4,5,1']);
  });

  // Issue 13 finding 10: a no-break space (U+00A0, what a web page or a spreadsheet often puts
  // around a pasted number) made the rating "Â 3" — the message decoded UTF-8 bytes as latin-1.
  // It is trimmed like a space around unquoted fields, as a user expects.
  it('trims no-break spaces around fields like spaces', async () => {
    const { data } = await readRatingsFile(file('nbsp.csv', 'user,item,rating\n1,2,\u00a03\n\u00a04 ,5,1\u00a0\u00a0\n'));
    expect(rows(data)).toEqual(['1,2,3', '4,5,1']);
  });

  it('duplicate (user, item): keeps the last, counts the others', async () => {
    const { data, summary } = await readRatingsFile(file('dup.csv', 'user,item,rating\n1,a,1\n2,a,2\n1,a,3\n1,b,4\n1,a,5\n'));
    expect(rows(data)).toEqual(['2,a,2', '1,b,4', '1,a,5']);
    expect(summary.duplicates).toBe(2);
  });
});

describe('bad rows', () => {
  const messy = () => file('messy.csv', 'user,item,rating\n1,2,3\n1,3,x\n2,2\n2,3,4\n3,3,NaN\n');

  it("'fail' (default) stops at the first bad row with file:line and the text", async () => {
    const path = messy();
    await expect(readRatingsFile(path)).rejects.toThrow(new DataImportError('bad-row', path, 3, 'rating "x" is not a number', '1,3,x'));
  });

  it('shows a bad rating as the text it is in UTF-8 (no mojibake)', async () => {
    const path = file('accent.csv', 'user,item,rating\n1,2,3\n1,3,\u00a0trois é\n');
    await expect(readRatingsFile(path)).rejects.toThrow(new DataImportError('bad-row', path, 3, 'rating "trois é" is not a number', '1,3,\u00a0trois é'));
  });

  it("'skip' counts bad rows and keeps up to N messages; a skipped row leaves no id behind", async () => {
    const { data, summary } = await readRatingsFile(messy(), { badRows: 'skip', maxBadRowExamples: 2 });
    expect(rows(data)).toEqual(['1,2,3', '2,3,4']);
    expect(summary.skipped).toBe(3);
    expect(summary.badRowExamples).toEqual([expect.stringMatching(/messy\.csv:3: rating "x" is not a number \(1,3,x\)$/), expect.stringMatching(/messy\.csv:4: expected 3 fields, found 2 \(2,2\)$/)]);
    expect(data.userIds).toEqual(['1', '2']);
  });

  it('a rating outside the declared scale is a bad row', async () => {
    const path = file('scale.csv', 'user,item,rating\n1,2,5\n1,3,6\n');
    await expect(readRatingsFile(path, { scale: { min: 1, max: 5 } })).rejects.toThrow(`${path}:3: rating 6 is outside the scale 1–5 (1,3,6)`);
    const { summary } = await readRatingsFile(path, { scale: { min: 1, max: 5 }, badRows: 'skip' });
    expect(summary).toMatchObject({ rows: 1, skipped: 1 });
  });

  // Issue 13 finding 7: 1e39 and 1e308 are finite doubles but Infinity as float32 (1e309 is
  // Infinity already); they passed and the sheet showed RMSE null. 2e6 takes the fast path.
  it('a rating too large for float32 (or beyond ±1,000,000) is a bad row, named by its text', async () => {
    for (const big of ['1e39', '1e308', '1e309', '-1e39', '2000000', '3.5e38']) {
      const path = file(`big-${big}.csv`, `user,item,rating\n1,2,5\n1,3,${big}\n`);
      await expect(readRatingsFile(path)).rejects.toThrow(`${path}:3: rating ${big} is too large (ratings must lie within ±1,000,000) (1,3,${big})`);
      const { data, summary } = await readRatingsFile(path, { badRows: 'skip' });
      expect(summary).toMatchObject({ rows: 1, skipped: 1 });
      expect(Array.from(data.ratings)).toEqual([5]);
    }
    const { data } = await readRatingsFile(file('edge.csv', 'user,item,rating\n1,2,1000000\n1,3,-1e6\n'));
    expect(Array.from(data.ratings)).toEqual([1e6, -1e6]);
  });

  it('a file whose every row is bad fails even when skipping', async () => {
    await expect(readRatingsFile(file('allbad.csv', 'user,item,rating\n1,2,x\n'), { badRows: 'skip' })).rejects.toThrow(/all 1 rows are bad/);
  });
});

describe('scale and streaming', () => {
  // 300k rows ≈ 6 MB: lines cross the 4 MB chunk boundary; ids in both orders, a few text ids.
  const { data: planted } = generatePlanted({ users: 3000, items: 2000, ratings: 300_000, rank: 3, noise: 0.3, seed: 7, scale: { lo: 0.5, hi: 5, step: 0.5 }, timestamps: { start: 1e9, end: 1.5e9 }, idPrefix: { user: '', item: 'm' } });

  it('round trip: dataset → ratings CSV → import gives the same rows, ids and timestamps', async () => {
    const path = join(dir, 'big.csv');
    await writeRatingsCsv(planted, path);
    const progress: number[] = [];
    const { data, summary } = await readRatingsFile(path, { onProgress: (p) => progress.push(p.bytesRead) });
    expect(summary.rows).toBe(300_000);
    expect(rows(data)).toEqual(rows(planted));
    expect(Array.from(data.timestamps!)).toEqual(Array.from(planted.timestamps!));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(summary.bytes);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('cancels through an AbortSignal with a DataImportError', async () => {
    const path = join(dir, 'big-cancel.csv');
    await writeRatingsCsv(planted, path);
    const abort = new AbortController();
    const run = readRatingsFile(path, { signal: abort.signal, onProgress: () => abort.abort() });
    await expect(run).rejects.toMatchObject({ code: 'cancelled', message: `${path}: import cancelled` });
  });
});

describe('previewFile', () => {
  it('shows the first rows, the layout and a suggested mapping', async () => {
    const p = await previewFile(file('prev.csv', 'userId,movieId,rating,timestamp\n1,2,3.5,100\n4,5,1,200\n'));
    expect(p).toMatchObject({ delimiter: ',', hasHeader: true, header: ['userId', 'movieId', 'rating', 'timestamp'], rows: [['1', '2', '3.5', '100'], ['4', '5', '1', '200']], problem: null });
    expect(p.format?.columns).toEqual({ user: 0, item: 1, rating: 2, timestamp: 3 });
  });

  it('returns the rows and the problem when no mapping is found, and previews again with the user’s choice', async () => {
    const path = file('prev2.csv', 'a,b,c\nx,y,1\n');
    const p = await previewFile(path);
    expect(p.format).toBeNull();
    expect(p.problem).toBe(`${path}:1: the header names no user column: map the columns explicitly (a, b, c)`);
    expect(p.rows).toEqual([['x', 'y', '1']]);
    const again = await previewFile(path, { columns: { user: 'a', item: 'b', rating: 'c' } });
    expect(again.format?.columns).toEqual({ user: 0, item: 1, rating: 2, timestamp: null });
  });
});

describe('readTrainValidFiles', () => {
  it('codes both files with one id map', async () => {
    const train = file('u1.base', '1\t10\t5\t1\n2\t20\t3\t2\n');
    const valid = file('u1.test', '2\t10\t4\t3\n3\t30\t1\t4\n');
    const r = await readTrainValidFiles(train, valid);
    expect(r.train.userIds).toEqual(['1', '2', '3']);
    expect(r.valid.userIds).toBe(r.train.userIds);
    expect(rows(r.valid)).toEqual(['2,10,4', '3,30,1']);
    expect(Array.from(r.valid.users)).toEqual([1, 2]);
    expect(r.summary.valid.rows).toBe(2);
  });
});
