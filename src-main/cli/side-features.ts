/**
 * `--item-features` / `--user-features` (issue 15 item 1): the files are read and matched to
 * the ratings' ids, and what they hold is reported — one line each for people, an
 * `item_features` / `user_features` object on the --json done line — saying plainly that no
 * model uses them yet.
 */
import type { RatingsDataset } from '../data/dataset.ts';
import type { Feature } from '../data/import/features.ts';
import { readFeatureFile } from '../data/import/features.ts';
import { type JoinedFeatures, joinFeatures } from '../data/import/features-join.ts';

export interface SideFeatures {
  notes: string[];
  json: { item_features?: object; user_features?: object };
}

const NOT_USED = 'not used by the model yet';
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function readSideFeatures(files: { itemFeatures: string | null; userFeatures: string | null }, train: RatingsDataset): Promise<SideFeatures> {
  const out: SideFeatures = { notes: [], json: {} };
  for (const entity of ['item', 'user'] as const) {
    const file = entity === 'item' ? files.itemFeatures : files.userFeatures;
    if (file === null) continue;
    const joined = joinFeatures(await readFeatureFile(file), entity === 'item' ? train.itemIds : train.userIds);
    out.notes.push(describeFeatures(entity, joined));
    out.json[`${entity}_features`] = featuresJson(joined);
  }
  return out;
}

/** "genres (19 values)", "year (numeric)". */
const featureText = (f: Feature) => `${f.name} (${f.kind === 'numeric' ? 'numeric' : `${count(f.vocabulary.length - 1, 'value')}${f.kind === 'multi' ? ', several a row' : ''}`})`;

/** "item features: u.item (MovieLens u.item …): genres (19 values, several a row), year (numeric); 1682 of 1682 items matched — not used by the model yet". */
export function describeFeatures(entity: 'item' | 'user', j: JoinedFeatures): string {
  const parts = [`${j.matched} of ${j.count} ${entity}s matched`];
  if (j.unmatched) parts.push(`${j.unmatched} without a row (their features unknown)`);
  if (j.extra) parts.push(`${count(j.extra, 'row')} for ${entity}s not in the ratings (ignored)`);
  // For a hand-made file, say which columns auto-detection left out; MovieLens layouts are fixed.
  if (j.format === 'csv' && j.skippedColumns.length) parts.push(`left out: ${j.skippedColumns.map((s) => `${s.column} (${s.reason})`).join(', ')}`);
  const features = j.features.length ? j.features.map(featureText).join(', ') : 'no usable columns';
  return `${entity} features: ${j.file} (${j.label}): ${features}; ${parts.join(', ')} — ${NOT_USED}`;
}

function featuresJson(j: JoinedFeatures): object {
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
    used_by_model: false,
  };
}
