/**
 * Issue 15 items 1, 2 in the CLI: `collabsheet train --item-features / --user-features` reads
 * the files, matches them to the ratings and reports them — saying whether the model uses them
 * (the neural ones train with them; the factor models say they do not) — or stops before
 * training with the file:line of a bad row. Every run reports cold_valid_rmse.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted } from '../data/synthetic.ts';
import { parseTrainArgs } from './args.ts';
import { main } from './main.ts';

let dir: string;
const file = (name: string) => join(dir, name);
const GENRE_FLAGS = 19;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'collabsheet-cli-features-'));
  const { data } = generatePlanted({ users: 40, items: 30, ratings: 800, rank: 3, noise: 0.3, seed: 1, idPrefix: { user: '', item: '' } });
  writeFileSync(file('u.data'), Array.from(data.ratings, (r, n) => `${data.userIds[data.users[n]]}\t${data.itemIds[data.items[n]]}\t${r}\t881250949`).join('\n') + '\n');
  // u.item-shaped (generated, not MovieLens'): items 1…30, each with one genre flag, plus item 31 the ratings lack.
  const uItem = Array.from({ length: 31 }, (_, i) => [i + 1, `Movie ${i + 1} (${1990 + (i % 10)})`, '01-Jan-1990', '', 'http://x', ...Array.from({ length: GENRE_FLAGS }, (_, g) => (g === i % GENRE_FLAGS ? 1 : 0))].join('|'));
  writeFileSync(file('u.item'), `${uItem.join('\n')}\n`);
  // u.user-shaped for users 1…35 of the 40.
  writeFileSync(file('u.user'), `${Array.from({ length: 35 }, (_, u) => `${u + 1}|${20 + u}|${u % 2 ? 'F' : 'M'}|${['writer', 'other', 'artist'][u % 3]}|${10000 + u}`).join('\n')}\n`);
  writeFileSync(file('bad.user'), '1|24|M|technician|85711\n2|53|F|other\n');
});

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('--item-features / --user-features', () => {
  it('are parsed (null when not given)', () => {
    expect(parseTrainArgs(['r.csv'])).toMatchObject({ itemFeatures: null, userFeatures: null });
    expect(parseTrainArgs(['r.csv', '--item-features', 'u.item', '--user-features=u.user'])).toMatchObject({ itemFeatures: 'u.item', userFeatures: 'u.user' });
    expect(() => parseTrainArgs(['r.csv', '--item-features'])).toThrow('--item-features: missing its value');
  });

  it('are read, matched and summarised; a factor model says it does not use them', async () => {
    const r = await run(['train', file('u.data'), '--item-features', file('u.item'), '--user-features', file('u.user'), '--epochs', '1', '--factors', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`item features: ${file('u.item')} (MovieLens u.item ('|'-separated, no header)): genres (19 values, several a row), year (numeric); 30 of 30 items matched, 1 row for items not in the ratings (ignored) — not used by --model dotbias (a factor model: only --model nn or classes takes side features)`);
    expect(r.out).toContain(`user features: ${file('u.user')} (MovieLens u.user ('|'-separated, no header)): age (numeric), gender (2 values), occupation (3 values), zip_region (1 value); 35 of 40 users matched, 5 without a row (their features unknown) — not used by --model dotbias (a factor model: only --model nn or classes takes side features)`);
    expect(r.out.findIndex((l) => l.startsWith('item features:'))).toBeLessThan(r.out.findIndex((l) => /^\s*epoch/.test(l)));
  });

  it('--json puts them on the done line as item_features / user_features', async () => {
    const r = await run(['train', file('u.data'), '--item-features', file('u.item'), '--user-features', file('u.user'), '--epochs', '1', '--factors', '2', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    const done = JSON.parse(r.out.at(-1)!);
    expect(done.done).toBe(true);
    expect(done.item_features).toMatchObject({
      file: file('u.item'), format: 'u.item', matched: 30, unmatched: 0, extra: 1, used_by_model: false,
      features: [{ name: 'genres', kind: 'multi', values: 19, unknown: 0 }, { name: 'year', kind: 'numeric', unknown: 0 }],
    });
    expect(done.item_features.features[1].mean).toBeCloseTo(1994.5, 1);
    expect(done.user_features).toMatchObject({ format: 'u.user', matched: 35, unmatched: 5, extra: 0, used_by_model: false });
    expect(done.user_features.features.map((f: { name: string }) => f.name)).toEqual(['age', 'gender', 'occupation', 'zip_region']);
    expect(done.user_features.features[1]).toEqual({ name: 'gender', kind: 'categorical', values: 2, unknown: 5 });
  });

  it('--model nn trains with them (issue 15 item 2): used_by_model, cold_valid_rmse, and the feature embeddings saved by value', async () => {
    const out = join(dir, 'nn-out');
    const r = await run(['train', file('u.data'), '--valid-pct', '0.2', '--model', 'nn', '--layers', '8', '--epochs', '2', '--item-features', file('u.item'), '--user-features', file('u.user'), '--out', out, '--json']);
    expect(r.code, r.err.join('\n')).toBe(0);
    const done = JSON.parse(r.out.at(-1)!);
    expect(done.item_features.used_by_model).toBe(true);
    expect(done.user_features.used_by_model).toBe(true);
    expect(done.cold_item_max_ratings).toBe(5);
    expect(done.cold_valid_rmse === null || Number.isFinite(done.cold_valid_rmse)).toBe(true);
    expect(done.files).toEqual(expect.arrayContaining([join(out, 'item_genres_embedding.csv'), join(out, 'user_occupation_embedding.csv'), join(out, 'item_numbers.csv'), join(out, 'user_numbers.csv')]));
    const genres = readFileSync(join(out, 'item_genres_embedding.csv'), 'utf8').trim().split('\n');
    expect(genres[0]).toBe(`genres,${Array.from({ length: 9 }, (_, j) => `embedding_${j + 1}`).join(',')}`); // 20 values → fastai's rule: 9
    expect(genres.map((l) => l.split(',')[0])).toEqual(expect.arrayContaining(['(unknown)', 'Action', 'Sci-Fi']));
    expect(genres).toHaveLength(21);
    expect(readFileSync(join(out, 'user_numbers.csv'), 'utf8').split('\n')[1]).toMatch(/^age,37,10\.0995\d+$/); // ages 20…54 of the 35 users listed
    expect(done.files).not.toContain(join(out, 'item_genres_embedding_weight.csv'));
  });

  it('the human summary names the cold validation ratings and their count (issue 15 Must show)', async () => {
    const r = await run(['train', file('u.data'), '--valid-pct', '0.3', '--epochs', '1', '--factors', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('cold valid (items with ≤ 5 train ratings): no ratings'); // every item has ≥ 10 here
    // Items 28–30 kept to 3 training ratings: their validation ratings are the cold ones.
    const lines = readFileSync(file('u.data'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const sparse = lines.filter((f) => Number(f[1]) < 28 || lines.filter((g) => g[1] === f[1]).indexOf(f) < 5);
    writeFileSync(file('sparse.train'), sparse.filter((f) => Number(f[1]) < 28 || sparse.filter((g) => g[1] === f[1]).indexOf(f) < 3).map((f) => f.join('\t')).join('\n') + '\n');
    writeFileSync(file('sparse.valid'), sparse.filter((f) => Number(f[1]) >= 28 && sparse.filter((g) => g[1] === f[1]).indexOf(f) >= 3).map((f) => f.join('\t')).join('\n') + '\n');
    const c = await run(['train', file('sparse.train'), '--valid', file('sparse.valid'), '--epochs', '1', '--factors', '2']);
    expect(c.code, c.err.join('\n')).toBe(0);
    expect(c.out).toContainEqual(expect.stringMatching(/^cold valid \(items with ≤ 5 train ratings\): 6 ratings, RMSE \d\.\d+$/));
  });

  it('--without-features leaves the named features out (a leave-one-feature-out run) and refuses a name no file has', async () => {
    expect(parseTrainArgs(['r.csv'])).toMatchObject({ withoutFeatures: [] });
    expect(parseTrainArgs(['r.csv', '--without-features', 'genres, age'])).toMatchObject({ withoutFeatures: ['genres', 'age'] });
    expect(() => parseTrainArgs(['r.csv', '--without-features', 'genres,'])).toThrow("--without-features: expected comma-separated feature names (e.g. genres,age), got 'genres,'");
    const files = ['--item-features', file('u.item'), '--user-features', file('u.user')];
    const r = await run(['train', file('u.data'), ...files, '--without-features', 'genres,age', '--epochs', '1', '--factors', '2', '--json']);
    expect(r.code, r.err.join('\n')).toBe(0);
    const done = JSON.parse(r.out.at(-1)!);
    expect(done.item_features.features.map((f: { name: string }) => f.name)).toEqual(['year']);
    expect(done.user_features.features.map((f: { name: string }) => f.name)).toEqual(['gender', 'occupation', 'zip_region']);
    const human = await run(['train', file('u.data'), ...files, '--without-features', 'genres', '--epochs', '1', '--factors', '2']);
    expect(human.out).toContainEqual(expect.stringMatching(/^item features: .*: year \(numeric\); 30 of 30 items matched, 1 feature left out \(--without-features\), /));
    const wrong = await run(['train', file('u.data'), ...files, '--without-features', 'genre', '--epochs', '1']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toEqual(["collabsheet: --without-features: no feature named 'genre' in the feature files (they hold: genres, year, age, gender, occupation, zip_region)"]);
  });

  it('a bad row stops the run before training, naming file:line (exit 1)', async () => {
    const r = await run(['train', file('u.data'), '--user-features', file('bad.user'), '--epochs', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`collabsheet: ${file('bad.user')}:2: expected 5 fields, found 4 (2|53|F|other)`]);
    expect(r.out.some((l) => /^\s*epoch/.test(l))).toBe(false);
  });
});
