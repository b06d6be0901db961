/**
 * `npm run bench -- --scale`: issue 11's side-by-side figures. For each size (1M, 5M and 25M
 * ratings of MovieLens-25M shape by default; bench/scale-files.ts writes them once as CSV and as
 * libmf's text format) every contender runs as its own process from the files on disk, so each
 * figure is a whole run — reading the data included — with that process's own peak memory:
 *
 *   libmf            mf-train -s 2 -k 50 -l2 0.1 -t 10 (valid RMSE from mf-predict, not timed)
 *   fused / onnx     collabsheet train train.csv --valid valid.csv --factors 50 --epochs 10 --engine …
 *                    (onnx with the scale recipe's batch: bs 32768, lr 0.01, lazy updates)
 *   TS per-rating    bench/funk-svd.ts (k 50, 10 epochs), importing the same CSVs
 *
 * libmf is a reference peer (../shared/peers/libmf, built with g++ into the temp folder): where
 * it or g++ is missing the table says so and shows ours alone. A contender that fails gets a row
 * saying why; the bench goes on.
 *
 *   npm run bench -- --scale [--sizes 1000000,5000000,25000000] [--only libmf,fused,onnx,funk] [--json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrainValidFiles } from '../src-main/data/import/index.ts';
import { funkSvd, SURPRISE_SVD } from './funk-svd.ts';
import { EPOCHS } from './scale-data.ts';
import { ensureScaleFiles, type ScaleFiles } from './scale-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'collabsheet.mjs');
const TIME = '/usr/bin/time';
const CONTENDERS = ['libmf', 'fused', 'onnx', 'funk'] as const;
type Contender = (typeof CONTENDERS)[number];

interface Run {
  contender: string;
  rows: number;
  wallSeconds?: number;
  /** Mean seconds per epoch, where the contender reports epochs. */
  epochSeconds?: number;
  validRmse?: number;
  peakRssMB?: number;
  note?: string;
  error?: string;
  /** The 1-minute load average before and after the run (the machine is shared: say how busy it was). */
  load?: [number, number];
}

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  peakRssMB?: number;
}

/** Runs a command, under /usr/bin/time -v when there is one (for its peak RSS). */
function runProcess(command: string, args: string[]): Promise<Proc> {
  const timed = existsSync(TIME);
  const started = performance.now();
  const proc = timed ? spawn(TIME, ['-v', command, ...args]) : spawn(command, args);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => proc.on('close', (code) => {
    const wallSeconds = (performance.now() - started) / 1000;
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    // time -v appends its report (from "Command exited…" or "Command being timed") to the child's stderr.
    if (timed) stderr = stderr.replace(/\s*Command (being timed|exited)[\s\S]*$/, '');
    resolve({ code, stdout, stderr, wallSeconds, peakRssMB: rss ? Number(rss[1]) / 1024 : undefined });
  }));
}

const lastLine = (s: string) => s.trim().split('\n').filter((l) => l.trim() !== '').slice(-1)[0] ?? '';

/** Where libmf can be built from, or why it cannot. */
function libmfBinaries(): { train: string; predict: string } | { missing: string } {
  const sources = [process.env.LIBMF_SRC, join(ROOT, '../shared/peers/libmf'), join(ROOT, '../../shared/peers/libmf')].filter((p): p is string => !!p);
  const src = sources.find((p) => existsSync(join(p, 'build.sh')));
  if (!src) return { missing: `the libmf peer is not here (looked in ${sources.join(', ')})` };
  if (spawnSync('g++', ['--version']).status !== 0) return { missing: 'g++ is not installed, so libmf cannot be built (apt-get install -y g++)' };
  const out = join(tmpdir(), 'collabsheet-bench', 'libmf');
  const build = spawnSync('bash', [join(src, 'build.sh'), out], { encoding: 'utf8' });
  if (build.status !== 0) return { missing: `building libmf failed: ${lastLine(build.stderr)}` };
  return { train: join(out, 'mf-train'), predict: join(out, 'mf-predict') };
}

async function runLibmf(rows: number, files: ScaleFiles): Promise<Run> {
  const run: Run = { contender: 'libmf (2 threads)', rows };
  const bin = libmfBinaries();
  if ('missing' in bin) return { ...run, error: bin.missing };
  const model = join(files.dir, 'libmf-model.txt');
  const p = await runProcess(bin.train, ['-s', '2', '-k', '50', '-l2', '0.1', '-t', String(EPOCHS), files.trainTxt, model]);
  if (p.code !== 0) return { ...run, error: `mf-train exit ${p.code}: ${lastLine(p.stderr)}` };
  const pred = await runProcess(bin.predict, ['-e', '0', files.validTxt, model, join(files.dir, 'libmf-pred.txt')]);
  const rmse = /RMSE = ([\d.]+)/.exec(pred.stdout);
  return { ...run, wallSeconds: p.wallSeconds, peakRssMB: p.peakRssMB, validRmse: rmse ? Number(rmse[1]) : undefined, note: 'wall: mf-train (mf-predict not timed)' };
}

async function runCollabsheet(engine: 'fused' | 'onnx', rows: number, files: ScaleFiles): Promise<Run> {
  const run: Run = { contender: `collabsheet --engine ${engine}`, rows };
  // The fused engine's defaults must fit on their own (issue 11 item 4); ONNX Runtime needs the scale recipe's batch.
  const recipe = engine === 'onnx' ? ['--bs', '32768', '--lr', '0.01', '--updates', 'lazy'] : [];
  const args = [CLI, 'train', files.trainCsv, '--valid', files.validCsv, '--factors', '50', '--epochs', String(EPOCHS), '--engine', engine, ...recipe, '--json'];
  const p = await runProcess(process.execPath, args);
  if (p.code !== 0) return { ...run, error: `exit ${p.code}: ${lastLine(p.stderr) || lastLine(p.stdout)}` };
  const lines = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as { epoch?: number; seconds?: number; done?: boolean; valid_rmse?: number; engine?: string });
  const epochs = lines.filter((l) => l.epoch !== undefined && !l.done);
  const done = lines.find((l) => l.done);
  return {
    ...run,
    // A CLI that does not name its engine, or names another, did not train as this row says.
    ...(done?.engine !== engine ? { note: `the CLI reported engine ${done?.engine ?? '(none)'}, not ${engine}` } : {}),
    wallSeconds: p.wallSeconds,
    peakRssMB: p.peakRssMB,
    validRmse: done?.valid_rmse,
    epochSeconds: epochs.length ? epochs.reduce((s, e) => s + e.seconds!, 0) / epochs.length : undefined,
  };
}

async function runFunk(rows: number, files: ScaleFiles): Promise<Run> {
  const run: Run = { contender: 'TS per-rating SGD', rows };
  const p = await runProcess(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--funk', files.trainCsv, files.validCsv]);
  if (p.code !== 0) return { ...run, error: `exit ${p.code}: ${lastLine(p.stderr)}` };
  const r = JSON.parse(lastLine(p.stdout)) as { validRmse: number; epochSeconds: number; maxRssMB: number };
  return { ...run, wallSeconds: p.wallSeconds, peakRssMB: p.peakRssMB ?? r.maxRssMB, validRmse: r.validRmse, epochSeconds: r.epochSeconds };
}

/** The TS reference's process: import the CSVs, train, print one JSON line. */
async function funkChild(trainCsv: string, validCsv: string): Promise<void> {
  const { train, valid } = await readTrainValidFiles(trainCsv, validCsv, { timestamps: false, titles: false });
  const seconds: number[] = [];
  const r = funkSvd(train, valid, { ...SURPRISE_SVD, factors: 50, epochs: EPOCHS }, (_e, s) => seconds.push(s));
  const epochSeconds = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  process.stdout.write(`${JSON.stringify({ validRmse: r.validRmse, epochSeconds, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

const cell = (x: number | undefined, digits: number, width: number, unit = '') => (x === undefined ? '—' : `${x.toFixed(digits)}${unit}`).padStart(width);

function printTable(rows: number, planted: number | null, runs: Run[]): void {
  console.log(`\n${rows.toLocaleString('en-US')} ratings (90/10 split; k 50, ${EPOCHS} epochs${planted ? `; the planted model's valid RMSE ${planted.toFixed(4)}` : ''}):`);
  console.log(['contender'.padEnd(26), 'wall (whole run)'.padStart(16), 's/epoch'.padStart(8), 'valid RMSE'.padStart(10), 'peak RSS'.padStart(9), 'load before→after'.padStart(17)].join(' '));
  for (const r of runs) {
    if (r.error) {
      console.log(`${r.contender.padEnd(26)} not run: ${r.error}`);
      continue;
    }
    console.log([r.contender.padEnd(26), cell(r.wallSeconds, 1, 16, ' s'), cell(r.epochSeconds, 2, 8), cell(r.validRmse, 4, 10),
      cell(r.peakRssMB === undefined ? undefined : r.peakRssMB / 1024, 2, 9, ' GB'),
      (r.load ? `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}` : '—').padStart(17), r.note ? ` ${r.note}` : ''].join(' '));
  }
}

export async function runScale(args: string[]): Promise<boolean> {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (opt('--sizes') ?? '1000000,5000000,25000000').split(',').map(Number);
  const only = (opt('--only')?.split(',') ?? [...CONTENDERS]) as Contender[];
  const json = args.includes('--json');
  const log = (s: string) => { if (!json) process.stderr.write(`${s}\n`); };
  if (!existsSync(TIME)) log(`scale: ${TIME} is missing: peak memory is shown only where the process reports its own`);
  const all: Run[] = [];
  let ok = true;
  for (const rows of sizes) {
    log(`scale: ${rows} ratings: writing the files (once)…`);
    const files = ensureScaleFiles(rows);
    const meta = JSON.parse(readFileSync(join(files.dir, 'done'), 'utf8')) as { plantedValidRmse: number };
    const runs: Run[] = [];
    for (const c of CONTENDERS.filter((x) => only.includes(x))) {
      log(`scale: ${rows} ratings: ${c}…`);
      const before = loadavg()[0];
      const r: Run = { ...(c === 'libmf' ? await runLibmf(rows, files) : c === 'funk' ? await runFunk(rows, files) : await runCollabsheet(c, rows, files)), load: [before, loadavg()[0]] };
      // libmf missing is the machine's, not a failure; ours failing is.
      if (r.error && c !== 'libmf') ok = false;
      runs.push(r);
    }
    all.push(...runs);
    if (!json) printTable(rows, meta.plantedValidRmse, runs);
  }
  if (json) process.stdout.write(`${JSON.stringify({ bench: 'scale', runs: all })}\n`);
  else console.log('\ngoals (issue 11, each size): fused wall <= libmf wall, <= 0.6 s/epoch at 25M, valid RMSE <= 0.60, peak <= 0.65 GB');
  return ok;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--funk') await funkChild(args[1], args[2]);
  else if (!(await runScale(args))) process.exitCode = 1;
}
