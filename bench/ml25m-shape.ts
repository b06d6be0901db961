/**
 * Generated ratings.csv files of MovieLens-25M shape (userId,movieId,rating,timestamp; power-law
 * popularity, half stars), made once into the temp folder and shared by the benchmarks.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePlanted } from '../src-main/data/synthetic.ts';
import { writeRatingsCsv } from '../src-main/io/ratings-csv.ts';

export const ML25M = { users: 162_541, items: 59_047, ratings: 25_000_095 };

/** A MovieLens-25M-like ratings.csv with `rows` ratings (users and items scaled by √(rows/25M)). */
export async function ensureMovieLensShapedCsv(rows: number): Promise<string> {
  const dir = join(tmpdir(), 'collabsheet-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `ratings-ml25m-shape-${rows}.csv`);
  if (existsSync(path)) return path;
  const f = Math.sqrt(rows / ML25M.ratings);
  const { data } = generatePlanted({
    users: Math.round(ML25M.users * f),
    items: Math.round(ML25M.items * f),
    ratings: rows,
    rank: 8,
    noise: 0.8,
    seed: 25,
    mean: 3.5,
    popularitySkew: 0.6,
    userSkew: 0.5,
    scale: { lo: 0.5, hi: 5, step: 0.5 },
    timestamps: { start: 789_652_009, end: 1_574_327_703 },
    idPrefix: { user: '', item: '' },
  });
  await writeRatingsCsv(data, `${path}.part`, { columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' }, overwrite: true });
  renameSync(`${path}.part`, path);
  return path;
}
