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
  /** The buffer to read into (at least READ_BUFFER_BYTES; the parser's own memory), else a new one. */
  buffer?: Buffer;
}

/** A chunk and the longest line carried over from the one before. */
export const READ_BUFFER_BYTES = CHUNK_BYTES + MAX_LINE_BYTES;

/**
 * Reads the file in fixed chunks into one reused buffer (memory stays at a few MB whatever the
 * file size) and hands over runs of whole lines: `onLines(buf, start, end, linesBefore)` gets
 * bytes [start, end) ending just after a `\n` (or at end of file) and returns how many lines it
 * consumed. Line numbers are 1-based and count every line, blank ones included, so they match an
 * editor's.
 */
export async function scanChunks(
  file: string,
  fh: FileHandle,
  options: ScanOptions,
  onLines: (buf: Buffer, start: number, end: number, linesBefore: number) => number,
): Promise<number> {
  const buf = options.buffer ?? Buffer.allocUnsafe(READ_BUFFER_BYTES);
  if (buf.length < READ_BUFFER_BYTES) throw new Error(`scanChunks needs a buffer of ${READ_BUFFER_BYTES} bytes`);
  let carry = 0; // bytes of an unfinished line kept at the start of buf
  let position = options.start;
  let lines = 0;
  for (;;) {
    if (options.signal?.aborted) throw new DataImportError('cancelled', file, null, 'import cancelled');
    const { bytesRead } = await fh.read(buf, carry, CHUNK_BYTES, position);
    position += bytesRead;
    const filled = carry + bytesRead;
    if (bytesRead === 0) {
      if (filled > 0) lines += onLines(buf, 0, filled, lines);
      return lines;
    }
    const wholeLines = buf.subarray(0, filled).lastIndexOf(NEWLINE) + 1;
    if (wholeLines > 0) lines += onLines(buf, 0, wholeLines, lines);
    carry = filled - wholeLines;
    if (carry > MAX_LINE_BYTES) {
      throw new DataImportError('line-too-long', file, lines + 1, `line longer than ${MAX_LINE_BYTES >> 20} MB: not a ratings file?`);
    }
    buf.copyWithin(0, wholeLines, filled);
    options.onChunk?.(position - carry);
  }
}

/**
 * Calls `onLine(buf, start, end, line)` for each line in [start, end), the `\n` and a trailing
 * `\r` excluded; returns the number of lines.
 */
export function forEachLine(
  buf: Buffer,
  start: number,
  end: number,
  linesBefore: number,
  onLine: (buf: Buffer, start: number, end: number, line: number) => void,
): number {
  let line = linesBefore;
  let i = start;
  while (i < end) {
    let nl = buf.indexOf(NEWLINE, i);
    if (nl === -1 || nl >= end) nl = end;
    onLine(buf, i, nl > i && buf[nl - 1] === CR ? nl - 1 : nl, ++line);
    i = nl + 1;
  }
  return line - linesBefore;
}
