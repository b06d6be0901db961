/**
 * What a zip (an .xlsx is one) says it inflates to, read from its central directory without
 * inflating anything: a 488 KB workbook that inflates to 400 MB is refused before exceljs
 * builds it in memory (issue 13 finding 9). Written here because it is 30 lines of a stable
 * format, and the zip library exceljs uses is not ours to import.
 */
const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;

/** Sum of the entries' declared uncompressed sizes; null when this is not a readable zip. */
export function declaredUnzippedBytes(zip: Buffer): number | null {
  const eocd = findEndOfCentralDirectory(zip);
  if (eocd < 0) return null;
  const entries = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > eocd) return null;
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL_ENTRY) return null;
    const size = zip.readUInt32LE(p + 24);
    // 0xffffffff: the real size is in a zip64 field; more than 4 GB is over any limit anyway.
    total += size === 0xffffffff ? Number.POSITIVE_INFINITY : size;
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return total;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535.
  for (let p = zip.length - 22; p >= Math.max(0, zip.length - 22 - 0xffff); p--) {
    if (zip.readUInt32LE(p) === EOCD) return p;
  }
  return -1;
}
