/**
 * "New synthetic dataset" as a person asks for it — users, items, a number of ratings or a
 * density, rank, noise, popularity skew, seed — turned into the generator's PlantedSpec. The app's
 * dialog and `collabsheet synth` share it, so the same answers give the same ratings in both.
 */
import { z } from 'zod';
import { MAX_RATING_MAGNITUDE } from './rating-value.ts';
import type { PlantedSpec } from './synthetic.ts';

/**
 * What the generator is asked for at most, wherever a spec comes from (the dialog, a project's
 * `generated` source): memory is ~(users + items)·rank·4 bytes of planted factors plus 12–20
 * bytes a rating, time linear in the ratings. The bounds allow the MovieLens-25M shape the
 * benchmarks use (162,541 × 59,047, 25,000,095 ratings, rank 8) with room; rank 10⁶ or 10⁹
 * ratings (memory until death, a worker that never answers) are refused.
 */
export const SYNTHETIC_LIMITS = {
  users: { min: 2, max: 1_000_000 },
  items: { min: 2, max: 200_000 },
  ratings: { min: 1, max: 50_000_000 },
  rank: { min: 1, max: 64 },
  noise: { min: 0, max: 5 },
  popularitySkew: { min: 0, max: 3 },
} as const;

const shown = (n: number) => n.toLocaleString('en-US');
/** A whole number in `limit`, refused with the bounds in the message. */
export const wholeIn = (limit: { min: number; max: number }) =>
  z.number().int(`must be a whole number from ${shown(limit.min)} to ${shown(limit.max)}`).min(limit.min, `must be at least ${shown(limit.min)}`).max(limit.max, `must be at most ${shown(limit.max)}`);
/** A number in `limit`, refused with the bounds in the message. */
export const numberIn = (limit: { min: number; max: number }) =>
  z.number().min(limit.min, `must be at least ${shown(limit.min)}`).max(limit.max, `must be at most ${shown(limit.max)}`);

const STD_LIMIT = { min: 0, max: 10 };
const RATING_LIMIT = { min: -MAX_RATING_MAGNITUDE, max: MAX_RATING_MAGNITUDE };
/** Seconds: ±3·10¹¹ is ±10,000 years around 1970. */
const TIME_LIMIT = { min: -3e11, max: 3e11 };

/** A stored PlantedSpec (a project's `generated` source), every field bounded before the generator allocates. */
export const plantedSpecSchema = z.strictObject({
  users: wholeIn(SYNTHETIC_LIMITS.users),
  items: wholeIn(SYNTHETIC_LIMITS.items),
  ratings: wholeIn(SYNTHETIC_LIMITS.ratings),
  rank: wholeIn(SYNTHETIC_LIMITS.rank),
  noise: numberIn(SYNTHETIC_LIMITS.noise),
  seed: wholeIn({ min: 0, max: 2 ** 32 - 1 }),
  mean: numberIn(RATING_LIMIT).optional(),
  biasStd: numberIn(STD_LIMIT).optional(),
  factorStd: numberIn(STD_LIMIT).optional(),
  popularitySkew: numberIn(SYNTHETIC_LIMITS.popularitySkew).optional(),
  userSkew: numberIn(SYNTHETIC_LIMITS.popularitySkew).optional(),
  timestamps: z
    .strictObject({ start: numberIn(TIME_LIMIT), end: numberIn(TIME_LIMIT) })
    .refine((t) => t.start <= t.end, 'start must not be after end')
    .optional(),
  idPrefix: z.strictObject({ user: z.string().max(32), item: z.string().max(32) }).optional(),
  scale: z
    .strictObject({ lo: numberIn(RATING_LIMIT), hi: numberIn(RATING_LIMIT), step: z.number().positive().max(MAX_RATING_MAGNITUDE) })
    .refine((s) => s.lo < s.hi, 'lo must be below hi')
    .optional(),
}) satisfies z.ZodType<PlantedSpec>;

export interface SyntheticRequest {
  users: number;
  items: number;
  /** Exactly one of ratings and density (ratings / (users · items)). */
  ratings?: number;
  density?: number;
  rank: number;
  noise: number;
  /** 0 = every user and item equally likely; ~0.5–1 = MovieLens-like long tails. */
  popularitySkew: number;
  seed: number;
  /** Default: whole stars 1–5 (MovieLens 100k); null: raw real values. */
  scale?: { lo: number; hi: number; step: number } | null;
}

const PLANTED_DOT_STD = 0.8;

export const DEFAULT_SYNTHETIC_SCALE = { lo: 1, hi: 5, step: 1 } as const;

export function plantedSpecFor(r: SyntheticRequest): PlantedSpec {
  if ((r.ratings === undefined) === (r.density === undefined)) throw new Error('give either a number of ratings or a density');
  const cells = r.users * r.items;
  const wanted = r.ratings ?? Math.round((r.density ?? 0) * cells);
  const scale = r.scale === undefined ? DEFAULT_SYNTHETIC_SCALE : r.scale;
  return {
    users: r.users,
    items: r.items,
    ratings: Math.max(1, Math.min(cells, wanted)),
    rank: r.rank,
    noise: r.noise,
    seed: r.seed,
    popularitySkew: r.popularitySkew,
    // The planted dot product has std √rank · factorStd²: keep it at 0.8 stars whatever the rank,
    // so the tastes carry signal at rank 1 and a rank-16 dataset is not clipped at the scale's ends.
    factorStd: Math.sqrt(PLANTED_DOT_STD / Math.sqrt(r.rank)),
    ...(scale ? { scale: { ...scale } } : {}),
  };
}

/** A name that says what was generated: "synthetic 943 × 1682, 100000 ratings, rank 3, σ 0.5". */
export function syntheticName(spec: PlantedSpec): string {
  return `synthetic ${spec.users} × ${spec.items}, ${spec.ratings} ratings, rank ${spec.rank}, σ ${spec.noise}`;
}
