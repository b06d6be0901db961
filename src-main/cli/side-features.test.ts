/**
 * Issue 15 item 1 in the CLI: `collabsheet train --item-features / --user-features` reads the
 * files, matches them to the ratings and reports them — saying the model does not use them yet —
 * or stops before training with the file:line of a bad row.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
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

  it('are read, matched and summarised, saying the model does not use them yet', async () => {
    const r = await run(['train', file('u.data'), '--item-features', file('u.item'), '--user-features', file('u.user'), '--epochs', '1', '--factors', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`item features: ${file('u.item')} (MovieLens u.item ('|'-separated, no header)): genres (19 values, several a row), year (numeric); 30 of 30 items matched, 1 row for items not in the ratings (ignored) — not used by the model yet`);
    expect(r.out).toContain(`user features: ${file('u.user')} (MovieLens u.user ('|'-separated, no header)): age (numeric), gender (2 values), occupation (3 values), zip_region (1 value); 35 of 40 users matched, 5 without a row (their features unknown) — not used by the model yet`);
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

  it('a bad row stops the run before training, naming file:line (exit 1)', async () => {
    const r = await run(['train', file('u.data'), '--user-features', file('bad.user'), '--epochs', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`collabsheet: ${file('bad.user')}:2: expected 5 fields, found 4 (2|53|F|other)`]);
    expect(r.out.some((l) => /^\s*epoch/.test(l))).toBe(false);
  });
});
