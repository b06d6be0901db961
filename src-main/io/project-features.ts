/**
 * The side features a project stores (issue 15, project format 2): the parsed feature tables,
 * keyed by the files' own ids, as features.ts reads them. Stored parsed rather than as the
 * files' paths: a project then opens where the files are not (another machine, the files moved
 * or edited), embedded data stays self-contained, and the rows given to movies and users added
 * on the sheet (+ Movie with its genres) are kept — a file path could hold none of these. They
 * are small (ml-25m's 62k movies' genres: ~0.5 MB). What a file that passes its checksums
 * may still get wrong — codes beyond a vocabulary, offsets that run backwards — is refused here.
 */
import { z } from 'zod';
import { type Feature, FEATURE_LIMITS, type FeatureTable, UNKNOWN } from '../data/import/features.ts';
import { MAX_FEATURE_COLUMNS } from '../data/import/features-layout.ts';

const text = z.string().max(10_000);
const count = z.number().int().nonnegative();
const typed = <T>(ctor: new (...a: never[]) => T) => z.instanceof(ctor as never) as unknown as z.ZodType<T>;
const vocabulary = z.array(text).min(1).max(FEATURE_LIMITS.vocabulary + 1);
const finite = z.number().finite();

const featureSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('categorical'), name: text, unknown: count, vocabulary, codes: typed(Int32Array) }),
  z.strictObject({ kind: z.literal('multi'), name: text, unknown: count, vocabulary, offsets: typed(Int32Array), codes: typed(Int32Array) }),
  z.strictObject({ kind: z.literal('numeric'), name: text, unknown: count, values: typed(Float32Array), mean: finite, std: finite.nonnegative() }),
]);

const tableSchema = z.strictObject({
  file: z.string().min(1).max(4096),
  format: text,
  label: text,
  encoding: z.enum(['utf-8', 'latin1']),
  ids: z.array(text).min(1),
  features: z.array(featureSchema).max(MAX_FEATURE_COLUMNS),
  skippedColumns: z.array(z.strictObject({ column: text, reason: text })).max(MAX_FEATURE_COLUMNS * 4),
  skippedRows: count,
  badCells: count,
  badRowExamples: z.array(text).max(1000),
  bytes: count,
  seconds: z.number().nonnegative(),
}) satisfies z.ZodType<FeatureTable>;

/** CollabProject.features: absent in a format-1 project (it opens without features). */
export const storedFeaturesSchema = z.strictObject({ item: tableSchema.nullable(), user: tableSchema.nullable() });
export interface StoredFeatures {
  item: FeatureTable | null;
  user: FeatureTable | null;
}

/** The first thing wrong with a stored table's arrays, or null (each row's codes in its vocabulary, CSR offsets well formed). */
export function featuresProblem(f: StoredFeatures): string | null {
  for (const side of ['item', 'user'] as const) {
    const t = f[side];
    if (!t) continue;
    if (new Set(t.ids).size !== t.ids.length) return `the ${side} features list an id twice`;
    for (const feature of t.features) {
      const problem = featureProblem(feature, t.ids.length);
      if (problem) return `the ${side} feature "${feature.name.slice(0, 80)}" ${problem}`;
    }
  }
  return null;
}

function featureProblem(f: Feature, rows: number): string | null {
  if (f.kind === 'numeric') return f.values.length === rows ? null : `has ${f.values.length} values for ${rows} rows`;
  if (f.vocabulary[0] !== UNKNOWN) return `does not start its values with "${UNKNOWN}"`;
  const outside = f.codes.findIndex((c) => c < 0 || c >= f.vocabulary.length);
  if (outside >= 0) return `has code ${f.codes[outside]} beyond its ${f.vocabulary.length} values`;
  if (f.kind === 'categorical') return f.codes.length === rows ? null : `has ${f.codes.length} codes for ${rows} rows`;
  if (f.offsets.length !== rows + 1 || f.offsets[0] !== 0 || f.offsets[rows] !== f.codes.length) return 'has offsets that do not span its codes';
  for (let r = 0; r < rows; r++) {
    const n = f.offsets[r + 1] - f.offsets[r];
    if (n < 1 || n > FEATURE_LIMITS.valuesPerCell) return `has ${n} values in row ${r + 1} (1 to ${FEATURE_LIMITS.valuesPerCell})`;
  }
  return null;
}
