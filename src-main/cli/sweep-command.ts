/**
 * `collabsheet sweep`: one setting over a list of values (or two as a grid), each a run of
 * train's settings with that value, one after another (engine/experiments/sweep.ts); a line per
 * run as it ends — a table for people, JSON for machines — then the best run as the
 * `collabsheet train` line that reproduces it.
 */
import { MAX_SWEEP_RUNS, SWEEP_SETTINGS, type SettingValue, type SweepSetting, parseSettingValue } from '../engine/experiments/settings.ts';
import type { SweepAxis, SweepCell } from '../engine/experiments/sweep.ts';
import { CliUsageError, type TrainCommand, type TrainOption, configWarnings, parseWithTrainFlags } from './args.ts';
import { loadDatasets } from './datasets.ts';
import { type Column, fixed, formatHeader, formatRow } from './table.ts';
import type { Output } from './train-command.ts';
import { trainCommandLine } from './train-flags.ts';

export interface SweepCommand {
  train: TrainCommand;
  axes: SweepAxis[];
}

export const SWEEP_USAGE = `usage: collabsheet sweep <ratings> --param k --values 1,2,5,10,20,50,100
  [--param2 wd --values2 0.01,0.1] [--valid <file> | --valid-pct 0.1] [any option of collabsheet train]
  [--json]

Trains one run per value (or per cell of the two settings' grid), one after another, from the
settings train's options give, and reports each run's final train and valid RMSE, then the best.
--param / --param2: ${SWEEP_SETTINGS.join('|')}. Values are comma-separated: numbers for k, lr, wd,
bs (or full) and epochs; adam|sgd|momentum|lbfgs; dot|dotbias|nn|classes|autorec; y-range on|off|lo:hi
(e.g. 0.8:5.2). Ctrl-C stops after reporting the runs finished.
--json: one {"run", "values", "valid_rmse", ...} object per run, then {"done", "best", ...}.`;

/** The train flag each sweep setting replaces. */
const FLAG_OF: Record<SweepSetting, TrainOption> = {
  k: 'factors', lr: 'lr', wd: 'wd', optimizer: 'optimizer', model: 'model', bs: 'bs', epochs: 'epochs', 'y-range': 'y-range',
};

const NOT_FOR_SWEEP: Partial<Record<TrainOption, string>> = {
  out: 'a sweep trains many models and writes none: train the best one with the collabsheet train line it prints, and --out there',
  cores: 'sweep runs train on one thread each',
  'item-features': 'the models do not read side features yet',
  'user-features': 'the models do not read side features yet',
};

const OWN = { param: { type: 'string' }, values: { type: 'string' }, param2: { type: 'string' }, values2: { type: 'string' } } as const;

/** Parse `sweep`'s arguments. Null when --help was asked. */
export function parseSweepArgs(argv: string[]): SweepCommand | null {
  const parsed = parseWithTrainFlags('sweep', argv, OWN, NOT_FOR_SWEEP);
  if (!parsed) return null;
  const { param, values, param2, values2 } = parsed.own;
  if (param === undefined) throw new CliUsageError(`sweep: --param is required (${SWEEP_SETTINGS.join('|')})`);
  const axes = [axis('param', param, 'values', values)];
  if (param2 !== undefined || values2 !== undefined) axes.push(axis('param2', param2, 'values2', values2));
  if (axes.length === 2 && axes[0].setting === axes[1].setting) {
    throw new CliUsageError(`--param2: sweeps ${param2} again; a grid needs two different settings`);
  }
  for (const a of axes) {
    const flag = FLAG_OF[a.setting];
    if (argv.some((x) => x === `--${flag}` || x.startsWith(`--${flag}=`))) {
      throw new CliUsageError(`--${flag}: the sweep sets ${a.setting} itself (--values); leave --${flag} out`);
    }
  }
  const runs = axes.reduce((n, a) => n * a.values.length, 1);
  if (runs > MAX_SWEEP_RUNS) throw new CliUsageError(`sweep: ${runs} runs is more than the ${MAX_SWEEP_RUNS} allowed; give fewer values`);
  return { train: parsed.train, axes };
}

function axis(paramFlag: string, param: string | undefined, valuesFlag: string, values: string | undefined): SweepAxis {
  if (param === undefined) throw new CliUsageError(`--${valuesFlag}: needs --${paramFlag}, the setting it gives values for`);
  if (!(SWEEP_SETTINGS as readonly string[]).includes(param)) {
    throw new CliUsageError(`--${paramFlag}: expected ${SWEEP_SETTINGS.join('|')}, got '${param}'`);
  }
  const setting = param as SweepSetting;
  if (values === undefined) throw new CliUsageError(`--${paramFlag} ${param}: needs --${valuesFlag}, a comma-separated list`);
  const texts = values.split(',');
  const parsed: SettingValue[] = texts.map((t) => {
    try {
      return parseSettingValue(setting, t);
    } catch (e) {
      throw new CliUsageError(`--${valuesFlag}: ${(e as Error).message}`);
    }
  });
  const seen = new Set<string>();
  for (const [i, v] of parsed.entries()) {
    const key = JSON.stringify(v);
    if (seen.has(key)) throw new CliUsageError(`--${valuesFlag}: '${texts[i].trim()}' is given twice`);
    seen.add(key);
  }
  return { setting, values: parsed };
}

const COLUMNS: Column[] = [
  { header: 'run', width: 4, align: 'right' },
  { header: 'setting', width: 24, align: 'left' },
  { header: 'epochs', width: 6, align: 'right' },
  { header: 'train_rmse', width: 10, align: 'right' },
  { header: 'valid_rmse', width: 10, align: 'right' },
  { header: 'seconds', width: 7, align: 'right' },
];

/** JSON for a setting value: numbers and names as they are, a y_range as [lo, hi], off as null. */
const valuesObject = (axes: SweepAxis[], values: SettingValue[]) => Object.fromEntries(axes.map((a, i) => [a.setting, values[i]]));

function runLine(cmd: SweepCommand, cell: SweepCell): string {
  const r = cell.run.run;
  if (cmd.train.json) {
    return JSON.stringify({
      run: r.id, label: r.label, values: valuesObject(cmd.axes, cell.values), epochs: r.history.length,
      train_rmse: r.trainRmse, valid_rmse: r.validRmse, seconds: r.seconds, ...(r.stopped ? { stopped: r.stopped.kind } : {}),
    });
  }
  return formatRow(COLUMNS, [r.id, r.label, String(r.history.length), fixed(r.trainRmse), fixed(r.validRmse), r.seconds.toFixed(2)]);
}

/** Runs the command; resolves to the process exit code. */
export async function runSweep(cmd: SweepCommand, io: Output, signal?: AbortSignal): Promise<number> {
  // Loaded here: the engine brings ONNX Runtime, which --help and usage errors don't need.
  const { sweep } = await import('../engine/experiments/sweep.ts');
  const t = cmd.train;
  const { train, valid, notes } = await loadDatasets(t.ratings, t.valid, t.validPct, t.splitSeed);
  for (const w of configWarnings(t.config)) io.err(`warning: ${w}`);
  if (!t.json) {
    for (const n of notes) io.out(n);
    io.out(formatHeader(COLUMNS));
  }
  const result = await sweep(train, valid, t.config, cmd.axes, {
    signal,
    onRun: (cell) => io.out(runLine(cmd, cell)),
    onProgress: (p) => {
      if (t.json || p.next === null) return;
      const eta = p.etaSeconds === null ? '' : `, about ${Math.round(p.etaSeconds)} s left`;
      io.err(`run ${p.done + 1} of ${p.total}: ${p.next}${eta}`);
    },
  });
  const best = result.best;
  const command = best ? trainCommandLine(t, best.settings) : null;
  if (t.json) {
    io.out(JSON.stringify({
      done: true, runs: result.cells.length, cancelled: result.cancelled,
      best: best ? { run: best.id, label: best.label, valid_rmse: best.validRmse, command } : null,
    }));
  } else {
    io.out(`done: ${result.cells.length} runs${result.cancelled ? ' (cancelled)' : ''}`);
    if (best) io.out(`best: ${best.label}, valid RMSE ${fixed(best.validRmse)}; reproduce it with:\n  ${command}`);
    else if (!valid) io.out('no validation split, so no best run: give --valid or --valid-pct');
  }
  return result.cancelled ? 130 : 0;
}
