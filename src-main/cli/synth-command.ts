/**
 * `collabsheet synth`: a ratings CSV drawn from a planted low-rank model — the generator of the
 * app's "New synthetic dataset", where the same answers give the same ratings — for tests,
 * benchmarks and teaching: the noise σ is the RMSE floor a perfect model reaches.
 */
import { parseArgs } from 'node:util';
import { plantedSpecFor, syntheticName, type SyntheticRequest } from '../data/synthetic-spec.ts';
import { generatePlanted } from '../data/synthetic.ts';
import { writeRatingsCsv } from '../io/ratings-csv.ts';
import { CliUsageError, describeParseError, num } from './args.ts';
import type { Output } from './train-command.ts';

export const SYNTH_USAGE = `usage: collabsheet synth --out <file.csv> [--users 943] [--items 1682]
  [--ratings 100000 | --density 0.063] [--rank 3] [--noise 0.5] [--skew 0.5] [--seed 42]
  [--scale 1,5,1|none] [--timestamps]

Writes user,item,rating[,timestamp] rows (ids 1…n, as MovieLens) from
rating = 3.5 + b_user + b_item + u·v + N(0, noise²), clipped and rounded to the scale.
--skew: 0 = every user and item equally likely; larger = longer popularity tails.`;

export interface SynthCommand {
  request: SyntheticRequest;
  timestamps: boolean;
  out: string;
}

const OPTIONS = {
  out: { type: 'string' },
  users: { type: 'string' },
  items: { type: 'string' },
  ratings: { type: 'string' },
  density: { type: 'string' },
  rank: { type: 'string' },
  noise: { type: 'string' },
  skew: { type: 'string' },
  seed: { type: 'string' },
  scale: { type: 'string' },
  timestamps: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parse `synth`'s arguments (after the word `synth`). Returns null when --help was asked. */
export function parseSynthArgs(argv: string[]): SynthCommand | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (e) {
    throw new CliUsageError(describeParseError(e));
  }
  const v = parsed.values;
  if (v.help) return null;
  if (!v.out) throw new CliUsageError('synth: --out <file.csv> is required');
  if (v.ratings !== undefined && v.density !== undefined) throw new CliUsageError('--ratings and --density exclude each other: give one');
  const users = num('users', v.users, 943, { integer: true, min: 1, max: 10_000_000 });
  const items = num('items', v.items, 1682, { integer: true, min: 1, max: 10_000_000 });
  const request: SyntheticRequest = {
    users,
    items,
    ...(v.density !== undefined
      ? { density: num('density', v.density, 0, { min: 0, above: true, max: 1 }) }
      : { ratings: num('ratings', v.ratings, 100_000, { integer: true, min: 1, max: 1e9 }) }),
    rank: num('rank', v.rank, 3, { integer: true, min: 1, max: 256 }),
    noise: num('noise', v.noise, 0.5, { min: 0 }),
    popularitySkew: num('skew', v.skew, 0.5, { min: 0, max: 5 }),
    seed: num('seed', v.seed, 42, { integer: true, min: 0, max: 2 ** 32 - 1 }),
    scale: scale(v.scale),
  };
  return { request, timestamps: v.timestamps ?? false, out: v.out };
}

function scale(value: string | undefined): SyntheticRequest['scale'] {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const [lo, hi, step] = value.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (![lo, hi, step].every(Number.isFinite) || !(lo < hi) || !(step > 0)) {
    throw new CliUsageError(`--scale: expected 'lo,hi,step' with lo < hi and step > 0 (e.g. 1,5,1 or 0.5,5,0.5) or 'none', got '${value}'`);
  }
  return { lo, hi, step };
}

export async function runSynth(cmd: SynthCommand, io: Output): Promise<number> {
  const started = performance.now();
  const spec = plantedSpecFor(cmd.request);
  // Integer ids as MovieLens has them, so the file reads like u.data / ratings.csv.
  const { data } = generatePlanted({
    ...spec,
    idPrefix: { user: '', item: '' },
    ...(cmd.timestamps ? { timestamps: { start: 1_600_000_000, end: 1_600_000_000 + 365 * 86_400 } } : {}),
  });
  // --out names the file: it is replaced, as a command line's output is (links and read-only files are refused).
  await writeRatingsCsv(data, cmd.out, { timestamps: cmd.timestamps, overwrite: true });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.err(`${syntheticName(spec)} → ${cmd.out} (${data.ratings.length} rows, ${seconds} s)`);
  return 0;
}
