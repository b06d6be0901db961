/**
 * The open sheet's side features (issue 15): the item and user feature files read beside the
 * ratings, kept as parsed tables keyed by the files' own ids (so rows added on the sheet, and a
 * project's data, join to them by id), what the import reports of them, and the model's tables
 * (engine/models/side-features.ts) for the neural models, less the features the settings leave out.
 */
import { basename } from 'node:path';
import { type Feature, type FeatureTable, readFeatureFile, UNKNOWN } from '../../data/import/features.ts';
import { joinFeatures } from '../../data/import/features-join.ts';
import { encodeFeatures, type FeatureSide, type ModelFeatures, type SideFeatureSet, usesSideFeatures } from '../../engine/models/index.ts';
import type { ModelKind } from '../../engine/types.ts';
import type { FeatureReport, SheetFeatureInfo } from '../data-contract.ts';
import type { FeatureValues } from '../insight-contract.ts';
import { UserError } from '../user-error.ts';

/** The parsed feature files of a sheet; null where none was given. */
export interface SheetFeatures {
  item: FeatureTable | null;
  user: FeatureTable | null;
}

export type { FeatureValues };

export const NO_SHEET_FEATURES: SheetFeatures = { item: null, user: null };

/** How the settings name a feature: `item:genres`, `user:age`. */
export const featureKey = (side: FeatureSide, name: string): string => `${side}:${name}`;

/** At most this many values of a vocabulary travel to the renderer (the + Movie form's choices). */
const MAX_SHOWN_VALUES = 200;

/** Reads the feature files an import names; a bad row throws DataImportError with file:line (badRows 'fail'), as the ratings do. */
export async function readSheetFeatures(paths: { item: string | null; user: string | null }, badRows: 'fail' | 'skip'): Promise<SheetFeatures> {
  return {
    item: paths.item ? await readFeatureFile(paths.item, { badRows }) : null,
    user: paths.user ? await readFeatureFile(paths.user, { badRows }) : null,
  };
}

const plural = (side: FeatureSide, n: number) => (side === 'item' ? (n === 1 ? 'movie' : 'movies') : n === 1 ? 'user' : 'users');
const num = (n: number) => n.toLocaleString('en-US');

/** What the import dialog shows of one file: "1,682 of 1,682 movies have genres; 0 unknown". */
export function featureReport(side: FeatureSide, table: FeatureTable, ids: readonly string[], kind: ModelKind): FeatureReport {
  const j = joinFeatures(table, ids);
  const have = j.features.map((f) => `${num(j.count - f.unknown)} of ${num(j.count)} ${plural(side, j.count)} have ${f.name}`);
  const summary = `${have.length ? have.join(', ') : 'no usable columns'}; ${num(j.unmatched)} unknown${j.extra ? `; ${num(j.extra)} rows for ${plural(side, j.extra)} not in the ratings (ignored)` : ''}`;
  return {
    side,
    file: table.file,
    formatLabel: table.label,
    count: j.count,
    matched: j.matched,
    unmatched: j.unmatched,
    extra: j.extra,
    features: j.features.map((f) => ({ name: f.name, kind: f.kind, values: f.kind === 'numeric' ? null : f.vocabulary.length - 1, unknown: f.unknown })),
    skippedColumns: table.skippedColumns.map((s) => `${s.column} (${s.reason})`),
    skippedRows: table.skippedRows,
    badCells: table.badCells,
    badRowExamples: table.badRowExamples,
    summary,
    usedByModel: usesSideFeatures(kind)
      ? 'used by the neural model: embedded beside the user and movie embeddings'
      : 'not used by the factor models (dot product, dot + bias): choose the neural model in the settings to use them',
  };
}

/** Every feature of the sheet, as the settings and the + Movie / + User forms name them. */
export function featureInfo(features: SheetFeatures, unused: readonly string[]): SheetFeatureInfo[] {
  return (['item', 'user'] as const).flatMap((side) =>
    (features[side]?.features ?? []).map((f) => ({
      side,
      key: featureKey(side, f.name),
      name: f.name,
      kind: f.kind,
      file: basename(features[side]!.file),
      values: f.kind === 'numeric' ? [] : f.vocabulary.slice(1, 1 + MAX_SHOWN_VALUES),
      used: !unused.includes(featureKey(side, f.name)),
    })),
  );
}

/**
 * The model's feature tables over the sheet's codes (ids in code order, added rows included),
 * without the features `unused` names; undefined for a factor model or a sheet without features.
 */
export function modelFeaturesFor(features: SheetFeatures, ids: { users: readonly string[]; items: readonly string[] }, unused: readonly string[], kind: ModelKind): ModelFeatures | undefined {
  if (!usesSideFeatures(kind)) return undefined;
  const side = (s: FeatureSide, rows: readonly string[]): SideFeatureSet | null => {
    const table = features[s];
    if (!table) return null;
    const kept = joinFeatures(table, rows).features.filter((f) => !unused.includes(featureKey(s, f.name)));
    return kept.length ? encodeFeatures(s, kept, rows.length) : null;
  };
  const out = { user: side('user', ids.users), item: side('item', ids.items) };
  return out.user || out.item ? out : undefined;
}

/** Per movie code, the hover text of its features ("genres: Action, Comedy · year: 1995"), or undefined where it has none. */
export function featureLabels(table: FeatureTable | null, ids: readonly string[]): (string | undefined)[] {
  if (!table) return ids.map(() => undefined);
  const j = joinFeatures(table, ids);
  return ids.map((_, c) => {
    const parts = j.features.flatMap((f) => {
      const text = valueText(f, c);
      return text ? [`${f.name}: ${text}`] : [];
    });
    return parts.length ? parts.join(' · ') : undefined;
  });
}

function valueText(f: Feature, row: number): string {
  switch (f.kind) {
    case 'categorical': return f.codes[row] ? f.vocabulary[f.codes[row]] : '';
    case 'multi': return Array.from(f.codes.subarray(f.offsets[row], f.offsets[row + 1])).filter((c) => c > 0).map((c) => f.vocabulary[c]).join(', ');
    case 'numeric': return Number.isNaN(f.values[row]) ? '' : String(f.values[row]);
  }
}

/**
 * The table with row `id` set to `values` (appended, or replacing the row of that id); null
 * values remove the row. Values must be the vocabulary's (a form picks from it): another label is
 * refused naming the feature and what it may be. Features the values leave out are unknown.
 */
export function withRow(table: FeatureTable, id: string, values: FeatureValues | null, what: string): FeatureTable {
  const at = table.ids.indexOf(id);
  const keep = table.ids.map((_, r) => r).filter((r) => r !== at);
  const names = new Set(table.features.map((f) => f.name));
  for (const name of Object.keys(values ?? {})) {
    if (!names.has(name)) throw new UserError(`${basename(table.file)} has no feature "${name}" for ${what} (it has ${[...names].join(', ') || 'none'})`);
  }
  const features = table.features.map((f) => rebuilt(f, keep, values ? (values[f.name] ?? null) : undefined, what));
  return { ...table, ids: [...keep.map((r) => table.ids[r]), ...(values ? [id] : [])], features };
}

/** `f` over the rows `keep`, then (unless `value` is undefined) one more row of `value`. */
function rebuilt(f: Feature, keep: number[], value: string | string[] | number | null | undefined, what: string): Feature {
  const add = value !== undefined;
  switch (f.kind) {
    case 'categorical': {
      const codes = Int32Array.from([...keep.map((r) => f.codes[r]), ...(add ? [codeOf(f, labelOf(value, f.name, what), what)] : [])]);
      return { ...f, codes, unknown: codes.filter((c) => c === 0).length };
    }
    case 'multi': {
      const rows = keep.map((r) => Array.from(f.codes.subarray(f.offsets[r], f.offsets[r + 1])));
      if (add) {
        const labels = value === null ? [] : Array.isArray(value) ? value : [labelOf(value, f.name, what)];
        const codes = [...new Set(labels.map((l) => codeOf(f, l, what)))].filter((c) => c > 0);
        rows.push(codes.length ? codes : [0]);
      }
      const offsets = new Int32Array(rows.length + 1);
      rows.forEach((r, k) => (offsets[k + 1] = offsets[k] + r.length));
      return { ...f, offsets, codes: Int32Array.from(rows.flat()), unknown: rows.filter((r) => r[0] === 0).length };
    }
    case 'numeric': {
      if (add && value !== null && typeof value !== 'number') throw new UserError(`"${f.name}" of ${what} is a number, not "${String(value).slice(0, 80)}"`);
      const values = Float32Array.from([...keep.map((r) => f.values[r]), ...(add ? [value === null ? NaN : (value as number)] : [])]);
      return { ...f, values, unknown: values.filter(Number.isNaN).length };
    }
  }
}

function labelOf(value: string | string[] | number | null | undefined, name: string, what: string): string {
  if (value === null || value === undefined) return UNKNOWN;
  if (Array.isArray(value)) {
    if (value.length > 1) throw new UserError(`"${name}" of ${what} takes one value, not ${value.length}`);
    return value[0] ?? UNKNOWN;
  }
  return String(value);
}

function codeOf(f: Feature & { vocabulary: string[] }, label: string, what: string): number {
  const code = f.vocabulary.indexOf(label);
  if (code < 0) {
    const some = f.vocabulary.slice(1, 21).join(', ');
    throw new UserError(`"${label.slice(0, 80)}" is not a value of "${f.name}" for ${what}: it is one of ${some}${f.vocabulary.length > 21 ? ', …' : ''}`);
  }
  return code;
}
