/**
 * Issue 15 item 6 (data half) in the CLI: `collabsheet synth --features G,B` writes the planted
 * side features beside the ratings, and train --item-features / --user-features reads them back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeatureFile } from '../data/import/features.ts';
import { joinFeatures } from '../data/import/features-join.ts';
import { readRatingsFile } from '../data/import/index.ts';
import { main } from './main.ts';
import { featureFilesBeside, parseSynthArgs } from './synth-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-synth-features-'));

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('collabsheet synth --features', () => {
  it('writes item,genres and user,age_bucket files beside the ratings that import and join to every rated id', async () => {
    const out = join(dir, 'planted.csv');
    const files = featureFilesBeside(out);
    expect(files).toEqual({ items: join(dir, 'planted.items.csv'), users: join(dir, 'planted.users.csv') });
    const r = await run(['synth', '--users', '200', '--items', '80', '--ratings', '4000', '--features', '6,3', '--seed', '5', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([expect.stringContaining(`→ ${out}, ${files.items}, ${files.users} (4000 rows`)]);
    const { data } = await readRatingsFile(out, { titles: false });
    const items = joinFeatures(await readFeatureFile(files.items), data.itemIds);
    const users = joinFeatures(await readFeatureFile(files.users), data.userIds);
    expect({ matched: items.matched, unmatched: items.unmatched }).toEqual({ matched: data.itemIds.length, unmatched: 0 });
    expect({ matched: users.matched, unmatched: users.unmatched }).toEqual({ matched: data.userIds.length, unmatched: 0 });
    // Rows for ids that drew no rating are extra, not errors.
    expect(items.extra).toBe(80 - data.itemIds.length);
    expect(items.features.map((f) => [f.name, f.kind, f.kind === 'numeric' ? 0 : f.vocabulary.length - 1])).toEqual([['genres', 'multi', 6]]);
    expect(users.features.map((f) => [f.name, f.kind, f.kind === 'numeric' ? 0 : f.vocabulary.length - 1])).toEqual([['age_bucket', 'categorical', 3]]);

    const train = await run(['train', out, '--item-features', files.items, '--user-features', files.users, '--epochs', '1', '--factors', '2']);
    expect(train.code).toBe(0);
    expect(train.out).toContain(`item features: ${files.items} (','-separated with header, keyed by "item"): genres (6 values, several a row); ${data.itemIds.length} of ${data.itemIds.length} items matched${items.extra ? `, ${items.extra} rows for items not in the ratings (ignored)` : ''} — not used by --model dotbias (a factor model: only --model nn or classes takes side features)`);
    expect(train.out).toContainEqual(expect.stringMatching(/^user features: .*planted\.users\.csv .*: age_bucket \(3 values\); \d+ of \d+ users matched/));
  });

  it('refuses a malformed or out-of-range --features', () => {
    expect(() => parseSynthArgs(['--out', 'x.csv', '--features', '6'])).toThrow("--features: expected 'genres,age buckets' (e.g. 19,7), got '6'");
    expect(() => parseSynthArgs(['--out', 'x.csv', '--features', '0,3'])).toThrow('--features: must be at least 1, got 0');
    expect(() => parseSynthArgs(['--out', 'x.csv', '--features', '6,21'])).toThrow('--features: must be at most 20, got 21');
    expect(parseSynthArgs(['--out', 'x.csv'])!.features).toBeNull();
  });
});
