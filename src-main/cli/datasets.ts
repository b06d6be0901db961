/** Reading the ratings a training run needs, with one message line per file for people. */
import type { RatingsDataset } from '../data/dataset.ts';
import {
  attachTitles, type ColumnArena, findTitlesFileBeside, readRatingsFile, readTitlesFile, readTrainValidFiles, type ImportSummary,
} from '../data/import/index.ts';
import { randomSplit } from '../data/split.ts';

export interface Datasets {
  train: RatingsDataset;
  valid: RatingsDataset | null;
  /** What was read, one line per file, for people. */
  notes: string[];
}

const describe = (what: string, s: ImportSummary): string =>
  `${what}: ${s.file} (${s.format.label}): ${s.rows} ratings, ${s.users} users, ${s.items} items` +
  (s.duplicates ? `, ${s.duplicates} duplicate pairs (kept the last)` : '');

/**
 * The training set and its validation set in one id coding: a separate validation file
 * (validPath), a seeded random split of the ratings (validPct > 0), or no validation. Item
 * titles come along when MovieLens keeps them beside the ratings (u.item, movies.dat, movies.csv).
 * With an arena (the fused engine's), the columns are imported into it, except for a random split,
 * whose halves are new columns anyway.
 */
export async function loadDatasets(
  ratingsPath: string, validPath: string | null, validPct: number, seed: number, arena?: ColumnArena,
): Promise<Datasets> {
  return withTitles(ratingsPath, await readDatasets(ratingsPath, validPath, validPct, seed, arena));
}

/**
 * No command line here splits by time, so the timestamp column (8 bytes a rating: 200 MB at 25M
 * ratings) is not kept.
 */
const CLI_IMPORT = { timestamps: false } as const;

async function withTitles(ratingsPath: string, d: Datasets): Promise<Datasets> {
  const titlesPath = findTitlesFileBeside(ratingsPath);
  if (!titlesPath) return d;
  const titles = await readTitlesFile(titlesPath);
  const count = attachTitles(d.train, titles);
  if (d.valid) d.valid.itemTitles = d.train.itemTitles;
  return { ...d, notes: [...d.notes, `titles: ${titlesPath} (${count} of ${d.train.itemIds.length} items)`] };
}

async function readDatasets(ratingsPath: string, validPath: string | null, validPct: number, seed: number, arena: ColumnArena | undefined): Promise<Datasets> {
  const intoArena = arena ? { ...CLI_IMPORT, arena } : CLI_IMPORT;
  if (validPath !== null) {
    const pair = await readTrainValidFiles(ratingsPath, validPath, intoArena);
    const notes = [describe('train', pair.summary.train), describe('valid', pair.summary.valid)];
    const cold = coldStarts(pair.train);
    if (cold.users || cold.items) {
      notes.push(`valid has ${cold.users} users and ${cold.items} items not in train (cold starts)`);
    }
    return { train: pair.train, valid: pair.valid, notes };
  }
  const { data, summary } = await readRatingsFile(ratingsPath, validPct > 0 ? CLI_IMPORT : intoArena);
  const notes = [describe('train', summary)];
  if (validPct > 0) {
    const split = randomSplit(data, validPct, seed);
    notes.push(`random split (seed ${seed}): ${split.train.ratings.length} train, ${split.valid.ratings.length} valid ratings`);
    return { train: split.train, valid: split.valid, notes };
  }
  return { train: data, valid: null, notes };
}


/** Users and items of the shared id space without a single training rating. */
function coldStarts(train: RatingsDataset): { users: number; items: number } {
  const seenUsers = new Uint8Array(train.userIds.length);
  const seenItems = new Uint8Array(train.itemIds.length);
  for (let n = 0; n < train.ratings.length; n++) {
    seenUsers[train.users[n]] = 1;
    seenItems[train.items[n]] = 1;
  }
  const unseen = (seen: Uint8Array) => seen.length - seen.reduce((a, b) => a + b, 0);
  return { users: unseen(seenUsers), items: unseen(seenItems) };
}
