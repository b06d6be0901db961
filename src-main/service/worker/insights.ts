/**
 * The insight queries, answered inside the training worker where the parameters and the ratings
 * live; only the small answers travel to the main thread. Reads the trainer's live tables (no
 * copy), and caches what depends on the ratings alone (counts, means, who rated what) until the
 * data changes.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import {
  type FactorModel,
  type RowGroups,
  type RowStats,
  type Side,
  factorModelFromParams,
  groupRows,
  itemFactorPca,
  itemValueEffects,
  oneHotView,
  rankByBias,
  ratedItems,
  recommendForUser,
  rowStats,
  similarItems,
  topN,
} from '../../engine/analysis/index.ts';
import { usesSideFeatures } from '../../engine/models/index.ts';
import type { Trainer } from '../../engine/train/trainer.ts';
import type { TrainConfig } from '../../engine/types.ts';
import { WriteRefusedError } from '../../io/atomic-write.ts';
import { exportEmbeddings, type EmbeddingFormat, renderServingNetwork, writeExport } from '../../io/export/export-embeddings.ts';
import type { ServedNetwork } from '../../io/export/serving-network.ts';
import type { ValidArgs } from '../contract.ts';
import type { WriteExists } from '../data-contract.ts';
import type {
  BiasResult, ExportResult, FeatureValueEffect, FeatureValueEffectsResult, OneHotResult, PcaEntry, PcaResult, RecommendationResult, RowRef, SimilarResult,
} from '../insight-contract.ts';
import type { LoadedSheet } from '../sheet-file.ts';
import { UserError } from '../user-error.ts';
import { unlessExists } from './write-outcome.ts';

/** What the queries read from the worker's session. */
export interface InsightSource {
  trainer: Trainer;
  config: TrainConfig;
  sheet: LoadedSheet;
  /** Every current rating (train and held-out), in the trainer's id coding. */
  data: RatingsDataset;
  /** Changes whenever the ratings do. */
  dataVersion: number;
  isColdUser(code: number): boolean;
}

interface DataCache {
  version: number;
  data: RatingsDataset;
  stats: Record<Side, RowStats>;
  byUser: RowGroups;
  /** What people call each row: the sheet's user names and movie titles (ids where it has none). */
  labels: Record<Side, string[]>;
}

export class Insights {
  private cache: DataCache | null = null;

  constructor(private readonly source: () => InsightSource) {}

  /** The model the queries read: a view of the trainer's live tables. Refused, with the reason, for the neural models. */
  model(): FactorModel {
    const s = this.source();
    if (!isFactorModel(s.config)) {
      throw new UserError(`Insights read per-user and per-movie factors: choose the dot or dot+bias model (this one is ${s.config.model.kind})`);
    }
    return factorModelFromParams(s.trainer.paramViews(), s.config.model.yRange);
  }

  biases(a: ValidArgs<'biases'>): BiasResult {
    const model = this.model();
    if (!model.userBias) throw new UserError('The dot model has no biases: choose dot product + biases to rank them');
    const { data, stats } = this.dataCache();
    const ranked = rankByBias(model, data, a.side, { n: a.n, minRatings: a.minRatings, stats: stats[a.side] });
    const entry = (r: { row: number; bias: number }) => ({ ...this.ref(a.side, r.row), bias: r.bias });
    return { side: a.side, lowest: ranked.lowest.map(entry), highest: ranked.highest.map(entry) };
  }

  itemPca(a: ValidArgs<'itemPca'>): PcaResult {
    const model = this.model();
    const { data, stats } = this.dataCache();
    const rated = stats.item.count.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    if (rated < 3) throw new UserError(`PCA needs at least 3 rated movies; this sheet has ${rated}`);
    const result = itemFactorPca(model, data, { topItems: a.topItems, components: a.components, extremes: a.extremes, stats: stats.item });
    const entry = (p: { row: number; coords: number[] }): PcaEntry => ({
      ...this.ref('item', p.row), coords: p.coords, bias: model.itemBias?.[p.row] ?? null, genres: data.itemGenres?.[p.row] ?? [],
    });
    return {
      points: result.points.map(entry),
      varianceRatio: result.varianceRatio,
      extremes: result.extremes.map((e) => ({ component: e.component, lowest: e.lowest.map(entry), highest: e.highest.map(entry) })),
    };
  }

  similarItems(a: ValidArgs<'similarItems'>): SimilarResult {
    const model = this.model();
    const { data, stats } = this.dataCache();
    const item = this.code('item', a.id);
    const items = similarItems(model, data, item, { metric: a.metric, n: a.n, minRatings: a.minRatings, stats: stats.item });
    return { query: this.ref('item', item), metric: a.metric, items: items.map((s) => ({ ...this.ref('item', s.row), score: s.score })) };
  }

  recommendations(a: ValidArgs<'recommendations'>): RecommendationResult {
    const s = this.source();
    const { data, stats, byUser } = this.dataCache();
    const user = this.code('user', a.userId);
    const recs = isFactorModel(s.config)
      ? recommendForUser(this.model(), data, user, { n: a.n, minRatings: a.minRatings, stats: stats.item, byUser })
      : predictedPicks(s.trainer, data, user, { n: a.n, minRatings: a.minRatings, count: stats.item.count, rated: ratedItems(data, byUser, user) });
    return {
      user: this.ref('user', user),
      coldStart: this.source().isColdUser(user),
      rated: ratedItems(data, byUser, user).length,
      items: recs.map((r) => ({ ...this.ref('item', r.row), score: r.predicted })),
    };
  }

  findRows(a: ValidArgs<'findRows'>): RowRef[] {
    const { stats } = this.dataCache();
    const labels = this.labels(a.side);
    const ids = this.ids(a.side);
    const query = a.query.trim().toLowerCase();
    const hits: number[] = [];
    for (let code = 0; code < labels.length; code++) {
      if (!query || labels[code].toLowerCase().includes(query) || ids[code].toLowerCase().includes(query)) hits.push(code);
    }
    const count = stats[a.side].count;
    // Most rated first; a label that starts with the query before one that merely contains it.
    const starts = (code: number) => (query && labels[code].toLowerCase().startsWith(query) ? 0 : 1);
    hits.sort((x, y) => starts(x) - starts(y) || count[y] - count[x] || x - y);
    return hits.slice(0, a.limit).map((code) => this.ref(a.side, code));
  }

  oneHot(a: ValidArgs<'oneHot'>): OneHotResult {
    const model = this.model();
    const { data } = this.dataCache();
    let view;
    try {
      view = oneHotView(model, data, a.side, this.code(a.side, a.id));
    } catch (error) {
      if (error instanceof UserError) throw error;
      const message = (error as Error).message; // "the one-hot view is for small sheets (at most 100 users); …"
      throw new UserError(message.charAt(0).toUpperCase() + message.slice(1));
    }
    const labels = this.labels(a.side);
    return {
      side: a.side,
      row: view.row,
      rows: view.ids.map((id, code) => ({ id, label: labels[code] })),
      oneHot: view.oneHot,
      matrix: view.matrix,
      product: view.product,
      lookedUp: view.lookedUp,
      equal: view.equal,
    };
  }

  /**
   * Each item feature value's effect through the trained network (engine itemValueEffects), over
   * users spread evenly across the sheet. Read through the network, not off the value's
   * embedding: the feature embeddings sit beside the movie's, not in its basis (see the engine).
   */
  featureValueEffects(a: ValidArgs<'featureValueEffects'>): FeatureValueEffectsResult {
    const { trainer, config } = this.source();
    const features = trainer.features;
    if (!usesSideFeatures(config.model.kind) || !features?.item?.columns.length) {
      const why = usesSideFeatures(config.model.kind)
        ? 'this sheet has no movie features'
        : `the ${config.model.kind} model uses none`;
      throw new UserError(`No feature effects to show: ${why}. Import a movie features file with the ratings (MovieLens u.item or movies.csv for genres, or any CSV keyed by movie id), choose the neural model and Solve`);
    }
    const { data } = this.dataCache();
    const userCount = data.userIds.length;
    const taken = Math.min(a.users, userCount);
    const users = Int32Array.from({ length: taken }, (_, j) => Math.floor((j * userCount) / taken));
    const values: FeatureValueEffect[] = [];
    const notListed = features.user?.columns.map((c) => `${c.kind === 'numeric' ? c.labels.join(', ') : c.label} (a user feature: it moves users, not movies)`) ?? [];
    for (const column of features.item.columns) {
      if (column.kind === 'numeric') {
        notListed.push(`${column.labels.join(', ')} (numeric: no values to take away)`);
        continue;
      }
      // Code 0 is "unknown", what a movie without the feature has: not a value it learned from.
      for (let code = 1; code < Math.min(column.vocabulary.length, MAX_VALUES_A_FEATURE + 1); code++) {
        const effects = itemValueEffects(trainer, column.name, code, users);
        if (effects.length === 0) continue;
        values.push({
          feature: column.label,
          value: column.vocabulary[code],
          movies: effects.length,
          effect: effects.reduce((sum, e) => sum + e.effect, 0) / effects.length,
          top: effects.slice(0, a.top).map((e) => ({ ...this.ref('item', e.item), effect: e.effect })),
        });
      }
      if (column.vocabulary.length > MAX_VALUES_A_FEATURE + 1) notListed.push(`${column.label}: ${column.vocabulary.length - 1 - MAX_VALUES_A_FEATURE} values past the first ${MAX_VALUES_A_FEATURE}`);
    }
    values.sort((x, y) => Math.abs(y.effect) - Math.abs(x.effect));
    return { values, users: taken, notListed };
  }

  async exportEmbeddings(a: ValidArgs<'exportEmbeddings'>): Promise<ExportResult | WriteExists> {
    const s = this.source();
    const { data } = this.dataCache();
    const overwrite = { overwrite: a.overwrite === true };
    // Refusals (a neural model asked for tables, a model without factors) come before any file is looked at.
    const network = isFactorModel(s.config) ? null : renderServingNetwork(this.servedNetwork(a.formats), data);
    const factors = network ? null : this.model();
    return unlessExists(a.path, async () => {
      try {
        const files = network ? await writeExport(network, a.path, overwrite) : await exportEmbeddings(factors!, data, a.formats as EmbeddingFormat[], a.path, overwrite);
        return { folder: a.path, files };
      } catch (error) {
        if (error instanceof WriteRefusedError) throw error;
        const e = error as NodeJS.ErrnoException;
        throw new UserError(`Export to ${a.path} failed: ${e.code ? `${e.code} ${e.path ?? ''}`.trim() : e.message}`);
      }
    });
  }

  /** Every current rating and what is derived from it alone; rebuilt after the ratings change. */
  dataCache(): DataCache {
    const s = this.source();
    if (this.cache?.version !== s.dataVersion) {
      this.cache = {
        version: s.dataVersion,
        data: s.data,
        stats: { user: rowStats(s.data, 'user'), item: rowStats(s.data, 'item') },
        byUser: groupRows(s.data, 'user'),
        labels: { user: s.sheet.users.map((u) => u.label), item: s.sheet.movies.map((m) => m.title) },
      };
    }
    return this.cache;
  }

  /**
   * A neural model exports its serving models alone (onnx), its side-feature tables inside them
   * (issue 15): it has no per-row factors for the table formats.
   */
  private servedNetwork(formats: readonly string[]): ServedNetwork {
    const { trainer, config } = this.source();
    const other = formats.filter((f) => f !== 'onnx');
    if (other.length) throw new UserError(`The ${config.model.kind} model exports only its ONNX serving model: ${other.join(', ')} hold per-user and per-movie factors, which only the dot and dot+bias models have`);
    return { definition: trainer.definition, params: trainer.paramViews(), features: trainer.features };
  }

  private ref(side: Side, code: number): RowRef {
    const { stats } = this.dataCache();
    const count = stats[side].count[code];
    const mean = stats[side].mean[code];
    return { id: this.ids(side)[code], label: this.labels(side)[code], count, mean: Number.isFinite(mean) ? mean : null };
  }

  private code(side: Side, id: string): number {
    const code = this.ids(side).indexOf(id);
    if (code < 0) throw new UserError(`There is no ${side === 'user' ? 'user' : 'movie'} with id ${id} in this sheet`);
    return code;
  }

  private ids(side: Side): readonly string[] {
    const { data } = this.dataCache();
    return side === 'user' ? data.userIds : data.itemIds;
  }

  private labels(side: Side): string[] {
    return this.dataCache().labels[side];
  }
}

/** The feature value table's bound: a value costs two predictions per movie with it per user. */
const MAX_VALUES_A_FEATURE = 200;

const isFactorModel = (config: TrainConfig) => config.model.kind === 'dot' || config.model.kind === 'dotbias';

/**
 * A neural model's top picks for a user: the trainer's predictions for every movie they have not
 * rated (no factors to score with). What + User with side features lists at once (issue 15 item 3).
 */
function predictedPicks(
  trainer: Trainer, data: RatingsDataset, user: number, o: { n: number; minRatings: number; count: ArrayLike<number>; rated: ArrayLike<number> },
): { row: number; predicted: number }[] {
  const items = data.itemIds.length;
  const scores = trainer.predict(new Int32Array(items).fill(user), Int32Array.from({ length: items }, (_, i) => i));
  const rated = new Uint8Array(items);
  for (let j = 0; j < o.rated.length; j++) rated[o.rated[j]] = 1;
  const ranked = topN(scores, o.n, { skip: (i) => rated[i] === 1 || o.count[i] < o.minRatings });
  return Array.from(ranked.indices, (row, r) => ({ row, predicted: ranked.scores[r] }));
}
