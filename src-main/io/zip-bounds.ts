/**
 * A zip archive's inflated size, bounded before anyone inflates it (issue 13 finding 9: a 488 KB
 * .xlsx inflating to 400 MB stalled the worker for seconds at 1–2 GB; a 1.3 MB one inflating to
 * 1.2 GB died as "Invalid string length"). exceljs hands the whole buffer to JSZip, which inflates
 * each part into one string and compares its size with the declared one only at the end; so the
 * declared sizes are checked here first, and then, since they can lie, each part is inflated with
 * its declared size as a hard limit (node:zlib stops there), its length and CRC-32 compared.
 *
 * The archive is read the way JSZip reads it (zipEntries.js, zipEntry.js) so that what is checked
 * is what it will inflate: the last end-of-central-directory record, central records read while
 * their signature repeats (not merely as many as the end record counts), each local header only
 * for its name and extra lengths, the compressed size from the central record. Whatever JSZip
 * would reinterpret (data prepended before the archive, ZIP64 sizes, methods other than stored and
 * deflate, encryption) is refused here instead: a workbook within the limits needs none of it.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { formatBytes } from '../data/import/regular-file.ts';

export interface ZipLimits {
  /** The most all parts may inflate to, together. */
  maxInflatedBytes: number;
  /** The most parts (files and folders) the archive may list. */
  maxEntries: number;
}

/** The archive breaks a limit or is not one this reader vouches for; the message says which. */
export class ZipBoundsError extends Error {
  override readonly name = 'ZipBoundsError';
}

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const MAX_COMMENT = 0xffff;
const SATURATED_16 = 0xffff;
const SATURATED_32 = 0xffffffff;
const STORED = 0;
const DEFLATE = 8;

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressed: number;
  inflated: number;
  localOffset: number;
}

/** Throws ZipBoundsError unless `zip` inflates, truly, to within `limits`; returns the inflated total. */
export function checkZipBounds(zip: Buffer, limits: ZipLimits): number {
  const entries = centralDirectory(zip, limits);
  const declared = entries.reduce((sum, e) => sum + e.inflated, 0);
  if (declared > limits.maxInflatedBytes) {
    throw new ZipBoundsError(`its parts inflate to ${formatBytes(declared)}, more than the ${formatBytes(limits.maxInflatedBytes)} a workbook may hold (a zip bomb?)`);
  }
  for (const e of entries) checkPart(zip, e);
  return declared;
}

function centralDirectory(zip: Buffer, limits: ZipLimits): Entry[] {
  const eocd = lastEndRecord(zip);
  const count = zip.readUInt16LE(eocd + 10);
  const size = zip.readUInt32LE(eocd + 12);
  const offset = zip.readUInt32LE(eocd + 16);
  if (count === SATURATED_16 || size === SATURATED_32 || offset === SATURATED_32) {
    throw new ZipBoundsError('it is a ZIP64 archive, which no workbook within the limits needs');
  }
  if (offset + size !== eocd) throw new ZipBoundsError('it is not a plain zip archive (its central directory is not where its end record says)');
  const entries: Entry[] = [];
  for (let at = offset; at + 4 <= zip.length && zip.readUInt32LE(at) === CENTRAL_SIG; ) {
    if (entries.length === limits.maxEntries) throw new ZipBoundsError(`it lists more than ${limits.maxEntries} parts; a workbook has a few dozen`);
    if (at + CENTRAL_BYTES > zip.length) throw damaged('its central directory is cut short');
    const nameLength = zip.readUInt16LE(at + 28);
    const entry: Entry = {
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressed: zip.readUInt32LE(at + 20),
      inflated: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + CENTRAL_BYTES, Math.min(zip.length, at + CENTRAL_BYTES + nameLength)).slice(0, 80),
    };
    if (entry.compressed === SATURATED_32 || entry.inflated === SATURATED_32 || entry.localOffset === SATURATED_32) {
      throw new ZipBoundsError(`its part ${entry.name} has ZIP64 sizes (over 4 GB)`);
    }
    entries.push(entry);
    at += CENTRAL_BYTES + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  if (entries.length === 0 && count > 0) throw damaged(`its end record lists ${count} parts, its central directory none`);
  return entries;
}

/** The last end-of-central-directory record, as JSZip picks it (its comment is at most 64 KB). */
function lastEndRecord(zip: Buffer): number {
  const earliest = Math.max(0, zip.length - EOCD_BYTES - MAX_COMMENT);
  for (let at = zip.length - EOCD_BYTES; at >= earliest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIG) return at;
  }
  throw new ZipBoundsError('it is not a zip archive, as an .xlsx workbook is (no zip directory at its end)');
}

function checkPart(zip: Buffer, e: Entry): void {
  if (e.flags & 1) throw new ZipBoundsError('it is encrypted (password-protected): save it from Excel without a password');
  if (e.method !== STORED && e.method !== DEFLATE) throw new ZipBoundsError(`its part ${e.name} is compressed with method ${e.method}; a workbook uses deflate`);
  const local = e.localOffset;
  if (local + LOCAL_BYTES > zip.length || zip.readUInt32LE(local) !== LOCAL_SIG) throw damaged(`the part ${e.name} is not where its directory says`);
  const start = local + LOCAL_BYTES + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  if (start + e.compressed > zip.length) throw damaged(`the part ${e.name} runs past the end of the file`);
  const data = zip.subarray(start, start + e.compressed);
  let inflated: Buffer;
  if (e.method === STORED) {
    inflated = data;
  } else {
    try {
      // The declared size is the hard limit: a part that lies about it stops here, not at 1 GB.
      inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, e.inflated) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ZipBoundsError(`its part ${e.name} inflates past the ${e.inflated} bytes its zip directory declares (a zip bomb?)`);
      }
      throw damaged(`the part ${e.name} does not inflate (${(error as Error).message})`);
    }
  }
  if (inflated.length !== e.inflated) throw damaged(`the part ${e.name} holds ${inflated.length} bytes, its directory says ${e.inflated}`);
  if (crc32(inflated) !== e.crc) throw damaged(`checksum mismatch in the part ${e.name}`);
}

const damaged = (what: string) => new ZipBoundsError(`it is damaged: ${what}`);
