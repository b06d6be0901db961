/**
 * The scale benchmark's data as files (issue 11: every contender reads the same data from disk,
 * so import is part of each whole-run figure): bench/scale-data.ts's planted MovieLens-25M-shaped
 * ratings, split 90/10, written once into the temp folder as
 *   train.csv / valid.csv  (userId,movieId,rating; what `collabsheet train` reads)
 *   train.txt / valid.txt  (libmf's text format: `user item rating`, 0-based integer ids)
 * Ids are the planted data's dense codes, the same in both formats. Rows are grouped by user, as
 * MovieLens dumps are. Generating 25M ratings takes GBs, so it runs in its own process:
 *
 *   node --import tsx bench/scale-files.ts <rows>      (prints the folder)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RatingsDataset } from '../src-main/data/dataset.ts';
import { scaleData } from './scale-data.ts';

export interface ScaleFiles {
  dir: string;
  trainCsv: string;
  validCsv: string;
  trainTxt: string;
  validTxt: string;
}

export function scaleFilesFor(rows: number): ScaleFiles {
  const dir = join(tmpdir(), 'collabsheet-bench', `scale-${rows}`);
  return { dir, trainCsv: join(dir, 'train.csv'), validCsv: join(dir, 'valid.csv'), trainTxt: join(dir, 'train.txt'), validTxt: join(dir, 'valid.txt') };
}

/** The files for `rows` ratings, generated (in a child process) when missing. */
export function ensureScaleFiles(rows: number): ScaleFiles {
  const files = scaleFilesFor(rows);
  if (existsSync(join(files.dir, 'done'))) return files;
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(rows)], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`generating the ${rows}-rating scale files failed (exit ${run.status})`);
  return files;
}

/** Row order grouped by user, file order kept within a user (a stable counting sort). */
function byUser(d: RatingsDataset): Int32Array {
  const start = new Int32Array(d.userIds.length + 1);
  for (let i = 0; i < d.users.length; i++) start[d.users[i] + 1]++;
  for (let u = 0; u < d.userIds.length; u++) start[u + 1] += start[u];
  const order = new Int32Array(d.users.length);
  for (let i = 0; i < d.users.length; i++) order[start[d.users[i]]++] = i;
  return order;
}

async function writeBoth(d: RatingsDataset, csv: string, txt: string): Promise<void> {
  const order = byUser(d);
  const out = { csv: createWriteStream(`${csv}.part`), txt: createWriteStream(`${txt}.part`) };
  const write = (s: NodeJS.WritableStream, text: string) => new Promise<void>((resolve) => (s.write(text) ? resolve() : s.once('drain', resolve)));
  await write(out.csv, 'userId,movieId,rating\n');
  const BLOCK = 1 << 16;
  for (let at = 0; at < order.length; at += BLOCK) {
    let c = '';
    let t = '';
    for (let k = at; k < Math.min(at + BLOCK, order.length); k++) {
      const r = order[k];
      const u = d.users[r];
      const i = d.items[r];
      const x = d.ratings[r];
      c += `${u},${i},${x}\n`;
      t += `${u} ${i} ${x}\n`;
    }
    await write(out.csv, c);
    await write(out.txt, t);
  }
  await Promise.all([out.csv, out.txt].map((s) => new Promise((resolve) => s.end(resolve))));
  renameSync(`${csv}.part`, csv);
  renameSync(`${txt}.part`, txt);
}

async function generate(rows: number): Promise<void> {
  const files = scaleFilesFor(rows);
  mkdirSync(files.dir, { recursive: true });
  const d = scaleData(rows);
  await writeBoth(d.train, files.trainCsv, files.trainTxt);
  await writeBoth(d.valid, files.validCsv, files.validTxt);
  writeFileSync(join(files.dir, 'done'), JSON.stringify({ rows, users: d.users, items: d.items, plantedValidRmse: d.plantedValidRmse }));
  console.log(files.dir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await generate(Number(process.argv[2]));
