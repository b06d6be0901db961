import { readFileSync, writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataImportError, readRatingsFile } from './index.ts';

const corpus = join(import.meta.dirname, '__fixtures__', 'broken');
const expected = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8')) as Record<string, string>;

describe('broken-file corpus', () => {
  it('has at least 20 files, each listed with its message', () => {
    const files = readdirSync(corpus).filter((f) => f !== 'expected.json' && f !== 'README.md');
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(expected).sort()).toEqual(files.sort());
  });

  for (const [file, message] of Object.entries(expected)) {
    it(`${file} → ${message}`, async () => {
      const error = await readRatingsFile(join(corpus, file)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataImportError);
      const text = (error as DataImportError).message;
      expect(text.replace(`${corpus}/`, '')).toBe(message);
      expect(text).not.toContain('\n');
    });
  }

  it('a line over 1 MB is refused with its line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collabsheet-broken-'));
    const path = join(dir, 'line-too-long.csv');
    writeFileSync(path, `user,item,rating\n1,2,3\n${'9'.repeat(1 << 20)},1,1\n${'1,2,3\n'.repeat(100)}`);
    await expect(readRatingsFile(path)).rejects.toThrow(`${path}:3: line longer than 1 MB: not a ratings file?`);
  });

  it('a missing file and a folder get one-line messages', async () => {
    await expect(readRatingsFile('/no/such/ratings.csv')).rejects.toThrow('/no/such/ratings.csv: no such file');
    await expect(readRatingsFile(tmpdir())).rejects.toThrow(`${tmpdir()}: this is a folder, not a file`);
  });
});

describe('parser fuzzing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'collabsheet-fuzz-'));
  const path = join(dir, 'fuzz.csv');

  /** Imports `bytes`; anything thrown must be a one-line DataImportError. */
  async function importsOrExplains(bytes: Uint8Array): Promise<void> {
    writeFileSync(path, bytes);
    try {
      const { data } = await readRatingsFile(path, { titles: false });
      expect(data.users.length).toBe(data.ratings.length);
      for (let i = 0; i < data.ratings.length; i++) {
        expect(Number.isFinite(data.ratings[i])).toBe(true);
        expect(data.users[i]).toBeLessThan(data.userIds.length);
        expect(data.items[i]).toBeLessThan(data.itemIds.length);
      }
    } catch (e) {
      if (!(e instanceof DataImportError)) throw e;
      expect(e.message).not.toContain('\n');
    }
  }

  it('arbitrary bytes: imports or throws DataImportError, never anything else', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), importsOrExplains), { numRuns: 300 });
  });

  it('ratings-like text with random damage: imports or throws DataImportError', async () => {
    const token = fc.constantFrom('1', '42', '007', '3.5', 'x', '', '"', '""', '"a,b"', ',', '\t', '::', ';', '\n', '\r\n', ' ', 'NaN', '-1', '1e3', 'é', '\u0000', '\uFFFD');
    const line = fc.array(token, { maxLength: 12 }).map((t) => t.join(''));
    const file = fc.tuple(fc.constantFrom('user,item,rating\n', 'userId,movieId,rating,timestamp\n', ''), fc.array(line, { maxLength: 30 }));
    await fc.assert(
      fc.asyncProperty(file, ([header, lines]) => importsOrExplains(Buffer.from(header + lines.join('\n'), 'utf8'))),
      { numRuns: 400 },
    );
  });

  it('skip mode on damaged text never throws a bad-row error', async () => {
    const row = fc.oneof(
      fc.tuple(fc.nat(50), fc.nat(50), fc.integer({ min: 1, max: 5 })).map(([u, i, r]) => `${u},${i},${r}`),
      fc.string({ maxLength: 12 }).filter((s) => !s.includes('\n')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (rows) => {
        writeFileSync(path, `user,item,rating\n1,1,1\n${rows.join('\n')}\n`);
        const result = await readRatingsFile(path, { badRows: 'skip', titles: false }).catch((e: unknown) => e);
        if (result instanceof DataImportError) expect(result.code).not.toBe('bad-row');
        else if (result instanceof Error) throw result;
      }),
      { numRuns: 200 },
    );
  });
});
