/**
 * Issue 13 finding 9: a 488 KB .xlsx inflating to 400 MB was accepted after a 4.5 s stall at
 * 1.1–1.9 GB; a 1.3 MB one inflating to 1.2 GB died as "Invalid string length". The bombs are
 * built here (a deflate stream of zeros, sync-flushed segments laid end to end, in a hand-written
 * zip), both honest about their size and lying about it, and must be refused at once and in
 * little memory; real workbooks (the app's largest export) still pass.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataImportError } from '../data/import/errors.ts';
import { readCollabWorkbook, writeCollabWorkbook } from './xlsx.ts';
import { checkZipBounds, ZipBoundsError } from './zip-bounds.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1 << 20;
const LIMITS = { maxInflatedBytes: 32 * MiB, maxEntries: 10_000 }; // as readCollabWorkbook's

interface Part {
  name: string;
  /** The bytes as stored (deflated unless method is 0). */
  data: Buffer;
  /** What the central directory declares. */
  inflated: number;
  crc?: number;
  method?: number;
  flags?: number;
}

/** A zip archive written by hand: local headers and data, the central directory, its end record. */
function zipOf(parts: Part[], { count = parts.length } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    // The local header and the central record share one run of fields, the central one 2 bytes later.
    const shared = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at); // version needed
      header.writeUInt16LE(p.flags ?? 0, at + 2);
      header.writeUInt16LE(p.method ?? 8, at + 4);
      header.writeUInt32LE(p.crc ?? 0, at + 10);
      header.writeUInt32LE(p.data.length, at + 14);
      header.writeUInt32LE(p.inflated, at + 18);
      header.writeUInt16LE(name.length, at + 22);
      return header;
    };
    const local = shared(Buffer.alloc(30), 4);
    local.writeUInt32LE(0x04034b50, 0);
    const central = shared(Buffer.alloc(46), 6);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, p.data);
    centrals.push(central, name);
    offset += 30 + name.length + p.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** `mib` MiB of zeros as one deflate stream, without ever holding them: ~1 KB per MiB. */
function deflatedZeros(mib: number): Buffer {
  const segment = deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: mib }, () => segment), Buffer.from([0x03, 0x00])]);
}

const part = (name: string, text: string): Part => {
  const raw = Buffer.from(text);
  return { name, data: deflateRawSync(raw), inflated: raw.length, crc: crc32(raw) };
};
const contentTypes = part('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
const bomb400 = deflatedZeros(400);

/** Peak resident memory growth (MB) while `f` runs: the kernel's high-water mark, so nothing is missed. */
async function peakGrowthMb(f: () => Promise<unknown>): Promise<number> {
  const before = process.resourceUsage().maxRSS;
  await f();
  return (process.resourceUsage().maxRSS - before) / 1024;
}

describe('zip bounds (issue 13 finding 9)', () => {
  it('the app’s own largest export passes, with its true inflated size', async () => {
    const path = join(dir, 'export.xlsx');
    const users = Array.from({ length: 100 }, (_, u) => `u${u}`);
    const items = Array.from({ length: 100 }, (_, i) => `m${i}`);
    const k = 5;
    await writeCollabWorkbook(path, {
      userIds: users, itemIds: items, factors: k,
      ratings: Float32Array.from({ length: 100 * 100 }, (_, c) => (c % 3 ? 1 + (c % 5) : NaN)),
      userFactors: Float32Array.from({ length: 100 * k }, (_, i) => Math.sin(i)),
      itemFactors: Float32Array.from({ length: 100 * k }, (_, i) => Math.cos(i)),
    });
    const inflated = checkZipBounds(readFileSync(path), LIMITS);
    expect(inflated).toBeGreaterThan(1e6); // a 100 × 100 export, the largest the app writes…
    expect(inflated).toBeLessThan(LIMITS.maxInflatedBytes / 8); // …is far inside the limit
    expect((await readCollabWorkbook(path)).data.userIds).toHaveLength(100);
  });

  it.each([400, 1200])('a bomb declaring %i MiB is refused from its directory, before inflating anything', (mib) => {
    const zip = zipOf([contentTypes, { name: 'xl/worksheets/sheet1.xml', data: mib === 400 ? bomb400 : deflatedZeros(mib), inflated: mib * MiB }]);
    expect(zip.length).toBeLessThan(1.5e6); // as small as the finding's 488 KB and 1.3 MB files
    expect(() => checkZipBounds(zip, LIMITS)).toThrow(`its parts inflate to ${mib === 400 ? '400 MB' : '1.2 GB'}, more than the 32 MB a workbook may hold (a zip bomb?)`);
  });

  it('a bomb that lies about its size stops inflating at the size it declared, in little memory', async () => {
    const zip = zipOf([contentTypes, { name: 'xl/worksheets/sheet1.xml', data: bomb400, inflated: 1000 }]);
    const grew = await peakGrowthMb(async () => {
      expect(() => checkZipBounds(zip, LIMITS)).toThrow('its part xl/worksheets/sheet1.xml inflates past the 1000 bytes its zip directory declares (a zip bomb?)');
    });
    expect(grew).toBeLessThan(50); // inflating it all would hold 400 MB
  });

  it('readCollabWorkbook refuses both bombs with a one-line message, in little memory', async () => {
    for (const [name, inflated] of [['honest.xlsx', 400 * MiB], ['liar.xlsx', 1000]] as const) {
      const path = join(dir, name);
      writeFileSync(path, zipOf([contentTypes, { name: 'xl/worksheets/sheet1.xml', data: bomb400, inflated }]));
        let error: unknown;
      const grew = await peakGrowthMb(async () => (error = await readCollabWorkbook(path).catch((e: unknown) => e)));
      expect(error).toBeInstanceOf(DataImportError);
      expect((error as DataImportError).code).toBe('workbook');
      expect((error as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable \\.xlsx workbook: its parts? .*\\(a zip bomb\\?\\)$`));
      expect(grew).toBeLessThan(50);
    }
  });

  it('damage and what JSZip would reinterpret are refused by name', () => {
    const refuse = (zip: Buffer, message: unknown) => {
      const error = (() => {
        try {
          checkZipBounds(zip, LIMITS);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ZipBoundsError);
      expect((error as Error).message).toEqual(message);
    };
    refuse(Buffer.from('userId,movieId,rating\n1,2,3\n'), 'it is not a zip archive, as an .xlsx workbook is (no zip directory at its end)');
    refuse(zipOf([{ ...contentTypes, crc: 1 }]), 'it is damaged: checksum mismatch in the part [Content_Types].xml');
    refuse(zipOf([{ ...contentTypes, inflated: contentTypes.inflated + 1 }]), `it is damaged: the part [Content_Types].xml holds ${contentTypes.inflated} bytes, its directory says ${contentTypes.inflated + 1}`);
    refuse(zipOf([{ ...contentTypes, data: Buffer.from([0xff, 0xff]) }]), expect.stringContaining('it is damaged: the part [Content_Types].xml does not inflate'));
    refuse(zipOf([{ ...contentTypes, flags: 1 }]), 'it is encrypted (password-protected): save it from Excel without a password');
    refuse(zipOf([{ ...contentTypes, method: 12 }]), 'its part [Content_Types].xml is compressed with method 12; a workbook uses deflate');
    refuse(Buffer.concat([Buffer.from('MZ self-extracting stub'), zipOf([contentTypes])]), 'it is not a plain zip archive (its central directory is not where its end record says)');
    refuse(zipOf([contentTypes], { count: 0xffff }), 'it is a ZIP64 archive, which no workbook within the limits needs');
    const many = Array.from({ length: 11 }, (_, i) => part(`xl/p${i}.xml`, '<a/>'));
    expect(() => checkZipBounds(zipOf(many), { ...LIMITS, maxEntries: 10 })).toThrow('it lists more than 10 parts; a workbook has a few dozen');
    expect(checkZipBounds(zipOf(many), LIMITS)).toBe(44);
  });
});
