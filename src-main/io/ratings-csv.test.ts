import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRatingsFile } from '../data/import/index.ts';
import { writeRatingsCsv } from './ratings-csv.ts';

describe('writeRatingsCsv', () => {
  it('quotes ids that need it, prints float32 ratings shortly, and reads back the same', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'collabsheet-csv-')), 'out.csv');
    const data = {
      users: Int32Array.of(0, 1, 2),
      items: Int32Array.of(0, 1, 1),
      ratings: Float32Array.of(3.7, 4.5, 1),
      timestamps: Float64Array.of(964982703, 964981247, 1),
      userIds: ['plain', 'has,comma', ' padded '],
      itemIds: ['say "hi"', 'Amélie'],
    };
    await writeRatingsCsv(data, path, { columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } });
    expect(readFileSync(path, 'utf8')).toBe(
      'userId,movieId,rating,timestamp\nplain,"say ""hi""",3.7,964982703\n"has,comma",Amélie,4.5,964981247\n" padded ",Amélie,1,1\n',
    );
    const back = (await readRatingsFile(path)).data;
    expect(back.userIds).toEqual(['plain', 'has,comma', ' padded ']);
    expect(back.itemIds).toEqual(data.itemIds);
    expect(Array.from(back.ratings)).toEqual(Array.from(data.ratings));
  });
});
