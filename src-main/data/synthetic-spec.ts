/**
 * "New synthetic dataset" as a person asks for it — users, items, a number of ratings or a
 * density, rank, noise, popularity skew, seed — turned into the generator's PlantedSpec. The app's
 * dialog and `collabsheet synth` share it, so the same answers give the same ratings in both.
 */
import type { PlantedSpec } from './synthetic.ts';

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
