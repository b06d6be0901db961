import type { FileHandle } from 'node:fs/promises';
import { DataImportError } from './errors.ts';

const NEWLINE = 0x0a;
const CR = 0x0d;
/** A longer line is not a ratings row; refusing it bounds the buffer (and says why). */
export const MAX_LINE_BYTES = 1 << 20;
const CHUNK_BYTES = 4 << 20;

export interface ScanOptions {
  /** Byte offset to start at (past a byte-order mark). */
  start: number;
  signal?: AbortSignal;
  /** Called after each chunk with the bytes consumed so far (the signal is checked there too). */
  onChunk?: (bytesDone: number) => void;
}

/**
 * Calls `onLine(buf, start, end, lineNumber)` for every line of the file, `\n` and a trailing
 * `\r` excluded, reading fixed chunks into one reused buffer: memory stays at a few MB whatever
 * the file size. Line numbers are 1-based and count every line, blank ones included, so they
 * match an editor's.
 */
export async function scanLines(
  file: string,
  fh: FileHandle,
  options: ScanOptions,
  onLine: (buf: Buffer, start: number, end: number, line: number) => void,
): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
  let carry = 0; // bytes of an unfinished line kept at the start of buf
  let position = options.start;
  let line = 0;
  for (;;) {
    if (options.signal?.aborted) throw new DataImportError('cancelled', file, null, 'import cancelled');
    const { bytesRead } = await fh.read(buf, carry, CHUNK_BYTES, position);
    position += bytesRead;
    const filled = carry + bytesRead;
    const eof = bytesRead === 0;
    const view = buf.subarray(0, filled); // indexOf must not find stale newlines past `filled`
    let lineStart = 0;
    for (;;) {
      const nl = view.indexOf(NEWLINE, lineStart);
      if (nl === -1) break;
      onLine(buf, lineStart, nl > lineStart && buf[nl - 1] === CR ? nl - 1 : nl, ++line);
      lineStart = nl + 1;
    }
    if (eof) {
      if (lineStart < filled) onLine(buf, lineStart, buf[filled - 1] === CR ? filled - 1 : filled, ++line);
      return line;
    }
    carry = filled - lineStart;
    if (carry > MAX_LINE_BYTES) {
      throw new DataImportError('line-too-long', file, line + 1, `line longer than ${MAX_LINE_BYTES >> 20} MB: not a ratings file?`);
    }
    buf.copyWithin(0, lineStart, filled);
    options.onChunk?.(position - carry);
  }
}
