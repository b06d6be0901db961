/**
 * The contract's commands for reading and using the trained factors (issue 5): biases, PCA,
 * similar items, recommendations, the one-hot lesson, cold-start rows and exports. contract.ts
 * spreads these into its command table, so hosts, the endpoint's validation and the renderer's
 * typed client treat them like every other command. Results are plain JSON (no NaN: a missing
 * mean is null), because the web host sends them as JSON.
 */
import { z } from 'zod';
import type { StatePatch } from './contract.ts';
import type { WriteExists } from './data-contract.ts';
import { filePathSchema, overwriteSchema } from './file-path.ts';

const side = z.enum(['user', 'item']);
const count = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);
const minRatings = z.number().int().min(0).max(1_000_000).default(0);
/** Rows are named by their original id (a dataset's codes are internal to the worker). */
const rowId = z.string().min(1).max(1000);
/** A new row's side features by feature name: a label, several (genres), a number, or null (unknown). */
const featureLabel = z.string().max(300);
const featureValues = z.record(z.string().min(1).max(300), z.union([featureLabel, z.array(featureLabel).max(64), z.number().finite(), z.null()]))
  .refine((r) => Object.keys(r).length <= 64, 'at most 64 features');
export type FeatureValues = z.infer<typeof featureValues>;

/** Feature effects trains one short run per feature and one with all: short, so each stays a quick comparison. */
export const MAX_FEATURE_RUN_EPOCHS = 100;

export const EXPORT_FORMATS = ['csv', 'tsv', 'json', 'npy', 'projector', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const insightCommandArgs = {
  /** Users or items ranked by learned bias: the n lowest and the n highest. */
  biases: z.strictObject({ side, n: count(100, 10), minRatings }),
  /** PCA of the item factors of the topItems most rated items, with each component's extremes. */
  itemPca: z.strictObject({
    topItems: z.number().int().min(3).max(20_000).default(1000),
    components: z.number().int().min(2).max(10).default(3),
    extremes: count(50, 10),
  }),
  /** The n nearest items to one item in factor space (the item itself left out). */
  similarItems: z.strictObject({ id: rowId, metric: z.enum(['cosine', 'dot', 'euclidean']).default('cosine'), n: count(100, 10), minRatings }),
  /** The user's top-n items by predicted rating, leaving out everything they rated. */
  recommendations: z.strictObject({ userId: rowId, n: count(100, 10), minRatings }),
  /** Users or items whose label or id contains `query` (case-insensitive), most rated first. */
  findRows: z.strictObject({ side, query: z.string().max(200), limit: count(200, 20) }),
  /** The Excel movielens_1hot lesson for one row: one-hot × embedding matrix = the looked-up row. */
  oneHot: z.strictObject({ side, id: rowId }),
  /**
   * A new user row (or movie column) at the end of the sheet. It starts from the average taste;
   * ratings typed into it fold it in (its factors solved with the other side held fixed) until
   * the next Solve, Step or Reset trains it with everyone else.
   */
  /** features: the new row's side features by name (issue 15 item 3), predicted from at once by a neural model. */
  addUser: z.strictObject({ label: z.string().trim().min(1).max(200).optional(), features: featureValues.optional() }),
  addMovie: z.strictObject({ title: z.string().trim().min(1).max(500).optional(), features: featureValues.optional() }),
  /**
   * What the neural model learned about each value of each item feature (issue 15 item 4: "what
   * the model learned about Sci-Fi"): its movies' mean predicted rating over `users` users with
   * the value minus without it, and the `top` movies it moves most. Bounded: users are spread
   * over the sheet, at most 1000; at most 200 values a feature.
   */
  featureValueEffects: z.strictObject({ users: count(1000, 200), top: count(20, 5) }),
  /**
   * Leave-one-feature-out (issue 15 item 4: "valid RMSE with and without it"): the sheet's model
   * trained `epochs` epochs with every used feature, then once without each, in the worker; each
   * a run in the Runs list. Stop ends it between batches, keeping the runs finished.
   */
  featureEffects: z.strictObject({ epochs: z.number().int().min(1).max(MAX_FEATURE_RUN_EPOCHS).default(5) }),
  /** What the cold-start card shows for a row: a user's top 10, a movie's 10 nearest (the worker's settings). */
  coldStartList: z.strictObject({ side, id: rowId }),
  /**
   * Factors and biases with original ids and titles, in each format, into the folder `path`
   * (created if missing). Files already there are replaced only with overwrite.
   */
  exportEmbeddings: z.strictObject({
    path: filePathSchema,
    overwrite: overwriteSchema,
    formats: z.array(z.enum(EXPORT_FORMATS)).min(1).default([...EXPORT_FORMATS]),
    /** A blend run of the Runs list instead of the sheet's model: its members in one ONNX serving model (formats: onnx). */
    run: z.string().regex(/^r[1-9]\d{0,8}$/, 'A run id is r and a number, as the Runs list names them').optional(),
  }),
} as const;

/** A user or item as the panels list it. */
export interface RowRef {
  id: string;
  /** The title of a movie, the sheet's name of a user, else the id. */
  label: string;
  /** Ratings it has in the current data. */
  count: number;
  /** Mean of those ratings; null when it has none. */
  mean: number | null;
}

export interface BiasEntry extends RowRef {
  bias: number;
}

export interface BiasResult {
  side: 'user' | 'item';
  /** Lowest bias first. */
  lowest: BiasEntry[];
  /** Highest bias first. */
  highest: BiasEntry[];
}

export interface PcaEntry extends RowRef {
  /** Coordinate on each component. */
  coords: number[];
  /** The movie's learned bias (null for a plain dot model), for colouring and labelling the map. */
  bias: number | null;
  /** Its genres from the titles file (MovieLens u.item / movies.csv); empty when none are known. */
  genres: string[];
}

export interface PcaResult {
  /** The analysed items, most rated first. */
  points: PcaEntry[];
  /** Share of the analysed factors' variance along each component. */
  varianceRatio: number[];
  /** Per component: the items at its negative and positive ends (fastbook's fac0 / fac1 tables). */
  extremes: { component: number; lowest: PcaEntry[]; highest: PcaEntry[] }[];
}

export interface ScoredEntry extends RowRef {
  score: number;
}

export interface SimilarResult {
  query: RowRef;
  metric: 'cosine' | 'dot' | 'euclidean';
  items: ScoredEntry[];
}

export interface RecommendationResult {
  user: RowRef;
  /** True for a row added by addUser and not trained since: its factors come from fold-in. */
  coldStart: boolean;
  /** Items the user rated (all left out of the list). */
  rated: number;
  /** Best first; score = predicted rating. */
  items: ScoredEntry[];
}

export interface OneHotResult {
  side: 'user' | 'item';
  /** The chosen row's position in `rows`. */
  row: number;
  /** Every row of the side, in table order (what the one-hot vector indexes). */
  rows: { id: string; label: string }[];
  oneHot: number[];
  /** rows × k. */
  matrix: number[][];
  /** oneHot × matrix, computed by the full multiplication. */
  product: number[];
  /** matrix[row]. */
  lookedUp: number[];
  equal: boolean;
}

/** One value of an item feature (Sci-Fi of genres) and what the model does with it. */
export interface FeatureValueEffect {
  /** The feature's name as the file calls it (genres). */
  feature: string;
  value: string;
  /** Movies with the value. */
  movies: number;
  /** Their mean prediction with the value minus without it, in rating points: positive, it raises them. */
  effect: number;
  /** The movies it moves most (largest |effect| first), with their own effect. */
  top: (RowRef & { effect: number })[];
}

export interface FeatureValueEffectsResult {
  /** Largest |effect| first. */
  values: FeatureValueEffect[];
  /** The users each movie's mean prediction is taken over. */
  users: number;
  /** Item features the table leaves out, and why (a numeric one has no values to take away; a user feature moves users, not movies). */
  notListed: string[];
}

/** One run of Feature effects and its validation RMSE. */
export interface FeatureRun {
  runId: string;
  validRmse: number | null;
}

export interface FeatureEffectsAnswer {
  epochs: number;
  /** The run with every used feature: what each left-out run compares with. */
  withAll: FeatureRun | null;
  /**
   * Per used feature, as far as it got: the run without it; change = its valid RMSE minus
   * withAll's (positive: the model does worse without the feature, so the feature helps).
   */
  without: (FeatureRun & { key: string; side: 'user' | 'item'; name: string; change: number | null })[];
  /** Stop ended it before every run finished. */
  cancelled: boolean;
}

/** Feature effects' queue: runs done, in all, and the one training now. */
export interface FeatureEffectsProgress {
  done: number;
  total: number;
  next: string | null;
  elapsedSeconds: number;
}

export interface ExportResult {
  folder: string;
  files: string[];
}

export interface InsightCommandResults {
  biases: BiasResult;
  itemPca: PcaResult;
  similarItems: SimilarResult;
  recommendations: RecommendationResult;
  findRows: RowRef[];
  oneHot: OneHotResult;
  addUser: StatePatch;
  addMovie: StatePatch;
  coldStartList: ColdStartAnswer;
  featureValueEffects: FeatureValueEffectsResult;
  featureEffects: FeatureEffectsAnswer;
  exportEmbeddings: ExportResult | WriteExists;
}

/**
 * A cold row's new list, sent with the edit that moved it (before that edit's `changed` event),
 * so the card shows it without a second round trip: a new user's recommendations, a new movie's
 * nearest movies (the same list `coldStartList` answers).
 */
export type ColdStartAnswer =
  | { side: 'user'; id: string; recommendations: RecommendationResult }
  | { side: 'item'; id: string; similar: SimilarResult };

export interface InsightEventPayloads {
  coldStart: ColdStartAnswer;
  featureEffectsProgress: FeatureEffectsProgress;
}
