/**
 * `collabsheet train` arguments → a validated TrainConfig (and `export`'s and `lr-find`'s, which
 * take train's flags). node:util parseArgs does the tokenising; this module turns every bad flag
 * or value into one CliUsageError line.
 */
import { parseArgs } from 'node:util';
import {
  CONFIG_LIMITS, type Device, type ModelKind, type OptimizerKind, type ScheduleKind, type SettingLimit, type TrainConfig,
  type WeightDecayMode,
} from '../engine/types.ts';
import { LR_FIND_DEFAULTS, NUM_IT_LIMITS, lrFindRefusal } from '../engine/train/lr-find.ts';
import { EMBEDDING_FORMATS, type EmbeddingFormat } from '../io/export/export-embeddings.ts';
import { ENGINE_REQUESTS, type EngineRequest, type RequestWords, chooseEngine } from '../engine/engine-choice.ts';

/** A mistake in how the command was called: reported as one line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export interface TrainCommand {
  ratings: string;
  /** A separate validation file, or null to split `ratings` by validPct. */
  valid: string | null;
  /** Share of `ratings` held out for validation when no --valid file is given (0 = none). */
  validPct: number;
  /** Seed of that split (--split-seed, default --seed): a tune's runs train other seeds on its split. */
  splitSeed: number;
  config: TrainConfig;
  /** 2: big data (dot/dotbias, lazy updates, ≥ 2M ratings) trains on two worker threads; 1: one. */
  cores: 1 | 2;
  json: boolean;
  out: string | null;
  /** `export`: the formats to write into `out` (train --out writes CSV). */
  formats?: EmbeddingFormat[];
  /** Side-feature files (issue 15): read, joined and reported; the neural models take them. */
  itemFeatures: string | null;
  userFeatures: string | null;
  /** Features of those files left out (--without-features): a leave-one-feature-out run. */
  withoutFeatures: string[];
  /** --engine (default auto: chooseEngine in engine-choice.ts decides once the ratings are read). */
  engine: EngineRequest;
  /**
   * The flags the user gave (`lr`, `wd`, `optimizer`, `schedule`, `bs`…): a setting not in it
   * holds this parser's default, which an engine with defaults of its own may replace.
   */
  explicit: ReadonlySet<TrainFlag>;
}

/** The flags of `collabsheet train`, by their spelling on the command line. */
export type TrainFlag = Exclude<keyof typeof OPTIONS, 'help'>;

export const TRAIN_USAGE = `usage: collabsheet train <ratings> [--valid <file> | --valid-pct 0.1] [--seed 42] [--split-seed S]
  [--model dot|dotbias|nn|classes|autorec] [--factors 50] [--y-range 0,5.5|none]
  [--optimizer adam|sgd|momentum|lbfgs] [--lr 5e-3] [--wd 0.1] [--wd-mode decoupled|l2]
  [--schedule one-cycle|constant] [--updates lazy|dense] [--epochs 5] [--bs 64|full] [--threads 1]
  [--device cpu|cuda|webgpu] [--init trunc-normal|uniform] [--layers 100] [--dropout 0]
  [--patience 0] [--cores 2] [--engine auto|onnx|fused] [--json] [--out <dir>]
  [--item-features <file>] [--user-features <file>] [--without-features genres,age]

<ratings>: CSV/TSV with a header naming user, item and rating columns (userId/movieId/rating
accepted), MovieLens u.data or ratings.dat. Defaults are fastbook ch. 8's recipe.
--split-seed: the seed of the --valid-pct split (default: --seed), as tune prints it.
--engine auto (the default) trains dot/dotbias models on big data (from 1,000,000 training
ratings) in the fused WebAssembly kernel and everything else in ONNX Runtime; onnx or fused
forces one. The fused engine updates per rating with its own optimizer (--optimizer sgd: SGD,
otherwise per-row AdaGrad) and its own lr and wd unless --lr / --wd are given; it runs on every
core (--cores to choose).
--cores 2 (the default) trains big data in ONNX Runtime (from 2,000,000 ratings; dot/dotbias
models with lazy updates) on two worker threads, each half the batch; --cores 1 keeps one thread.
--item-features / --user-features: MovieLens u.item, movies.csv, u.user, users.dat, or a
CSV/TSV with a header keyed by id; the neural models (--model nn, classes) take them beside the
embeddings; the factor models do not use them. --without-features leaves the named features of
those files out (their names as the run reports them), to measure what each one brings.
--model autorec: I-AutoRec (each movie's column of ratings encoded and decoded; ONNX Runtime, up to
50 million movie × user cells): --factors is its code width (500 by our recipe), --bs movies per
batch, --wd the L2 on its weights per step (3e-3), whatever --wd-mode says.`;

export const EXPORT_USAGE = `usage: collabsheet export <ratings> --format csv|tsv|json|npy|projector|onnx|all --out <dir>
  [any option of collabsheet train]

Trains like collabsheet train, then writes the factors and biases with their original ids (and
titles, when a MovieLens titles file sits beside the ratings) into <dir>. --format takes a
comma-separated list or 'all'. Needs --model dot or dotbias (the default).`;

export const LR_FIND_USAGE = `usage: collabsheet lr-find <ratings> [--start-lr 1e-7] [--end-lr 10] [--num-it 100]
  [--valid <file> | --valid-pct 0.1] [--seed 42] [--model dot|dotbias|nn|classes|autorec] [--factors 50]
  [--y-range 0,5.5|none] [--optimizer adam|sgd|momentum] [--wd 0.1] [--wd-mode decoupled|l2]
  [--updates lazy|dense] [--bs 64] [--threads 1] [--device cpu|cuda|webgpu]
  [--init trunc-normal|uniform] [--layers 100] [--dropout 0] [--json]

fastai's lr_find: trains --num-it batches of the training split with the learning rate growing
exponentially from --start-lr to --end-lr, stops once the smoothed loss passes 4× its best, puts
the model back, and suggests learning rates for collabsheet train --lr (valley: fastai's
default; steep; minimum/10). The other options are train's, and split the ratings as train does.
--json: one {"lr","loss","smoothed"} object per batch, then {"suggestions", "stopped_at", ...}.`;

/** How the CLI names an engine request in chooseEngine's reasons and refusals. */
export const CLI_ENGINE_WORDS: RequestWords = { asked: (engine) => `--engine ${engine}`, instead: 'use --engine onnx or auto' };

const OPTIONS = {
  valid: { type: 'string' },
  'valid-pct': { type: 'string' },
  seed: { type: 'string' },
  'split-seed': { type: 'string' },
  model: { type: 'string' },
  factors: { type: 'string' },
  'y-range': { type: 'string' },
  init: { type: 'string' },
  layers: { type: 'string' },
  dropout: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  wd: { type: 'string' },
  'wd-mode': { type: 'string' },
  schedule: { type: 'string' },
  updates: { type: 'string' },
  epochs: { type: 'string' },
  bs: { type: 'string' },
  threads: { type: 'string' },
  device: { type: 'string' },
  patience: { type: 'string' },
  cores: { type: 'string' },
  engine: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'item-features': { type: 'string' },
  'user-features': { type: 'string' },
  'without-features': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliUsageError(`--${flag}: expected ${allowed.join('|')}, got '${value}'`);
}

type NumberRule = Partial<SettingLimit>;

export function num(flag: string, value: string | undefined, fallback: number, rule: NumberRule = {}): number {
  if (value === undefined) return fallback;
  const x = value.trim() === '' ? NaN : Number(value);
  const kind = rule.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(x) || (rule.integer && !Number.isInteger(x))) {
    throw new CliUsageError(`--${flag}: expected ${kind}, got '${value}'`);
  }
  if (rule.min !== undefined && (rule.above ? x <= rule.min : x < rule.min)) {
    throw new CliUsageError(`--${flag}: must be ${rule.above ? 'above' : 'at least'} ${rule.min}, got ${value}`);
  }
  if (rule.max !== undefined && x > rule.max) throw new CliUsageError(`--${flag}: must be at most ${rule.max}, got ${value}`);
  return x;
}

function yRange(value: string | undefined): [number, number] | null {
  if (value === undefined) return [0, 5.5];
  if (value === 'none') return null;
  const parts = value.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0] >= parts[1]) {
    throw new CliUsageError(`--y-range: expected 'lo,hi' with lo < hi (e.g. 0,5.5) or 'none', got '${value}'`);
  }
  return [parts[0], parts[1]];
}

function layers(value: string | undefined): number[] {
  if (value === undefined) return [100];
  const sizes = value.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (!sizes.every((n) => Number.isInteger(n) && n > 0)) {
    throw new CliUsageError(`--layers: expected comma-separated positive integers (e.g. 100,50), got '${value}'`);
  }
  const { layers: count, layerSize: size } = CONFIG_LIMITS;
  if (sizes.length > count.max) throw new CliUsageError(`--layers: at most ${count.max} hidden layers, got ${sizes.length}`);
  const big = sizes.find((n) => n > size.max);
  if (big !== undefined) throw new CliUsageError(`--layers: each layer has ${size.min} to ${size.max} units, got ${big}`);
  return sizes;
}

function featureNames(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new CliUsageError(`--without-features: expected comma-separated feature names (e.g. genres,age), got '${value}'`);
  return names;
}

export interface LrFindCommand extends Pick<TrainCommand, 'ratings' | 'valid' | 'validPct' | 'splitSeed' | 'config' | 'json'> {
  startLr: number;
  endLr: number;
  numIt: number;
}

/** Train's flags that lr-find has no use for, and what to do instead. */
const NOT_FOR_LR_FIND: Partial<Record<keyof typeof OPTIONS, string>> = {
  lr: 'lr-find sweeps the learning rate itself: set the sweep with --start-lr and --end-lr',
  schedule: 'lr-find sweeps the learning rate itself (exponentially from --start-lr to --end-lr)',
  epochs: 'lr-find trains --num-it batches, not epochs',
  patience: 'lr-find does not train to the end, so there is nothing to stop early',
  out: 'lr-find puts the model back as it found it, so there are no parameters to write',
  cores: 'lr-find trains its batches on one thread',
  engine: 'lr-find sweeps in ONNX Runtime',
};

/** Parse `lr-find`'s arguments: train's that make sense here, plus the sweep's. Null when --help was asked. */
export function parseLrFindArgs(argv: string[]): LrFindCommand | null {
  const own = { 'start-lr': { type: 'string' }, 'end-lr': { type: 'string' }, 'num-it': { type: 'string' } } as const;
  const parsed = parseWithTrainFlags('lr-find', argv, own, NOT_FOR_LR_FIND);
  if (!parsed) return null;
  const { ratings, valid, validPct, splitSeed, config, json } = parsed.train;
  const refusal = lrFindRefusal(config);
  if (refusal) throw new CliUsageError(`--optimizer ${config.optim.optimizer}: ${refusal}`);
  const v = parsed.own;
  const startLr = num('start-lr', v['start-lr'], LR_FIND_DEFAULTS.startLr, CONFIG_LIMITS.lr);
  const endLr = num('end-lr', v['end-lr'], LR_FIND_DEFAULTS.endLr, CONFIG_LIMITS.lr);
  if (endLr <= startLr) throw new CliUsageError(`--end-lr: must be above --start-lr (${startLr}), got ${endLr}`);
  const numIt = num('num-it', v['num-it'], LR_FIND_DEFAULTS.numIt, NUM_IT_LIMITS);
  return { ratings, valid, validPct, splitSeed, config, json, startLr, endLr, numIt };
}

/** Every option train parses, --help included (what sweep and tune keep or refuse). */
export type TrainOption = keyof typeof OPTIONS;
export const TRAIN_FLAGS = Object.keys(OPTIONS) as TrainOption[];

/**
 * A command that takes train's flags (its base settings, the split) and flags of its own:
 * lr-find, sweep, tune. `refused`: train's flags it has no use for, each with what to do
 * instead. Null when --help was asked.
 */
export function parseWithTrainFlags<O extends Record<string, { type: 'string' }>>(
  command: string, argv: string[], own: O, refused: Partial<Record<TrainOption, string>>,
): { train: TrainCommand; own: { [K in keyof O]?: string } } | null {
  const parsed = parseCommand(command, argv, { ...OPTIONS, ...own });
  if (!parsed) return null;
  for (const [flag, why] of Object.entries(refused)) {
    if (parsed.values[flag] !== undefined) throw new CliUsageError(`--${flag}: ${why}`);
  }
  return { train: trainCommand(parsed), own: parsed.values as { [K in keyof O]?: string } };
}

/** Parse `train`'s arguments (after the word `train`). Returns null when --help was asked. */
export function parseTrainArgs(argv: string[]): TrainCommand | null {
  const parsed = parseCommand('train', argv, OPTIONS);
  return parsed && trainCommand(parsed);
}

/** Parse `export`'s arguments: train's, plus --format; --out is required. Null when --help was asked. */
export function parseExportArgs(argv: string[]): TrainCommand | null {
  const parsed = parseCommand('export', argv, { ...OPTIONS, format: { type: 'string' } });
  if (!parsed) return null;
  const cmd = trainCommand(parsed);
  const format = parsed.values.format as string | undefined;
  if (format === undefined) throw new CliUsageError(`export: --format is required (${EMBEDDING_FORMATS.join('|')}|all)`);
  if (cmd.out === null) throw new CliUsageError('export: --out <dir> is required (the folder to write into)');
  if (cmd.config.model.kind !== 'dot' && cmd.config.model.kind !== 'dotbias') {
    throw new CliUsageError(`export: --model ${cmd.config.model.kind} has no per-user and per-item factors to export; use dot or dotbias`);
  }
  const formats = format === 'all' ? [...EMBEDDING_FORMATS] : format.split(',').map((f) => f.trim());
  for (const f of formats) {
    if (!(EMBEDDING_FORMATS as readonly string[]).includes(f)) {
      throw new CliUsageError(`--format: expected ${EMBEDDING_FORMATS.join('|')}|all (or a comma-separated list), got '${f}'`);
    }
  }
  return { ...cmd, formats: [...new Set(formats as EmbeddingFormat[])] };
}

type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parseCommand(command: string, argv: string[], options: typeof OPTIONS & Record<string, { type: 'string' | 'boolean' }>): Parsed | null {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: negativeValuesJoined(argv, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliUsageError(describeParseError(e));
  }
  if (parsed.values.help) return null;
  if (parsed.positionals.length === 0) throw new CliUsageError(`${command}: missing the ratings file`);
  if (parsed.positionals.length > 1) {
    throw new CliUsageError(`${command}: one ratings file expected, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  }
  return parsed;
}

function trainCommand(parsed: Parsed): TrainCommand {
  const v = parsed.values as { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };
  if (v.valid !== undefined && v['valid-pct'] !== undefined) {
    throw new CliUsageError('--valid and --valid-pct exclude each other: give a validation file or a share to hold out');
  }

  const optimizer = oneOf<OptimizerKind>('optimizer', v.optimizer, ['adam', 'sgd', 'momentum', 'lbfgs'], 'adam');
  const batchSize = v.bs === 'full' || (v.bs === undefined && optimizer === 'lbfgs')
    ? 'full' as const
    : num('bs', v.bs, 64, CONFIG_LIMITS.batchSize);
  if (optimizer === 'lbfgs' && batchSize !== 'full') {
    throw new CliUsageError(`--optimizer lbfgs works on the full batch: use --bs full (got --bs ${v.bs})`);
  }

  const config: TrainConfig = {
    model: {
      kind: oneOf<ModelKind>('model', v.model, ['dot', 'dotbias', 'nn', 'classes', 'autorec'], 'dotbias'),
      factors: num('factors', v.factors, 50, CONFIG_LIMITS.factors),
      yRange: yRange(v['y-range']),
      init: oneOf('init', v.init, ['trunc-normal', 'uniform'] as const, 'trunc-normal'),
      layers: layers(v.layers),
      dropout: num('dropout', v.dropout, 0, CONFIG_LIMITS.dropout),
    },
    optim: {
      optimizer,
      lr: num('lr', v.lr, 5e-3, CONFIG_LIMITS.lr),
      wd: num('wd', v.wd, 0.1, CONFIG_LIMITS.wd),
      wdMode: oneOf<WeightDecayMode>('wd-mode', v['wd-mode'], ['decoupled', 'l2'], 'decoupled'),
      schedule: oneOf<ScheduleKind>('schedule', v.schedule, ['one-cycle', 'constant'], 'one-cycle'),
      // Unset: the trainer picks (defaultUpdates in engine/train/trainer.ts).
      ...(v.updates === undefined ? {} : { updates: oneOf('updates', v.updates, ['lazy', 'dense'] as const, 'lazy') }),
    },
    epochs: num('epochs', v.epochs, 5, CONFIG_LIMITS.epochs),
    batchSize,
    seed: num('seed', v.seed, 42, CONFIG_LIMITS.seed),
    threads: num('threads', v.threads, 1, CONFIG_LIMITS.threads),
    device: oneOf<Device>('device', v.device, ['cpu', 'cuda', 'webgpu'], 'cpu'),
    earlyStopPatience: num('patience', v.patience, 0, CONFIG_LIMITS.earlyStopPatience),
  };
  const engine = oneOf<EngineRequest>('engine', v.engine, ENGINE_REQUESTS, 'auto');
  // A forced engine that cannot train these settings is a usage mistake, said before any data is read.
  if (engine === 'fused') {
    try {
      chooseEngine(config, 0, engine, CLI_ENGINE_WORDS);
    } catch (e) {
      throw new CliUsageError((e as Error).message);
    }
  }
  return {
    ratings: parsed.positionals[0],
    valid: v.valid ?? null,
    validPct: v.valid !== undefined ? 0 : num('valid-pct', v['valid-pct'], 0.1, { min: 0, max: 0.9 }),
    splitSeed: num('split-seed', v['split-seed'], config.seed, CONFIG_LIMITS.seed),
    config,
    cores: num('cores', v.cores, 2, { integer: true, min: 1, max: 2 }) as 1 | 2,
    json: v.json ?? false,
    out: v.out ?? null,
    itemFeatures: v['item-features'] ?? null,
    userFeatures: v['user-features'] ?? null,
    withoutFeatures: featureNames(v['without-features']),
    engine,
    explicit: new Set((Object.keys(v) as (keyof typeof OPTIONS)[]).filter((k): k is TrainFlag => k !== 'help' && k in OPTIONS && v[k] !== undefined)),
  };
}

/**
 * The configurations that train but quietly give bad models: warned about on stderr.
 * Coupled L2 under Adam is rescaled by 1/√v per element, so the penalty dominates rarely-seen
 * rows: fastbook's wd 0.1 in this mode reaches only RMSE 1.29 on ml-100k (PyTorch).
 */
export function configWarnings(config: TrainConfig): string[] {
  const warnings: string[] = [];
  const { optimizer, wdMode, wd } = config.optim;
  if (optimizer === 'adam' && wdMode === 'l2' && wd >= 0.01) {
    warnings.push(`--wd-mode l2 with Adam and --wd ${wd}: L2 in the loss is rescaled by Adam per weight and ` +
      'over-shrinks rare users and items (wd 0.1 collapses ml-100k to RMSE 1.29 in PyTorch); ' +
      'use --wd-mode decoupled (fastai\'s default) or a wd around 1e-4');
  }
  return warnings;
}

/**
 * `--wd -1` → `--wd=-1`: parseArgs takes a value that starts with a dash for a flag (and calls
 * the option's value missing); a number is what the user meant. Anything else after a flag that
 * takes a value (`--wd --json`) is still a missing value.
 */
function negativeValuesJoined(argv: string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)$/.exec(argv[i])?.[1];
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

/** node:util parseArgs errors → our one-line wording. */
export function describeParseError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const quoted = /'(-{1,2}[^']*)'/.exec(err.message ?? '')?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted?.split(' ')[0];
      if (!flag) return err.message ?? 'bad option value';
      return /does not take/.test(err.message ?? '') ? `${flag} takes no value` : `${flag}: missing its value`;
    }
    default:
      return err.message ?? String(e);
  }
}
