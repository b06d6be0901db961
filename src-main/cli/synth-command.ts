/**
 * `collabsheet synth`: a ratings CSV drawn from a planted low-rank model — the generator of the
 * app's "New synthetic dataset", where the same answers give the same ratings — for tests,
 * benchmarks and teaching: the noise σ is the RMSE floor a perfect model reaches.
 */
import { parseArgs } from 'node:util';
import { plantedSpecFor, syntheticName, type SyntheticRequest } from '../data/synthetic-spec.ts';
import { generatePlanted, PLANTED_FEATURE_LIMITS, type PlantedFeatureSpec, plantedFeatureCsvs } from '../data/synthetic.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { writeRatingsCsv } from '../io/ratings-csv.ts';
import { CliUsageError, describeParseError, num } from './args.ts';
import type { Output } from './train-command.ts';

export const SYNTH_USAGE = `usage: collabsheet synth --out <file.csv> [--users 943] [--items 1682]
  [--ratings 100000 | --density 0.063] [--rank 3] [--noise 0.5] [--skew 0.5] [--seed 42]
  [--scale 1,5,1|none] [--timestamps] [--features 19,7]

Writes user,item,rating[,timestamp] rows (ids 1…n, as MovieLens) from
rating = 3.5 + b_user + b_item + u·v + N(0, noise²), clipped and rounded to the scale.
--skew: 0 = every user and item equally likely; larger = longer popularity tails.
--features G,B: plant side features too — each item 1–3 of G genres (its vector and bias their
mean plus its own part), each user one of B age buckets with a bias — and write them beside
<file.csv> as <file>.items.csv (item,genres) and <file>.users.csv (user,age_bucket).`;

export interface SynthCommand {
  request: SyntheticRequest;
  timestamps: boolean;
  out: string;
  features: PlantedFeatureSpec | null;
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
  features: { type: 'string' },
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
  return { request, timestamps: v.timestamps ?? false, out: v.out, features: features(v.features) };
}

function features(value: string | undefined): PlantedFeatureSpec | null {
  if (value === undefined) return null;
  const [genres, ageBuckets, ...rest] = value.split(',');
  const { genres: g, ageBuckets: b } = PLANTED_FEATURE_LIMITS;
  if (ageBuckets === undefined || rest.length) throw new CliUsageError(`--features: expected 'genres,age buckets' (e.g. 19,7), got '${value}'`);
  return {
    genres: num('features', genres, 0, { integer: true, min: g.min, max: g.max }),
    ageBuckets: num('features', ageBuckets, 0, { integer: true, min: b.min, max: b.max }),
  };
}

/** Where --features writes: beside the ratings, "planted.csv" → "planted.items.csv", "planted.users.csv". */
export const featureFilesBeside = (out: string) => {
  const base = out.replace(/\.csv$/i, '');
  return { items: `${base}.items.csv`, users: `${base}.users.csv` };
};

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
  const { data, truth } = generatePlanted({
    ...spec,
    ...(cmd.features ? { features: cmd.features } : {}),
    idPrefix: { user: '', item: '' },
    ...(cmd.timestamps ? { timestamps: { start: 1_600_000_000, end: 1_600_000_000 + 365 * 86_400 } } : {}),
  });
  // --out names the file: it is replaced, as a command line's output is (links and read-only files are refused).
  await writeRatingsCsv(data, cmd.out, { timestamps: cmd.timestamps, overwrite: true });
  const written = [cmd.out];
  if (truth.features) {
    const csv = plantedFeatureCsvs(data, truth.features);
    const files = featureFilesBeside(cmd.out);
    await writeFileAtomic(files.items, [Buffer.from(csv.items)], { overwrite: true });
    await writeFileAtomic(files.users, [Buffer.from(csv.users)], { overwrite: true });
    written.push(files.items, files.users);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.err(`${syntheticName(spec)} → ${written.join(', ')} (${data.ratings.length} rows, ${seconds} s)`);
  return 0;
}
