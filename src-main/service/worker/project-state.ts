/**
 * The app's own part of a `.collabsheet` project (CollabProject.state): settings, scale, origin,
 * labels, planted tastes, split, crosstab view, edits. Validated whole before anything of the
 * open sheet is replaced: each number in its range, each array as long as the data it describes,
 * each rating one the sheet could hold — a crafted project (view.size -5, a rating of 1e39) is
 * refused with the file and the place, never half-installed.
 */
import { z } from 'zod';
import { isFiniteFloat32, MAX_RATING_MAGNITUDE, ratingValueProblem } from '../../data/rating-value.ts';
import { numberIn, plantedSpecSchema, wholeIn } from '../../data/synthetic-spec.ts';
import { storedImportOptionsSchema } from '../../io/project.ts';
import { sessionSettingsSchema } from '../contract.ts';
import { MAX_CROSSTAB } from '../data-contract.ts';
import { UserError } from '../user-error.ts';
import type { DataOrigin, PreparedSheet } from './sheet-sources.ts';

const text = z.string().max(10_000);
const path = z.string().min(1).max(4096);
const labelled = z.array(z.strictObject({ id: text, label: text }));
const titled = z.array(z.strictObject({ id: text, title: text }));
const ratingBound = numberIn({ min: -MAX_RATING_MAGNITUDE, max: MAX_RATING_MAGNITUDE });
const weight = z.number().refine(isFiniteFloat32, 'is too large for a float32 weight');

const originSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sheet-file'), path }),
  z.strictObject({ kind: z.literal('ratings-file'), path, validPath: path.nullable(), options: storedImportOptionsSchema, bytes: z.number().nonnegative(), mtimeMs: z.number() }),
  z.strictObject({ kind: z.literal('workbook'), path, sheet: z.enum(['dotprod', 'bias']) }),
  z.strictObject({ kind: z.literal('generated'), name: text, spec: plantedSpecSchema }),
]) satisfies z.ZodType<DataOrigin>;

/** What the app stores beside the data and the model (CollabProject.state). */
export const appStateSchema = z
  .strictObject({
    format: z.literal('collabsheet-app'),
    version: z.literal(1),
    settings: sessionSettingsSchema,
    scale: z.strictObject({ lo: ratingBound, hi: ratingBound, step: z.number().positive().max(MAX_RATING_MAGNITUDE) }).refine((s) => s.lo < s.hi, 'lo must be below hi'),
    origin: originSchema,
    /** Row and column labels of a small sheet (a sheet file's names); null: the ids and titles. */
    labels: z.strictObject({ users: labelled, movies: titled }).nullable(),
    planted: z.strictObject({ tastes: z.array(text).min(1), userWeights: z.array(z.array(weight)), movieWeights: z.array(z.array(weight)) }).nullable(),
    fileMask: (z.instanceof(Uint8Array) as unknown as z.ZodType<Uint8Array>).nullable(),
    split: z.strictObject({ method: z.enum(['random', 'time', 'files']), validPct: sessionSettingsSchema.shape.validPct, seed: sessionSettingsSchema.shape.splitSeed }),
    view: z.strictObject({ size: wholeIn({ min: 2, max: MAX_CROSSTAB }), pinUsers: z.array(text).max(MAX_CROSSTAB), pinItems: z.array(text).max(MAX_CROSSTAB) }),
    /** [user id, item id, rating or null (cleared)] per edited cell. */
    edits: z.array(z.tuple([text, text, z.number().nullable()])),
    epochs: z.number().int().nonnegative(),
    /** The engine that trained the saved factors (absent in older projects, null when untrained); the factors do not depend on it. */
    trainedBy: z.enum(['onnx', 'fused']).nullable().optional(),
  })
  .superRefine((s, ctx) => {
    // An edit is a rating someone typed: on the sheet's scale, as checkRating requires.
    s.edits.forEach(([user, item, rating], n) => {
      if (rating === null) return;
      const problem = ratingValueProblem(rating) ?? (rating < s.scale.lo || rating > s.scale.hi ? `is outside the scale ${s.scale.lo}–${s.scale.hi}` : null);
      if (problem) ctx.addIssue({ code: 'custom', message: `the edit of ${user} × ${item}, rating ${rating}, ${problem}`, path: ['edits', n, 2] });
    });
    if (s.planted) {
      const k = s.planted.tastes.length;
      for (const side of ['userWeights', 'movieWeights'] as const) {
        const row = s.planted[side].findIndex((w) => w.length !== k);
        if (row >= 0) ctx.addIssue({ code: 'custom', message: `row ${row + 1} has ${s.planted[side][row].length} weights for ${k} tastes`, path: ['planted', side, row] });
      }
    }
  });
export type AppProjectState = z.infer<typeof appStateSchema>;

/** The app's state of the project at `file`, or a UserError naming the place that is wrong. */
export function parseAppState(file: string, state: unknown): AppProjectState {
  const parsed = appStateSchema.safeParse(state);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `state.${issue.path.join('.')}` : 'state';
    throw new UserError(`${file}: is not a CollabSheet app project (${where}: ${issue.message})`);
  }
  return parsed.data;
}

/**
 * What only the data can check: the labels, planted tastes and file mask of embedded data
 * describe exactly its rows, and the split has what it needs (a validation file, timestamps).
 */
export function checkStateFitsData(file: string, state: AppProjectState, sheet: PreparedSheet, embedded: boolean): void {
  const d = sheet.dataset;
  const wrong = (problem: string) => new UserError(`${file}: is not a valid project (${problem})`);
  if (embedded) {
    const sameIds = (rows: { id: string }[], ids: string[]) => rows.length === ids.length && rows.every((r, n) => r.id === ids[n]);
    if (state.labels && !sameIds(state.labels.users, d.userIds)) throw wrong(`its ${state.labels.users.length} user labels do not match the data's ${d.userIds.length} users`);
    if (state.labels && !sameIds(state.labels.movies, d.itemIds)) throw wrong(`its ${state.labels.movies.length} movie labels do not match the data's ${d.itemIds.length} movies`);
    if (state.planted && (state.planted.userWeights.length > d.userIds.length || state.planted.movieWeights.length > d.itemIds.length)) {
      throw wrong(`its planted tastes have ${state.planted.userWeights.length} × ${state.planted.movieWeights.length} rows for ${d.userIds.length} users × ${d.itemIds.length} movies`);
    }
  }
  if (sheet.fileMask && sheet.fileMask.length !== d.ratings.length) throw wrong(`its validation mask has ${sheet.fileMask.length} entries for ${d.ratings.length} ratings`);
  if (state.split.method === 'files' && !sheet.fileMask) throw wrong('its split names a validation file, and the data has none: open the ratings with their validation file instead');
  if (state.split.method === 'time' && !d.timestamps) throw wrong('its split is by time, and the data has no timestamps');
}
