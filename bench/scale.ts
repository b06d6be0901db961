/**
 * `npm run bench -- --scale`: issue 6's figures. Trains on synthetic data of MovieLens-25M shape
 * (bench/scale-data.ts; 1M, 5M and 25M ratings by default) with our engine (dotbias k = 50,
 * 10 epochs, see SCALE_CONFIG) and, in the same run, with the plain TS per-rating SGD reference
 * (bench/funk-svd.ts, k = 50, 10 epochs). Ours runs twice: on two cores (the default for big
 * data: two block workers, engine/train/parallel/) and on one thread. Prints seconds per epoch,
 * valid RMSE per epoch and peak resident memory. Each (size, engine) runs in a fresh child
 * process, so peak memory is that run's own (it includes generating the data in memory: the
 * ratings a real import holds).
 *
 *   npm run bench -- --scale [--sizes 1000000,5000000,25000000] [--threads 1] [--skip-funk] [--skip-one] [--json]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { blockWorkerFromSource } from '../src-main/engine/train/parallel/from-source.ts';
import { createTrainer } from '../src-main/engine/train/trainer.ts';
import { funkSvd, SURPRISE_SVD } from './funk-svd.ts';
import { EPOCHS, scaleConfig, scaleData } from './scale-data.ts';

const FUNK = { ...SURPRISE_SVD, factors: 50, epochs: EPOCHS };

/** What a child prints, one JSON object per line. */
type ChildLine =
  | { kind: 'data'; rows: number; users: number; items: number; plantedValidRmse: number; generateSeconds: number; rssMB: number }
  | { kind: 'epoch'; epoch: number; seconds: number; validRmse: number }
  | { kind: 'done'; peakRssMB: number; setupSeconds: number; validEvalSeconds: number | null };

const emit = (line: ChildLine) => process.stdout.write(`${JSON.stringify(line)}\n`);
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const peakMB = () => process.resourceUsage().maxRSS / 1024;

type Engine = 'two' | 'one' | 'funk';

async function child(engine: Engine, rows: number, threads: number): Promise<void> {
  const d = scaleData(rows);
  emit({ kind: 'data', rows, users: d.users, items: d.items, plantedValidRmse: d.plantedValidRmse, generateSeconds: d.generateSeconds, rssMB: rssMB() });
  if (engine === 'funk') {
    funkSvd(d.train, d.valid, FUNK, (epoch, seconds, validRmse) => emit({ kind: 'epoch', epoch, seconds, validRmse }));
    emit({ kind: 'done', peakRssMB: peakMB(), setupSeconds: 0, validEvalSeconds: null });
    return;
  }
  const config = scaleConfig(threads);
  const t0 = performance.now();
  const trainer = await createTrainer(d.train, d.valid, config, engine === 'two' ? { twoCores: { start: blockWorkerFromSource } } : {});
  const setupSeconds = (performance.now() - t0) / 1000;
  while (trainer.epochsDone < config.epochs) {
    const r = await trainer.runEpoch();
    if (r.stopped) throw new Error(`training stopped: ${JSON.stringify(r.stopped)}`);
    emit({ kind: 'epoch', epoch: r.metrics!.epoch, seconds: r.metrics!.seconds, validRmse: r.metrics!.validRmse! });
  }
  const t1 = performance.now();
  trainer.predict(d.valid.users, d.valid.items);
  const validEvalSeconds = (performance.now() - t1) / 1000;
  emit({ kind: 'done', peakRssMB: peakMB(), setupSeconds, validEvalSeconds });
  await trainer.dispose();
}

interface EngineRun {
  engine: string;
  rows: number;
  data?: Extract<ChildLine, { kind: 'data' }>;
  epochs: Extract<ChildLine, { kind: 'epoch' }>[];
  done?: Extract<ChildLine, { kind: 'done' }>;
  error?: string;
}

function runChild(engine: Engine, rows: number, threads: number, log: (s: string) => void): Promise<EngineRun> {
  const run: EngineRun = { engine, rows, epochs: [] };
  const name = engine === 'funk' ? 'TS per-rating SGD' : engine === 'two' ? 'ours (two cores)' : `ours (1 thread${threads > 1 ? `, ${threads} ORT` : ''})`;
  run.engine = name;
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', engine, String(rows), String(threads)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  createInterface({ input: proc.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as ChildLine;
    if (line.kind === 'data') {
      run.data = line;
      log(`  ${name} ${rows}: data ${line.users} users × ${line.items} items, generated in ${line.generateSeconds.toFixed(1)} s, ` +
        `planted model valid RMSE ${line.plantedValidRmse.toFixed(4)}, RSS ${line.rssMB.toFixed(0)} MB`);
    } else if (line.kind === 'epoch') {
      run.epochs.push(line);
      log(`  ${name} ${rows}: epoch ${line.epoch} ${line.seconds.toFixed(2)} s, valid RMSE ${line.validRmse.toFixed(4)}`);
    } else run.done = line;
  });
  return new Promise((resolve) => proc.on('close', (code) => {
    if (code !== 0) run.error = stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${code}`;
    resolve(run);
  }));
}

export async function runScale(args: string[]): Promise<boolean> {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (opt('--sizes') ?? '1000000,5000000,25000000').split(',').map(Number);
  const threads = Number(opt('--threads') ?? 1);
  const json = args.includes('--json');
  const log = (s: string) => { if (!json) process.stderr.write(`${s}\n`); };
  const runs: EngineRun[] = [];
  for (const rows of sizes) {
    log(`scale: ${rows} ratings`);
    runs.push(await runChild('two', rows, threads, log));
    if (!args.includes('--skip-one')) runs.push(await runChild('one', rows, threads, log));
    if (!args.includes('--skip-funk')) runs.push(await runChild('funk', rows, threads, log));
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ bench: 'scale', runs })}\n`);
  } else {
    console.log('\nscale (k = 50, 10 epochs; s/epoch: ours includes its per-epoch valid RMSE, the SGD reference excludes it;');
    console.log('  mean over the epochs, the first of which starts the two-core workers; median: the steady epoch):');
    console.log(['engine'.padEnd(24), 'ratings'.padStart(10), 's/epoch'.padStart(8), 'median'.padStart(7), 'valid@1'.padStart(8), 'valid@10'.padStart(9), 'planted'.padStart(8), 'peak RSS'.padStart(9)].join(' '));
    for (const r of runs) {
      if (r.error) {
        console.log(`${r.engine.padEnd(24)} ${String(r.rows).padStart(10)} failed: ${r.error}`);
        continue;
      }
      const perEpoch = r.epochs.reduce((s, e) => s + e.seconds, 0) / r.epochs.length;
      const sorted = r.epochs.map((e) => e.seconds).sort((a, b) => a - b);
      console.log([
        r.engine.padEnd(24), String(r.rows).padStart(10), perEpoch.toFixed(2).padStart(8), sorted[sorted.length >> 1].toFixed(2).padStart(7),
        r.epochs[0].validRmse.toFixed(4).padStart(8), r.epochs.at(-1)!.validRmse.toFixed(4).padStart(9),
        r.data!.plantedValidRmse.toFixed(4).padStart(8), `${r.done!.peakRssMB.toFixed(0)} MB`.padStart(9),
      ].join(' '));
    }
    const ours = runs.filter((r) => r.done?.validEvalSeconds != null);
    for (const r of ours) console.log(`  ${r.engine} ${r.rows}: setup ${r.done!.setupSeconds.toFixed(1)} s; one valid evaluation ${r.done!.validEvalSeconds!.toFixed(2)} s (inside each epoch's seconds)`);
    console.log('goals (issue 6, 25M): <= 1.5 s/epoch, valid <= 0.70 after 10 epochs, <= 1.5 GB; libmf 0.5-1.1 s/epoch, 0.7605');
  }
  return runs.every((r) => !r.error);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') await child(args[1] as Engine, Number(args[2]), Number(args[3]));
  else if (!(await runScale(args))) process.exitCode = 1;
}
