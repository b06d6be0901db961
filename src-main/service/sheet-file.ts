/**
 * The sheet file format (resources/demo-sheet.json): a small ratings grid as a person would lay it
 * out — named users in rows, titled movies in columns, null for a blank cell — plus, for sheets
 * generated from a planted taste model, the tastes to reveal after solving.
 */
import { readRegularFile, UnreadableFileError } from '../data/import/regular-file.ts';

/**
 * A sheet file is a small hand-made grid (the demo is 3 KB); bigger data is a ratings file. The
 * cap keeps a 500 MB JSON from holding the worker for minutes (issue 13 finding 6).
 */
const MAX_SHEET_FILE_BYTES = 16 * 2 ** 20;
import { z } from 'zod';
import type { RatingsDataset } from '../data/dataset.ts';
import { isFiniteFloat32, ratingValueProblem } from '../data/rating-value.ts';
import type { PlantedTastes, RatingScale, SheetMovie, SheetUser } from './contract.ts';
import { UserError } from './user-error.ts';

/** Any number, Infinity included (JSON.parse gives it for 1e309): the refinement says what is wrong with it. */
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');

const sheetFileSchema = z
  .strictObject({
    format: z.literal('collabsheet-sheet'),
    version: z.literal(1),
    name: z.string().min(1),
    description: z.string().optional(),
    scale: z
      .strictObject({ lo: anyNumber, hi: anyNumber, step: z.number().positive() })
      .superRefine((s, ctx) => {
        for (const end of ['lo', 'hi'] as const) {
          const problem = ratingValueProblem(s[end]);
          if (problem) ctx.addIssue({ code: 'custom', message: `${s[end]} ${problem}`, path: [end] });
        }
        if (!(s.lo < s.hi)) ctx.addIssue({ code: 'custom', message: 'scale.lo must be below scale.hi', path: [] });
      }),
    users: z.array(z.strictObject({ id: z.string().min(1), label: z.string().min(1) })).min(1),
    movies: z.array(z.strictObject({ id: z.string().min(1), title: z.string().min(1) })).min(1),
    ratings: z.array(z.array(anyNumber.nullable())),
    planted: z
      .strictObject({
        tastes: z.array(z.string().min(1)).min(1),
        userWeights: z.array(z.array(z.number().refine(isFiniteFloat32, 'is too large for a float32 weight'))),
        movieWeights: z.array(z.array(z.number().refine(isFiniteFloat32, 'is too large for a float32 weight'))),
      })
      .nullable(),
    generator: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (message: string, path: (string | number)[]) => ctx.addIssue({ code: 'custom', message, path });
    const unique = (ids: string[], what: 'users' | 'movies') => {
      const seen = new Set<string>();
      ids.forEach((id, n) => {
        if (seen.has(id)) issue(`id "${id}" is used twice: each ${what === 'users' ? 'user' : 'movie'} needs its own id`, [what, n, 'id']);
        seen.add(id);
      });
    };
    unique(s.users.map((u) => u.id), 'users');
    unique(s.movies.map((m) => m.id), 'movies');
    if (s.ratings.length !== s.users.length) {
      issue(`has ${s.ratings.length} rows but there are ${s.users.length} users`, ['ratings']);
    }
    s.ratings.forEach((row, r) => {
      if (row.length !== s.movies.length) {
        issue(`row ${r + 1} has ${row.length} cells but there are ${s.movies.length} movies`, ['ratings', r]);
      }
      row.forEach((v, c) => {
        const problem = v === null ? null : ratingValueProblem(v);
        if (problem) issue(`rating ${v} (user ${r + 1}, movie ${c + 1}) ${problem}`, ['ratings', r, c]);
        else if (v !== null && (v < s.scale.lo || v > s.scale.hi)) {
          issue(`${v} (user ${r + 1}, movie ${c + 1}) is outside the scale ${s.scale.lo}–${s.scale.hi}`, ['ratings', r, c]);
        }
      });
    });
    if (s.planted) {
      const k = s.planted.tastes.length;
      const check = (rows: number[][], count: number, what: string) => {
        if (rows.length !== count || rows.some((w) => w.length !== k)) {
          issue(`needs ${count} rows of ${k} weights`, ['planted', what]);
        }
      };
      check(s.planted.userWeights, s.users.length, 'userWeights');
      check(s.planted.movieWeights, s.movies.length, 'movieWeights');
    }
  });

export type SheetFile = z.infer<typeof sheetFileSchema>;

/** A sheet as the worker uses it: the ratings as a dataset plus what the sheet shows. */
export interface LoadedSheet {
  name: string;
  scale: RatingScale;
  users: SheetUser[];
  movies: SheetMovie[];
  dataset: RatingsDataset;
  planted: PlantedTastes | null;
}

export function parseSheetFile(text: string, fileName: string): LoadedSheet {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${fileName}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = sheetFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first.path.length ? ` at ${first.path.join('.')}` : '';
    throw new UserError(`${fileName}${path}: ${first.message}`);
  }
  return sheetFromFile(parsed.data);
}

export async function readSheetFile(path: string): Promise<LoadedSheet> {
  let text: string;
  try {
    text = (await readRegularFile(path, MAX_SHEET_FILE_BYTES, 'a sheet file')).toString('utf8');
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new UserError(`Cannot read the sheet ${path}: ${error.problem}`);
    throw new UserError(`Cannot read the sheet ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseSheetFile(text, path);
}

function sheetFromFile(s: SheetFile): LoadedSheet {
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  s.ratings.forEach((row, u) =>
    row.forEach((v, i) => {
      if (v === null) return;
      users.push(u);
      items.push(i);
      ratings.push(v);
    }),
  );
  return {
    name: s.name,
    scale: s.scale,
    users: s.users,
    movies: s.movies,
    planted: s.planted,
    dataset: {
      users: Int32Array.from(users),
      items: Int32Array.from(items),
      ratings: Float32Array.from(ratings),
      userIds: s.users.map((u) => u.id),
      itemIds: s.movies.map((m) => m.id),
      itemTitles: s.movies.map((m) => m.title),
    },
  };
}
