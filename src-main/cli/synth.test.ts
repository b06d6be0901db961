/**
 * `collabsheet synth` end to end (bin/collabsheet.mjs spawned): the file it writes is what the
 * spec asks for and reads back through the importer; mistakes are one line and exit 2.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRatingsFile } from '../data/import/index.ts';

const BIN = fileURLToPath(new URL('../../bin/collabsheet.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'collabsheet-synth-'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collabsheet synth', () => {
  it('writes the asked-for ratings, deterministic by seed, that the importer reads back', async () => {
    const out = join(dir, 'planted.csv');
    const args = ['synth', '--users', '300', '--items', '120', '--ratings', '5000', '--rank', '4', '--noise', '0.3', '--seed', '7', '--timestamps', '--out', out];
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^synthetic 300 × 120, 5000 ratings, rank 4, σ 0\.3 → .*planted\.csv \(5000 rows/);
    const { data, summary } = await readRatingsFile(out);
    expect(summary).toMatchObject({ rows: 5000, duplicates: 0, skipped: 0, hasTimestamps: true, ratingMin: 1, ratingMax: 5 });
    expect(data.userIds.length).toBeLessThanOrEqual(300);
    expect(data.itemIds.every((id) => /^\d+$/.test(id))).toBe(true);
    expect(Array.from(data.ratings).every((x) => Number.isInteger(x))).toBe(true);
    const again = join(dir, 'again.csv');
    await cli([...args.slice(0, -1), again]);
    expect((await readRatingsFile(again)).data.ratings).toEqual(data.ratings);
  });

  it('takes a density and a half-star scale', async () => {
    const out = join(dir, 'dense.csv');
    const r = await cli(['synth', '--users', '50', '--items', '40', '--density', '0.5', '--scale', '0.5,5,0.5', '--out', out]);
    expect(r.code).toBe(0);
    const { data } = await readRatingsFile(out);
    expect(data.ratings.length).toBe(1000);
    expect(Array.from(data.ratings).every((x) => x >= 0.5 && x <= 5 && Number.isInteger(x * 2))).toBe(true);
  });

  it('reports a missing --out, a bad value and conflicting flags as one usage line (exit 2)', async () => {
    for (const [args, needle] of [
      [['synth'], '--out <file.csv> is required'],
      [['synth', '--out', 'x.csv', '--rank', 'two'], "--rank: expected an integer, got 'two'"],
      [['synth', '--out', 'x.csv', '--ratings', '5', '--density', '0.1'], 'exclude each other'],
      [['synth', '--out', 'x.csv', '--scale', '5,1,1'], '--scale:'],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(needle);
      expect(r.stderr).toContain('(see collabsheet synth --help)');
    }
  });
});
