/**
 * `--item-features` / `--user-features` (issue 15 items 1, 2): the files are read and matched to
 * the ratings' ids, encoded as the model's feature tables, and what they hold is reported — one
 * line each for people, an `item_features` / `user_features` object on the --json done line —
 * saying whether the chosen model uses them (the neural ones do; the factor models do not).
 */
import type { RatingsDataset } from '../data/dataset.ts';
import type { Feature } from '../data/import/features.ts';
import { readFeatureFile } from '../data/import/features.ts';
import { type JoinedFeatures, joinFeatures } from '../data/import/features-join.ts';
import { type ModelFeatures, encodeFeatures, usesSideFeatures } from '../engine/models/index.ts';
import type { ModelKind } from '../engine/types.ts';

export interface SideFeatures {
  notes: string[];
  json: { item_features?: object; user_features?: object };
  /** The model's feature tables; null when no file was given. */
  features: ModelFeatures | null;
}


const usage = (kind: ModelKind) => (usesSideFeatures(kind)
  ? 'used by the model: embedded beside the user and item embeddings'
  : `not used by --model ${kind} (a factor model: only --model nn or classes takes side features)`);
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function readSideFeatures(
  files: { itemFeatures: string | null; userFeatures: string | null; withoutFeatures?: readonly string[] },
  train: RatingsDataset, kind: ModelKind,
): Promise<SideFeatures> {
  const out: SideFeatures = { notes: [], json: {}, features: null };
  const features: ModelFeatures = { user: null, item: null };
  const without = new Set(files.withoutFeatures ?? []);
  const found: string[] = [];
  for (const entity of ['item', 'user'] as const) {
    const file = entity === 'item' ? files.itemFeatures : files.userFeatures;
    if (file === null) continue;
    const ids = entity === 'item' ? train.itemIds : train.userIds;
    const read = joinFeatures(await readFeatureFile(file), ids);
    found.push(...read.features.map((f) => f.name));
    const joined = { ...read, features: read.features.filter((f) => !without.has(f.name)) };
    out.notes.push(describeFeatures(entity, joined, kind, read.features.length - joined.features.length));
    out.json[`${entity}_features`] = featuresJson(joined, kind);
    features[entity] = encodeFeatures(entity, joined.features, ids.length);
    out.features = features;
  }
  const unknown = [...without].filter((n) => !found.includes(n));
  if (unknown.length) {
    throw new Error(`--without-features: no feature named ${unknown.map((n) => `'${n}'`).join(', ')} in the feature files (they hold: ${found.join(', ') || 'none'})`);
  }
  return out;
}

/** "genres (19 values)", "year (numeric)". */
const featureText = (f: Feature) => `${f.name} (${f.kind === 'numeric' ? 'numeric' : `${count(f.vocabulary.length - 1, 'value')}${f.kind === 'multi' ? ', several a row' : ''}`})`;

/** "item features: u.item (MovieLens u.item …): genres (19 values, several a row), year (numeric); 1682 of 1682 items matched — used by the model: …". */
export function describeFeatures(entity: 'item' | 'user', j: JoinedFeatures, kind: ModelKind, leftOut = 0): string {
  const parts = [`${j.matched} of ${j.count} ${entity}s matched`];
  if (leftOut) parts.push(`${count(leftOut, 'feature')} left out (--without-features)`);
  if (j.unmatched) parts.push(`${j.unmatched} without a row (their features unknown)`);
  if (j.extra) parts.push(`${count(j.extra, 'row')} for ${entity}s not in the ratings (ignored)`);
  // For a hand-made file, say which columns auto-detection left out; MovieLens layouts are fixed.
  if (j.format === 'csv' && j.skippedColumns.length) parts.push(`left out: ${j.skippedColumns.map((s) => `${s.column} (${s.reason})`).join(', ')}`);
  const features = j.features.length ? j.features.map(featureText).join(', ') : 'no usable columns';
  return `${entity} features: ${j.file} (${j.label}): ${features}; ${parts.join(', ')} — ${usage(kind)}`;
}

function featuresJson(j: JoinedFeatures, kind: ModelKind): object {
  return {
    file: j.file,
    format: j.format,
    features: j.features.map((f) => (f.kind === 'numeric'
      ? { name: f.name, kind: f.kind, mean: f.mean, std: f.std, unknown: f.unknown }
      : { name: f.name, kind: f.kind, values: f.vocabulary.length - 1, unknown: f.unknown })),
    skipped_columns: j.skippedColumns.map((s) => s.column),
    matched: j.matched,
    unmatched: j.unmatched,
    extra: j.extra,
    used_by_model: usesSideFeatures(kind),
  };
}
