/**
 * Issue 15 item 1: side features joined onto a ratings dataset's codes, through the real
 * importers (so the ids are the dataset's as IdCoder keeps them), with the match counts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeatureFile, UNKNOWN } from './features.ts';
import { joinFeatures } from './features-join.ts';
import { readRatingsFile } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-features-join-'));

describe('joinFeatures', () => {
  it('lays u.user rows onto the dataset\'s user codes; unlisted users are unknown; counts matched, unmatched and extra', async () => {
    // Users appear in the ratings in the order 5, 2, 9, 7 (codes 0…3); the file lists 2, 5, 7 and 8.
    writeFileSync(join(dir, 'u.data'), '5\t1\t4\t1\n2\t1\t3\t1\n9\t2\t5\t1\n7\t2\t1\t1\n');
    writeFileSync(join(dir, 'u.user'), '2|20|F|writer|11111\n5|40|M|other|22222\n7|60|F|writer|33333\n8|99|M|artist|44444\n');
    const { data } = await readRatingsFile(join(dir, 'u.data'), { titles: false });
    expect(data.userIds).toEqual(['5', '2', '9', '7']);
    const joined = joinFeatures(await readFeatureFile(join(dir, 'u.user')), data.userIds);
    expect({ count: joined.count, matched: joined.matched, unmatched: joined.unmatched, extra: joined.extra }).toEqual({ count: 4, matched: 3, unmatched: 1, extra: 1 });
    const [age, gender, occupation] = joined.features;
    if (age.kind !== 'numeric' || gender.kind !== 'categorical' || occupation.kind !== 'categorical') throw new Error('kinds');
    expect(Array.from(age.values)).toEqual([40, 20, NaN, 60]);
    expect(age.unknown).toBe(1);
    // Mean and std over the matched users: user 8's 99 is not among them.
    expect(age.mean).toBeCloseTo(40, 6);
    expect(age.std).toBeCloseTo(Math.sqrt(800 / 3), 5);
    expect(Array.from(gender.codes, (c) => gender.vocabulary[c])).toEqual(['M', 'F', UNKNOWN, 'F']);
    expect(gender.unknown).toBe(1);
    expect(occupation.vocabulary).toEqual([UNKNOWN, 'writer', 'other', 'artist']);
  });

  it('multi-valued genres onto item codes, text ids matched exactly ("007" is not "7")', async () => {
    writeFileSync(join(dir, 'ratings.csv'), 'user,item,rating\na,007,4\na,m2,3\nb,7,5\nb,m3,2\n');
    writeFileSync(join(dir, 'movies.csv'), 'movieId,title,genres\n007,A (1990),Action|Drama\nm3,B (2000),(no genres listed)\nm2,C (1980),Comedy\n');
    const { data } = await readRatingsFile(join(dir, 'ratings.csv'), { titles: false });
    expect(data.itemIds).toEqual(['007', 'm2', '7', 'm3']);
    const joined = joinFeatures(await readFeatureFile(join(dir, 'movies.csv')), data.itemIds);
    expect({ matched: joined.matched, unmatched: joined.unmatched, extra: joined.extra }).toEqual({ matched: 3, unmatched: 1, extra: 0 });
    const genres = joined.features.find((f) => f.name === 'genres')!;
    if (genres.kind !== 'multi') throw new Error('kind');
    const rows = [0, 1, 2, 3].map((c) => Array.from(genres.codes.subarray(genres.offsets[c], genres.offsets[c + 1]), (k) => genres.vocabulary[k]));
    expect(rows).toEqual([['Action', 'Drama'], ['Comedy'], [UNKNOWN], [UNKNOWN]]);
    expect(genres.unknown).toBe(2); // "7" is not in the file; m3 lists no genres
    const year = joined.features.find((f) => f.name === 'year')!;
    if (year.kind !== 'numeric') throw new Error('kind');
    expect(Array.from(year.values)).toEqual([1990, 1980, NaN, 2000]);
  });
});
