/**
 * Import benchmark: generates ratings.csv files of MovieLens-25M shape (userId,movieId,rating,
 * timestamp; power-law popularity, half stars) once into the temp folder, then imports each in a
 * fresh child process and prints wall time and peak resident memory (the child's maxRSS, so the
 * generator's own memory does not count).
 *
 * --shared: columns over SharedArrayBuffer (as the fused trainer takes them); --no-timestamps:
 * without the timestamp column (a run with a --valid file needs no time split).
 *
 *   node --import tsx bench/import.ts [--rows 100000,1000000,25000000] [--shared] [--no-timestamps] [--json]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readRatingsFile } from '../src-main/data/import/index.ts';
import { ensureMovieLensShapedCsv } from './ml25m-shape.ts';

interface ChildResult {
  rows: number;
  users: number;
  items: number;
  seconds: number;
  peakRssMB: number;
  megabytes: number;
}

async function child(path: string, flags: string[]): Promise<void> {
  const { summary } = await readRatingsFile(path, { sharedMemory: flags.includes('--shared'), timestamps: !flags.includes('--no-timestamps') });
  const result: ChildResult = {
    rows: summary.rows,
    users: summary.users,
    items: summary.items,
    seconds: summary.seconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    megabytes: summary.bytes / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args.slice(2));
  const rowsArg = args.indexOf('--rows');
  const sizes = rowsArg >= 0 ? args[rowsArg + 1].split(',').map(Number) : [100_000, 1_000_000, 25_000_000];
  const json = args.includes('--json');
  for (const rows of sizes) {
    const path = await ensureMovieLensShapedCsv(rows);
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', path, ...args.filter((a) => a === '--shared' || a === '--no-timestamps')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`import of ${path} failed: ${run.stderr}`);
    const r = JSON.parse(run.stdout) as ChildResult;
    if (json) console.log(JSON.stringify({ bench: 'import', ...r }));
    else {
      console.log(
        `import ${String(r.rows).padStart(10)} rows (${r.megabytes.toFixed(0)} MB, ${r.users} users × ${r.items} items): ` +
          `${r.seconds.toFixed(2)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB`,
      );
    }
  }
}

await main();
