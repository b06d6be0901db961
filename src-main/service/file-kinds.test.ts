/**
 * Issue 13 findings 4 and 9: `openProject /dev/zero` read until memory was gone, FIFOs hung every
 * reader for good (preview, import, openProject; a project's referenced ratings file is read by
 * the same importer), and a
 * 488 KB .xlsx inflating to 400 MB was accepted. Each reader now answers at once, naming what
 * the path is.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
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
    await expect(readRegularFile(big, 1024, 'a sheet file')).rejects.toThrow(/big\.json: over 0 MB: too big for a sheet file/);
    expect((await readRegularFile(big, 4096, 'a sheet file')).length).toBe(2048);
  });
});

/** A one-entry zip (stored names, deflated data), as an .xlsx is laid out. */
function zipOf(name: string, data: Buffer): Buffer {
  const packed = deflateRawSync(data, { level: 9 });
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc32(data), 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const cdOffset = local.length + nameBytes.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, packed, central, nameBytes, end]);
}

describe('a workbook is bounded before it is inflated (finding 9)', () => {
  it('refuses an .xlsx that unpacks to 400 MB, quickly and without inflating it', async () => {
    const bomb = join(dir, 'bomb.xlsx');
    writeFileSync(bomb, zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(400 * 2 ** 20, 0x20)));
    const before = process.memoryUsage().rss;
    await expect(readCollabWorkbook(bomb)).rejects.toThrow(/bomb\.xlsx.*unpacks to 400 MB, over the 300 MB a workbook may hold/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 2 ** 20);
  });

  it('still reads a small honest zip far enough to say it is no workbook', async () => {
    const small = join(dir, 'small.xlsx');
    writeFileSync(small, zipOf('hello.txt', Buffer.from('hello')));
    expect(existsSync(small)).toBe(true);
    await expect(readCollabWorkbook(small)).rejects.toThrow(/small\.xlsx/);
  });
});
