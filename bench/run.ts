/**
 * `npm run bench`: our figures beside references computed in the same run, on the shared
 * ml-100k splits and the Excel sheet. Each of our settings is a `collabsheet train` command line,
 * printed so any row can be reproduced alone. Missing data or a missing peer (PyTorch) is a
 * skipped row, never a failure. `--json` prints one JSON object instead of the table.
 * `--scale` runs the MovieLens-25M-shape benchmark instead (bench/scale.ts).
 * `--only tune` runs the experiments' rows alone (bench/tune.ts): fastbook's recipe, then
 * `collabsheet tune --budget 120s`, on both ml-100k splits, and the sweep of k.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrainArgs } from '../src-main/cli/args.ts';
import { loadDatasets } from '../src-main/cli/datasets.ts';
import { fixed, formatTable } from '../src-main/cli/table.ts';
import { createTrainer } from '../src-main/engine/train/trainer.ts';
import { fitEnsemble } from '../src-main/engine/train/ensemble.ts';
import { bestRecipe } from '../src-main/engine/train/recipes.ts';
import { funkSvd, SURPRISE_SVD } from './funk-svd.ts';
import { benchOptimStep, describeOptimStep } from './optim-step.ts';
import { runScale } from './scale.ts';
import { findTorchPython, runTorch, type TorchCase } from './pytorch.ts';
import { benchKSweep, benchTune, SWEEP_K, TUNE_BUDGET_SECONDS } from './tune.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = process.env.COLLABSHEET_DATA ?? join(ROOT, '..', 'shared', 'data');

interface Split {
  name: string;
  train: string;
  valid: string | null;
}

const SPLITS = {
  random: { name: 'ml-100k random', train: 'ml-100k/train.csv', valid: 'ml-100k/valid.csv' },
  u1: { name: 'ml-100k u1', train: 'ml-100k/u1.train.csv', valid: 'ml-100k/u1.valid.csv' },
  excel: { name: 'excel 15x15', train: 'excel/ratings.csv', valid: null },
} satisfies Record<string, Split>;

interface Row {
  setting: string;
  data: string;
  epochs: number | null;
  /** Wall seconds of the training epochs (ours: including the per-epoch RMSE evaluation). */
  seconds: number | null;
  trainRmse: number | null;
  validRmse: number | null;
  reference: string;
  status: 'ok' | 'skipped' | 'failed';
  note?: string;
  command?: string;
}

interface OurCase {
  setting: string;
  split: Split;
  flags: string[];
  /** What the figure is compared with: a published figure or target. */
  target: string;
  /** The PyTorch run of the same recipe, when there is one. */
  torch?: Omit<TorchCase, 'train' | 'valid'>;
}

const FASTBOOK_TORCH = { model: 'dotbias' as const, epochs: 5, lr: 5e-3, wd: 0.1, factors: 50, layers: [100] };

const OUR_CASES: OurCase[] = [
  {
    setting: 'fastbook dotbias k50 bs64', split: SPLITS.random, flags: ['--bs', '64'],
    target: 'target <= 0.895; PyTorch 0.8948, libmf 0.9023, Surprise SVD 0.9208', torch: { ...FASTBOOK_TORCH, bs: 64 },
  },
  {
    setting: 'fastbook dotbias k50 bs1024', split: SPLITS.random, flags: ['--bs', '1024'],
    target: 'time <= PyTorch (same run)', torch: { ...FASTBOOK_TORCH, bs: 1024 },
  },
  {
    setting: 'fastbook dotbias k50 bs64', split: SPLITS.u1, flags: ['--bs', '64'],
    target: 'target <= 0.915', torch: { ...FASTBOOK_TORCH, bs: 64 },
  },
  {
    // nnRecipe() in engine/train/recipes.ts.
    setting: 'NN [100] bs64 wd0.1 7 epochs dense', split: SPLITS.random,
    flags: ['--model', 'nn', '--layers', '100', '--bs', '64', '--epochs', '7', '--updates', 'dense'],
    target: 'target <= 0.915; PyTorch 0.9132 (47 s, not rerun)',
  },
  {
    // bestDotBias() in engine/train/recipes.ts; "our best" (<= 0.885) is the ensemble row below.
    setting: 'best single dotbias', split: SPLITS.random, flags: ['--bs', '64', '--y-range', '0.8,5.2', '--updates', 'dense'],
    target: 'one model; see the ensemble row for our best',
  },
  {
    setting: 'Excel Solve dot k5 L-BFGS', split: SPLITS.excel,
    flags: ['--model', 'dot', '--factors', '5', '--y-range', 'none', '--init', 'uniform', '--optimizer', 'lbfgs', '--epochs', '200', '--wd', '0'],
    target: "Excel Solver 0.3930; target <= 0.395 in < 1 s",
  },
  {
    setting: 'Excel Solve dotbias k5 L-BFGS', split: SPLITS.excel,
    flags: ['--model', 'dotbias', '--factors', '5', '--y-range', 'none', '--init', 'uniform', '--optimizer', 'lbfgs', '--epochs', '200', '--wd', '0'],
    target: "Excel Solver 0.3195; target <= 0.321 in < 1 s",
  },
];

const dataPath = (p: string) => join(DATA, p);
const missing = (s: Split) => [s.train, s.valid].filter((p): p is string => p !== null && !existsSync(dataPath(p)));

/** The case's command line, with data paths as given (shown) or resolved (run). */
function trainArgs(c: OurCase, path: (p: string) => string): string[] {
  const valid = c.split.valid ? ['--valid', path(c.split.valid)] : ['--valid-pct', '0'];
  return [path(c.split.train), ...valid, ...c.flags];
}

type Metrics = Pick<Row, 'epochs' | 'seconds' | 'trainRmse' | 'validRmse'> & { note?: string; command?: string };

async function runOurs(c: OurCase): Promise<Metrics> {
  const cmd = parseTrainArgs(trainArgs(c, dataPath));
  if (!cmd) throw new Error('a bench case asked for --help');
  const { train, valid } = await loadDatasets(cmd.ratings, cmd.valid, cmd.validPct, cmd.config.seed);
  const trainer = await createTrainer(train, valid, cmd.config);
  try {
    let seconds = 0;
    let stopped = null;
    while (trainer.epochsDone < cmd.config.epochs && !stopped) {
      const r = await trainer.runEpoch();
      seconds += r.metrics?.seconds ?? 0;
      stopped = r.stopped;
    }
    const fit = trainer.evaluate();
    return {
      epochs: trainer.epochsDone, seconds, trainRmse: fit.trainRmse, validRmse: fit.validRmse,
      ...(stopped ? { note: `stopped: ${stopped.kind}` } : {}),
    };
  } finally {
    await trainer.dispose();
  }
}

function runTorchCase(python: string, c: OurCase, tc: NonNullable<OurCase['torch']>): Metrics {
  const r = runTorch(python, { ...tc, train: dataPath(c.split.train), valid: dataPath(c.split.valid!) });
  return {
    epochs: tc.epochs, seconds: r.seconds, trainRmse: r.train_rmse, validRmse: r.valid_rmse,
    note: `torch ${r.torch}, 1 thread, training time only`,
  };
}

/** bestRecipe(): an ensemble, so no single command line reproduces it. */
async function runBest(split: Split): Promise<Metrics> {
  const { train, valid } = await loadDatasets(dataPath(split.train), dataPath(split.valid!), 0, 42);
  const recipe = bestRecipe();
  const r = await fitEnsemble(train, valid, recipe);
  const members = r.members.map((m) => m.validRmse!.toFixed(4)).join(' ');
  return { epochs: null, seconds: r.trainSeconds, trainRmse: r.trainRmse, validRmse: r.validRmse, note: `${recipe.members.length} members, valid ${members}` };
}

async function runFunk(split: Split): Promise<Metrics> {
  const { train, valid } = await loadDatasets(dataPath(split.train), dataPath(split.valid!), 0, 42);
  const r = funkSvd(train, valid!, SURPRISE_SVD);
  return { epochs: SURPRISE_SVD.epochs, seconds: r.seconds, trainRmse: r.trainRmse, validRmse: r.validRmse };
}

const NO_METRICS = { epochs: null, seconds: null, trainRmse: null, validRmse: null };

/** One table row: run it unless its data is missing; a thrown error is a failed row. */
async function row(
  head: Pick<Row, 'setting' | 'data' | 'reference' | 'command'>, split: Split, run: () => Metrics | Promise<Metrics>,
): Promise<Row> {
  const gone = missing(split);
  if (gone.length) return { ...head, ...NO_METRICS, status: 'skipped', note: `skipped: no ${gone.map(dataPath).join(', ')}` };
  try {
    return { ...head, ...(await run()), status: 'ok' };
  } catch (e) {
    return { ...head, ...NO_METRICS, status: 'failed', note: `failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--scale')) {
    if (!(await runScale(process.argv.slice(2)))) process.exitCode = 1;
    return;
  }
  const json = process.argv.includes('--json');
  const only = process.argv[process.argv.indexOf('--only') + 1];
  if (process.argv.includes('--only') && only !== 'tune') throw new Error(`--only: expected tune, got '${only ?? ''}'`);
  const log = (s: string) => { if (!json) process.stderr.write(`${s}\n`); };
  const started = performance.now();
  const python = findTorchPython();
  const rows: Row[] = [];
  const reference = 'reference (this run)';
  const cases = only === 'tune' ? OUR_CASES.filter((c) => c.setting === 'fastbook dotbias k50 bs64') : OUR_CASES;
  for (const c of cases) {
    const tc = c.torch;
    if (tc) {
      const head = { setting: `PyTorch ${c.setting}`, data: c.split.name, reference };
      log(`running ${head.setting} on ${c.split.name}…`);
      rows.push(python
        ? await row(head, c.split, () => runTorchCase(python, c, tc))
        : { ...head, ...NO_METRICS, status: 'skipped', note: 'skipped: torch not importable' });
    }
    log(`running ${c.setting} on ${c.split.name}…`);
    const command = `collabsheet train ${trainArgs(c, (p) => join('../shared/data', p)).join(' ')}`;
    rows.push(await row({ setting: c.setting, data: c.split.name, reference: c.target, command }, c.split, () => runOurs(c)));
  }
  const tuneTargets = [[SPLITS.random, 'target single <= 0.890, blend <= 0.880'], [SPLITS.u1, 'target single <= 0.908, blend <= 0.900']] as const;
  for (const [split, target] of tuneTargets) {
    log(`running tune --budget ${TUNE_BUDGET_SECONDS}s on ${split.name} (load ${loadavg()[0].toFixed(2)})…`);
    rows.push(...await tuneRows(split, target));
  }
  let sweepTable: string | null = null;
  if (!missing(SPLITS.random).length) {
    log(`running the k sweep (${SWEEP_K.join(', ')}) on ${SPLITS.random.name}…`);
    sweepTable = await benchKSweep(dataPath(SPLITS.random.train), dataPath(SPLITS.random.valid!));
  }
  if (only === 'tune') {
    printRows(rows, json, started, null, sweepTable);
    return;
  }

  const best = { setting: 'our best: average of 5 dotbias + 3 ratings-as-classes models', command: 'bestRecipe() in src-main/engine/train/recipes.ts; alone: node --import tsx src-main/engine/testing/figures.ts ../shared/data ml-100k' };
  for (const [split, reference] of [[SPLITS.random, 'target <= 0.885'], [SPLITS.u1, 'target <= 0.915 (tuned on the random split)']] as const) {
    log(`running ${best.setting} on ${split.name}…`);
    rows.push(await row({ ...best, data: split.name, reference }, split, () => runBest(split)));
  }
  for (const split of [SPLITS.random, SPLITS.u1]) {
    log(`running the TS per-rating SGD reference on ${split.name}…`);
    rows.push(await row({ setting: 'TS per-rating SGD (Funk SVD, Surprise defaults)', data: split.name, reference }, split, () => runFunk(split)));
  }

  log('timing the optimizer step…');
  printRows(rows, json, started, benchOptimStep(500), sweepTable);
}

/** The tune's best single run (with its train line) and best blend: two rows of one tune. */
async function tuneRows(split: Split, reference: string): Promise<Row[]> {
  const name = `tune --budget ${TUNE_BUDGET_SECONDS}s`;
  const head = { data: split.name, reference };
  let blendRow: Row | null = null;
  const single = await row({ setting: `${name}: best single`, ...head }, split, async () => {
    const shown = (p: string) => join('../shared/data', p);
    const t = await benchTune(dataPath(split.train), dataPath(split.valid!), shown(split.train), shown(split.valid!));
    blendRow = { setting: `${name}: best blend`, ...head, epochs: null, seconds: t.seconds, trainRmse: null, validRmse: t.blend, status: 'ok', note: t.note };
    const load = `load ${loadavg().map((x) => x.toFixed(1)).join(' ')} after`;
    return { epochs: null, seconds: t.seconds, trainRmse: null, validRmse: t.single, note: load, ...(t.command ? { command: t.command } : {}) };
  });
  return blendRow ? [single, blendRow] : [single];
}

function printRows(rows: Row[], json: boolean, started: number, optim: ReturnType<typeof benchOptimStep> | null, sweepTable: string | null): void {
  const machine = { cpus: availableParallelism(), loadavg: loadavg().map((x) => +x.toFixed(2)), node: process.version };
  const totalSeconds = (performance.now() - started) / 1000;

  if (json) {
    process.stdout.write(`${JSON.stringify({ machine, rows, optimStep: optim, kSweep: sweepTable, totalSeconds })}\n`);
    return;
  }
  const table = formatTable(
    ['setting', 'data', 'epochs', 'seconds', 'train RMSE', 'valid RMSE', 'reference / note'],
    rows.map((r) => [
      r.setting, r.data, r.epochs === null ? '-' : String(r.epochs), fixed(r.seconds, 2), fixed(r.trainRmse), fixed(r.validRmse),
      [r.reference, r.note].filter(Boolean).join(' | '),
    ]),
    [2, 3, 4, 5],
  );
  console.log(table);
  console.log('seconds: training epochs only for PyTorch (its evaluation excluded); ours include each epoch\'s validation RMSE' +
    ' (one ONNX run per 16k ratings, ~2 ms on ml-100k), so the comparison leans against us.');
  if (sweepTable) console.log(`\nfastbook recipe with k swept (${SPLITS.random.name}):\n${sweepTable}`);
  if (optim) {
    console.log('\noptimizer step at ml-100k size (fastest of 10 rounds):');
    for (const line of describeOptimStep(optim)) console.log(`  ${line}`);
  }
  console.log(`machine: ${machine.cpus} cpus, load ${machine.loadavg.join(' ')}, node ${machine.node}; bench took ${totalSeconds.toFixed(0)} s`);
  console.log('\nreproduce a row:');
  for (const r of rows) if (r.command) console.log(`  ${r.setting} (${r.data}): ${r.command}`);
  if (rows.some((r) => r.status === 'failed')) process.exitCode = 1;
}

await main();
