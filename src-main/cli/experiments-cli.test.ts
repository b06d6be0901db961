/**
 * `collabsheet sweep` and `collabsheet tune` end to end (issue 12 item 6): bin/collabsheet.mjs
 * spawned on a small generated file; one JSON object per line, tune's summary last.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted } from '../data/synthetic.ts';
import type { TrainConfig } from '../engine/types.ts';
import { trainCommandLine } from './train-flags.ts';

const BIN = fileURLToPath(new URL('../../bin/collabsheet.mjs', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
let ratings: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'collabsheet-exp-'));
  ratings = join(dir, 'ratings.csv');
  const { data } = generatePlanted({ users: 40, items: 30, ratings: 800, rank: 3, noise: 0.3, seed: 1 });
  const rows = Array.from(data.ratings, (r, n) => `u${data.userIds[data.users[n]]},m${data.itemIds[data.items[n]]},${r}`);
  writeFileSync(ratings, `user,item,rating\n${rows.join('\n')}\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('collabsheet sweep --json', () => {
  it('prints one object per run in value order, then the best with its train line', async () => {
    const r = await cli(['sweep', ratings, '--param', 'k', '--values', '1,3', '--y-range', '0,7', '--epochs', '2', '--json']);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    expect(out.slice(0, 2).map((o) => o.values)).toEqual([{ k: 1 }, { k: 3 }]);
    for (const o of out.slice(0, 2)) expect(o).toMatchObject({ epochs: 2, valid_rmse: expect.any(Number), train_rmse: expect.any(Number) });
    const done = out[2] as { done: boolean; best: { run: string; command: string; valid_rmse: number } };
    expect(done.done).toBe(true);
    expect(done.best.command).toMatch(/^collabsheet train .*--factors [13] /);
    expect(done.best.valid_rmse).toBe(Math.min(...out.slice(0, 2).map((o) => o.valid_rmse as number)));
  });

  it('ends a bad sweep as one usage line', async () => {
    const r = await cli(['sweep', ratings, '--param', 'k', '--values', 'two']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("collabsheet: --values: k: expected an integer, got 'two' (see collabsheet sweep --help)");
  });
});

describe('collabsheet tune --json', () => {
  it('prints the runs, then the summary with best_single and best_blend', async () => {
    const r = await cli(['tune', ratings, '--budget', '10s', '--json']);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    const summary = out.at(-1) as { best_single: { valid_rmse: number; settings: { model: object } }; best_blend: { valid_rmse: number; mode: string; members: { run: string; weight: number }[] } };
    expect(out.slice(0, -1).every((o) => typeof o.run === 'string' && typeof o.valid_rmse === 'number')).toBe(true);
    expect(summary.best_single.valid_rmse).toEqual(expect.any(Number));
    expect(summary.best_single.settings.model).toBeDefined();
    expect(summary.best_blend.valid_rmse).toBeLessThanOrEqual(summary.best_single.valid_rmse + 1e-9);
    // Ridge weights are free; convex ones (where they fit better) sum to 1.
    expect(['ridge', 'fitted']).toContain(summary.best_blend.mode);
    if (summary.best_blend.mode === 'fitted') expect(summary.best_blend.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 6);
    // The kNN members are listed with their settings; in the blend they name their engine.
    const knn = (out.at(-1) as { knn_members: { id: string; valid_rmse: number; settings: { by: string } }[] }).knn_members;
    expect(knn.map((m) => [m.id, m.settings.by])).toEqual([['knn-item', 'item'], ['knn-user', 'user']]);
    expect(knn.every((m) => Number.isFinite(m.valid_rmse))).toBe(true);

    // A fused run's settings, as the line tune prints for it, train again to its valid RMSE.
    const fused = out.find((o) => o.engine === 'fused') as { valid_rmse: number; settings: TrainConfig } | undefined;
    expect(fused).toBeDefined();
    const line = trainCommandLine({ ratings, valid: null, validPct: 0.1, splitSeed: 42 }, fused!.settings, 'fused');
    expect(line).toMatch(/ --engine fused --cores 1$/);
    const again = await cli([...line.split(' ').slice(1), '--json']);
    expect(again.code).toBe(0);
    expect(lines(again.stdout).at(-1)).toMatchObject({ engine: 'fused', valid_rmse: expect.closeTo(fused!.valid_rmse, 6) });
  });
});
