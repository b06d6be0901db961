/**
 * Check (not a test: it needs the real MovieLens file): randomSplit(u.data, 0.1, 42) must give
 * exactly the rows of ../shared/data/ml-100k/valid.csv and train.csv, in the same order — the
 * split every benchmark figure is quoted on (ARCHITECTURE.md §3).
 *
 *   node --import tsx src-main/data/checks/ml100k-split.ts [dir-with-u.data-valid.csv-train.csv]
 */
import { join } from 'node:path';
import type { RatingsDataset } from '../dataset.ts';
import { readRatingsFile } from '../import/index.ts';
import { randomSplit } from '../split.ts';

const dir = process.argv[2] ?? '/work/shared/data/ml-100k';
const { data } = await readRatingsFile(join(dir, 'u.data'), { titles: false });
const split = randomSplit(data, 0.1, 42);

const rowsOf = (d: RatingsDataset) => Array.from(d.ratings, (r, i) => `${d.userIds[d.users[i]]},${d.itemIds[d.items[i]]},${r}`);
let failed = false;
for (const part of ['valid', 'train'] as const) {
  const expected = rowsOf((await readRatingsFile(join(dir, `${part}.csv`), { titles: false })).data);
  const got = rowsOf(split[part]);
  const firstDiff = got.findIndex((row, i) => row !== expected[i]);
  const same = got.length === expected.length && firstDiff === -1;
  failed ||= !same;
  console.log(`${part}: ${got.length} rows, ${part}.csv ${expected.length} rows: ${same ? 'identical, same order' : `DIFFER at row ${firstDiff}`}`);
}
process.exitCode = failed ? 1 : 0;
