/**
 * Issue 13 finding 4: `openProject /dev/zero` read until memory was gone, and FIFOs hung every
 * reader for good (preview, import, openProject; a project's referenced ratings file is read by
 * the same importer). Each reader now answers at once, naming what the path is. Zip bombs
 * (finding 9) are io/zip-bounds.test.ts's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject } from '../io/project.ts';
import { readCollabWorkbook } from '../io/xlsx.ts';
import { readSheetFile } from './sheet-file.ts';
import { previewFile, readRatingsFile } from '../data/import/index.ts';
import { readRegularFile } from '../data/import/regular-file.ts';
import { readTitlesFile } from '../data/import/titles.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-file-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fifo = join(dir, 'ratings.fifo');
execFileSync('mkfifo', [fifo]);
const folder = join(dir, 'a-folder.csv');
mkdirSync(folder);

/** Fails instead of hanging: a reader that blocks on a FIFO never settles. */
function settlesSoon<T>(p: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms: it hangs`)), ms))]);
}

const readers: [string, (path: string) => Promise<unknown>][] = [
  ['the ratings import', (p) => readRatingsFile(p)],
  ['the import preview', (p) => previewFile(p)],
  ['openProject', (p) => openProject(p)],
  ['a sheet file', (p) => readSheetFile(p)],
  ['a workbook', (p) => readCollabWorkbook(p)],
  ['a titles file', (p) => readTitlesFile(p)],
];

describe('every reader opens regular files only (finding 4)', () => {
  for (const [name, read] of readers) {
    it(`${name}: a FIFO is refused at once, not waited on`, async () => {
      await expect(settlesSoon(read(fifo))).rejects.toThrow(/ratings\.fifo.*a pipe \(FIFO\), not a file/);
    });
    it(`${name}: /dev/zero and /dev/urandom are refused as devices`, async () => {
      for (const device of ['/dev/zero', '/dev/urandom']) await expect(settlesSoon(read(device))).rejects.toThrow(/a device, not a file/);
    });
    it(`${name}: a folder is refused`, async () => {
      await expect(settlesSoon(read(folder))).rejects.toThrow(/a folder, not a file/);
    });
  }

  it('a whole-file read is capped before a byte is read', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(2048, 0x20));
    await expect(readRegularFile(big, 1024, 'a sheet file')).rejects.toThrow(/big\.json: over 1 KB: too big for a sheet file/);
    expect((await readRegularFile(big, 4096, 'a sheet file')).length).toBe(2048);
  });
});

